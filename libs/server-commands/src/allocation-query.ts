import { Allocation, Sql } from '@app/database';
import { allocationJson, EventType, outboxCtes, serverJson } from '@app/events';
import { Charge } from '@app/quota';
import { Actor, ALLOCATION_COLUMNS, LockedServer, toLockedServer } from './server-state.repository';

/** How an order picks its servers: the lowest ids, or round-robin over the pool's racks. */
export type Spread = 'none' | 'rack';

/**
 * The servers an allocation takes, locked: Available ones of the pool, the lowest ids first.
 * SKIP LOCKED passes over servers another command holds at this moment (being isolated, say),
 * so allocations never queue behind them; the (locationId, instanceTypeId, status, id) index serves it.
 */
const LOWEST_IDS = `
  SELECT s.* FROM "Server" s
  WHERE s."locationId" = $1 AND s."instanceTypeId" = $2 AND s."status" = 'available'
  ORDER BY s."id" LIMIT $3 FOR UPDATE SKIP LOCKED`;

/** As many distinct racks as the pool allows: the first server of every rack, then the second, ... */
const ROUND_ROBIN_OVER_RACKS = `
  SELECT s.* FROM "Server" s
  JOIN (SELECT "id", row_number() OVER (PARTITION BY "rack" ORDER BY "id") AS turn FROM "Server"
        WHERE "locationId" = $1 AND "instanceTypeId" = $2 AND "status" = 'available') r ON r."id" = s."id"
  WHERE s."status" = 'available'
  ORDER BY r.turn, s."id" LIMIT $3 FOR UPDATE OF s SKIP LOCKED`;

/**
 * Takes up to `amount` servers and records it all in one statement: the allocations (the first
 * `committed` charged to the contract, the rest on-demand), the servers' new state, an audit row and
 * a `server.allocated` event (with its deliveries) each. The database's triggers count it all.
 */
const takeStatement = (name: string, pick: string) => ({
  name,
  text: `WITH picked AS (${pick}
), allocations AS (
  INSERT INTO "Allocation" ("serverId", "clientId", "locationId", "instanceTypeId", "quota", "contractId", "startedAt")
  SELECT p."id", $4, p."locationId", p."instanceTypeId", CASE WHEN p.n <= $5 THEN 'COMMITTED' ELSE 'ON_DEMAND' END::"QuotaKind", CASE WHEN p.n <= $5 THEN $6 END, $7::timestamp
  FROM (SELECT picked.*, row_number() OVER (ORDER BY picked."id") AS n FROM picked) p
  RETURNING *
), servers AS (
  UPDATE "Server" s SET "status" = 'allocated', "currentAllocationId" = a."id", "version" = s."version" + 1, "updatedAt" = $7::timestamp
  FROM allocations a WHERE s."id" = a."serverId"
  RETURNING s.*
), audits AS (
  INSERT INTO "ServerEvent" ("serverId", "actor", "command", "fromStatus", "toStatus", "allocationId", "occurredAt")
  SELECT a."serverId", $8, 'allocate', 'available', 'allocated', a."id", $7::timestamp FROM allocations a
  RETURNING "id", "serverId"
), ${outboxCtes(`
  SELECT '${EventType.ServerAllocated}' AS type, p."id" AS "serverId", au."id" AS "serverEventId", $7::timestamp AS "occurredAt", p."id" AS n,
    jsonb_build_object('server', ${serverJson('p')}, 'command', 'allocate', 'from', 'available', 'to', 'allocated', 'actor', $8::text,
      'subState', NULL, 'reason', NULL, 'operationUuid', NULL, 'allocation', ${allocationJson('a')}) AS payload
  FROM picked p JOIN allocations a ON a."serverId" = p."id" JOIN audits au ON au."serverId" = p."id"`)}
SELECT s.*, ${ALLOCATION_COLUMNS('a')} FROM servers s JOIN allocations a ON a."id" = s."currentAllocationId" ORDER BY s."id"`,
});

const TAKE = { none: takeStatement('take-servers', LOWEST_IDS), rack: takeStatement('take-servers-over-racks', ROUND_ROBIN_OVER_RACKS) };

export interface Take {
  locationId: number;
  instanceTypeId: number;
  clientId: number;
  amount: number;
  spread: Spread;
  charge: Charge;
  actor: Actor;
  at: Date;
}

/** The servers taken (fewer than `amount` when the pool had fewer free ones), each with its allocation. */
export async function takeServers(sql: Sql, take: Take): Promise<{ server: LockedServer; allocation: Allocation }[]> {
  const rows = await sql.rows<Parameters<typeof toLockedServer>[0]>(TAKE[take.spread], [
    take.locationId, take.instanceTypeId, take.amount, take.clientId, take.charge.committed, take.charge.contractId, take.at.toISOString(), take.actor.name,
  ]);
  return rows.map(toLockedServer).map((server) => ({ server, allocation: server.currentAllocation! }));
}
