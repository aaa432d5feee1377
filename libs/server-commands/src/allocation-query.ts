import { Allocation, Sql } from '@app/database';
import { DomainError, ErrorCode } from '@app/errors';
import { AssessmentRow, assessmentOf, QuotaSubject, refusalOf } from '@app/quota';
import { Actor, allocationFromJson, LockedServer, serverFromJson } from './server-state.repository';

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
  text: 'SELECT * FROM "allocate_servers"($1, $2, $3, $4, $5, $6, $7, $8::timestamp, $9, $10, $11, $12, $13, $14::timestamp, $15)',
};

type AllocateRow = AssessmentRow & {
  server: Record<string, unknown> | null;
  allocation: Record<string, unknown> | null;
  replayed: boolean;
};

/** An Idempotency-Key with the request it was sent with: remembered with the allocations, in their transaction. */
export interface KeyedRequest {
  /** The API key that sent it: keys of different callers never meet. */
  apiKeyId: number;
  key: string;
  requestHash: string;
  expiresAt: Date;
}

export type Taken = { server: LockedServer; allocation: Allocation }[];

/** The server with the allocation of the row; a replayed allocation that has ended since is no longer the server's. */
function takenOf(row: AllocateRow): Taken[number] {
  return takenFromJson(row.server!, row.allocation!);
}

/** A server and an allocation of it as an SQL function gives them (to_jsonb): with Dates, the allocation current or not. */
export function takenFromJson(json: Record<string, unknown>, allocationJson: Record<string, unknown>): Taken[number] {
  const allocation = allocationFromJson(allocationJson);
  return { server: serverFromJson(json, allocation), allocation };
}

/**
 * The servers the order took, each with its allocation (or, for a repeat of a keyed request, those it took
 * then, as they are now); or the refusal (a DomainError) in the words of libs/quota.
 */
export async function allocateServers(
  sql: Sql,
  order: Order,
  actor: Actor,
  now: Date,
  defaultOnDemandLimit: number,
  keyed?: KeyedRequest,
): Promise<{ taken: Taken; replayed: boolean }> {
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
    keyed?.apiKeyId ?? null,
    keyed?.key ?? null,
    keyed?.requestHash ?? null,
    keyed?.expiresAt.toISOString() ?? null,
    actor.id ?? null,
  ]);
  const [first] = rows;
  if (first.refusal === ErrorCode.IDEMPOTENCY_KEY_REUSED) {
    throw new DomainError(
      ErrorCode.IDEMPOTENCY_KEY_REUSED,
      `Idempotency-Key ${keyed!.key} was used for a different request`,
      {
        idempotencyKey: keyed!.key,
      },
    );
  }
  if (first.refusal !== null) throw refusalOf(order, order, assessmentOf(first, order));
  return { taken: rows.map(takenOf), replayed: first.replayed };
}
