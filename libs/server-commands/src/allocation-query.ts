import { Allocation, Server, Sql } from '@app/database';
import { AssessmentRow, assessmentOf, QuotaSubject, refusalOf } from '@app/quota';
import { Actor, LockedServer } from './server-state.repository';

/** How an order picks its servers: the lowest ids, or round-robin over the pool's racks. */
export type Spread = 'none' | 'rack';

export interface Order extends QuotaSubject {
  overflow: boolean;
  amount: number;
  spread: Spread;
}

/**
 * The allocation query: the SQL function `allocate_servers` (prisma/sql/allocate_servers.sql), one round
 * trip and one transaction. It decides (quota_assessment, under the pool's and the client's locks), takes
 * the servers with FOR UPDATE SKIP LOCKED (the lowest ids, or round-robin over racks), and writes the
 * allocations, the servers' state, an audit row and a `server.allocated` event each.
 */
const ALLOCATE_SERVERS = {
  name: 'allocate-servers',
  text: 'SELECT * FROM "allocate_servers"($1, $2, $3, $4, $5, $6, $7, $8::timestamp, $9, $10)',
};

type AllocateRow = AssessmentRow & {
  server: Record<string, unknown> | null;
  allocation: Record<string, unknown> | null;
};

/** Timestamps come as UTC wall time in the function's JSON. */
const utc = (value: unknown) => (value === null || value === undefined ? null : new Date(`${value as string}Z`));

function serverOf(json: Record<string, unknown>, allocation: Allocation): LockedServer {
  const server = {
    ...json,
    createdAt: utc(json.createdAt),
    updatedAt: utc(json.updatedAt),
    baselineStartedAt: utc(json.baselineStartedAt),
  } as Server;
  return { ...server, currentAllocation: allocation };
}

function allocationOf(json: Record<string, unknown>): Allocation {
  return { ...json, startedAt: utc(json.startedAt), endedAt: utc(json.endedAt) } as Allocation;
}

/** The servers the order took, each with its allocation; or the refusal (a DomainError) in the words of libs/quota. */
export async function allocateServers(
  sql: Sql,
  order: Order,
  actor: Actor,
  now: Date,
  defaultOnDemandLimit: number,
): Promise<{ server: LockedServer; allocation: Allocation }[]> {
  const rows = await sql.rows<AllocateRow>(ALLOCATE_SERVERS, [
    order.locationId,
    order.instanceTypeId,
    order.clientId,
    order.contractId,
    order.overflow,
    order.amount,
    order.spread,
    now.toISOString(),
    actor.name,
    defaultOnDemandLimit,
  ]);
  const [first] = rows;
  if (first.refusal !== null) throw refusalOf(order, order, assessmentOf(first, order));
  return rows.map((row) => {
    const allocation = allocationOf(row.allocation!);
    return { server: serverOf(row.server!, allocation), allocation };
  });
}
