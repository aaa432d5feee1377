import { Allocation, Server, Sql } from '@app/database';
import { DomainError, ErrorCode } from '@app/errors';
import { assertReferencesExist, assessQuota, contractRefusal, FiguresRow, QuotaSubject, readingOf } from '@app/quota';
import { Actor, LockedServer } from './server-state.repository';

/** How an order picks its servers: the lowest ids, or round-robin over the pool's racks. */
export type Spread = 'none' | 'rack';

export interface Order extends QuotaSubject {
  overflow: boolean;
  amount: number;
  spread: Spread;
}

/**
 * The allocation query: the SQL function `allocate_servers` (prisma/migrations/*_allocation_engine),
 * one round trip and one transaction. It locks the pool's counter and the client, reads the figures,
 * decides with `quota_decision` (the rules of libs/quota/src/quota-rules.ts, tested against the same
 * table of cases), takes the servers with FOR UPDATE SKIP LOCKED (the lowest ids, or round-robin over
 * racks), and writes the allocations, the servers' state, an audit row and a `server.allocated` event each.
 */
const ALLOCATE_SERVERS = { name: 'allocate-servers', text: 'SELECT * FROM "allocate_servers"($1, $2, $3, $4, $5, $6, $7, $8::timestamp, $9, $10)' };

type AllocateRow = FiguresRow & { refusal: string | null; server: Record<string, unknown> | null; allocation: Record<string, unknown> | null };

/** Timestamps come as UTC wall time in the function's JSON. */
const utc = (value: unknown) => (value === null || value === undefined ? null : new Date(`${value as string}Z`));

function serverOf(json: Record<string, unknown>, allocation: Allocation): LockedServer {
  const server = { ...json, createdAt: utc(json.createdAt), updatedAt: utc(json.updatedAt), baselineStartedAt: utc(json.baselineStartedAt) } as Server;
  return { ...server, currentAllocation: allocation };
}

function allocationOf(json: Record<string, unknown>): Allocation {
  return { ...json, startedAt: utc(json.startedAt), endedAt: utc(json.endedAt) } as Allocation;
}

/**
 * The servers the order took, each with its allocation; or the refusal (a DomainError) that the
 * TypeScript rules give on the figures the function read. The function and the rules must agree on
 * refusing: a disagreement is a bug, reported as such.
 */
export async function allocateServers(sql: Sql, order: Order, actor: Actor, now: Date, defaultOnDemandLimit: number): Promise<{ server: LockedServer; allocation: Allocation }[]> {
  const rows = await sql.rows<AllocateRow>(ALLOCATE_SERVERS, [
    order.locationId, order.instanceTypeId, order.clientId, order.contractId, order.overflow, order.amount, order.spread, now.toISOString(), actor.name, defaultOnDemandLimit,
  ]);
  const [first] = rows;
  if (first.refusal === null) {
    return rows.map((row) => {
      const allocation = allocationOf(row.allocation!);
      return { server: serverOf(row.server!, allocation), allocation };
    });
  }
  throw refusalOf(first, order, now, defaultOnDemandLimit);
}

function refusalOf(row: AllocateRow, order: Order, now: Date, defaultOnDemandLimit: number): Error {
  const { facts, figures } = readingOf(row, order, defaultOnDemandLimit);
  if (row.refusal === 'BUSY') {
    return new DomainError(ErrorCode.NO_CAPACITY, `No server can be allocated: fewer than the ${order.amount} requested are free, the others are busy with other commands`, {
      available: figures.pool.available, reserved: figures.pool.unusedCommitments, requested: order.amount,
    });
  }
  if (row.refusal === 'NOT_FOUND') assertReferencesExist(order, facts);
  const refusal = row.refusal === 'CONTRACT' ? contractRefusal(order, facts, now) : ruleRefusal(order, figures);
  return refusal && (row.refusal === 'CONTRACT' || refusal.code === row.refusal)
    ? refusal
    : new Error(`allocate_servers refused with ${row.refusal}, the quota rules of libs/quota do not: they must agree`);
}

function ruleRefusal(order: Order, figures: ReturnType<typeof readingOf>['figures']): DomainError | undefined {
  const assessment = assessQuota(order, figures);
  return assessment.allowed ? undefined : assessment.refusal;
}
