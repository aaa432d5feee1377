import { PrismaService } from '@app/database';
import { SERVER_STATUSES } from '@app/lifecycle';

/** When staff last changed the client or contract `id` (an SQL expression), '-infinity' when never. */
const LAST_CHANGE = (entity: 'client' | 'contract', id: string) =>
  `COALESCE((SELECT MAX(e."occurredAt") FROM "AuditEntry" e WHERE e."entity" = '${entity}' AND e."entityId" = ${id}), '-infinity')`;

/**
 * The counter columns of PoolCounter: one per server status (libs/lifecycle), open allocations per quota, and the
 * servers pending a maintenance or a retirement.
 */
const COUNTER_COLUMNS = [
  ...SERVER_STATUSES,
  'committedInUse',
  'onDemandInUse',
  'pendingMaintenance',
  'pendingRetirement',
];
const STATUS_RECOUNTS = SERVER_STATUSES.map(
  (status) =>
    `(SELECT COUNT(*)::int FROM "Server" s WHERE s."instanceTypeId" = pc."instanceTypeId" AND s."status" = '${status}') AS "${status}_recounted"`,
).join(',\n        ');

/**
 * Every invariant of allocation and quota, checked in SQL over the whole database (the tests, the
 * benchmark and `admin db check` run it), including the engine's counters against a recount. A quota or
 * reserve exceeded because staff lowered a figure (an audited change after the allocations) is not a violation:
 * nothing is taken away from a client then.
 * Each query returns the rows that break its rule; all lists must be empty.
 */
export async function invariantViolations(
  prisma: PrismaService,
  defaultOnDemandLimit: number,
): Promise<Record<string, unknown[]>> {
  // SQL fragments (never values from outside) are spliced in as text; the one value is a parameter.
  const q = (sql: TemplateStringsArray, ...fragments: string[]) =>
    prisma.sql.rows<unknown>(sql.reduce((text, part, i) => text + part + (fragments[i] ?? ''), ''));
  return {
    serverWithTwoOpenAllocations: await q`
      SELECT "serverId", COUNT(*)::int FROM "Allocation" WHERE "endedAt" IS NULL GROUP BY "serverId" HAVING COUNT(*) > 1`,
    openAllocationNotHeldByItsServer: await q`
      SELECT a."id", s."status", s."currentAllocationId" FROM "Allocation" a JOIN "Server" s ON s."id" = a."serverId"
      WHERE a."endedAt" IS NULL AND (s."currentAllocationId" IS DISTINCT FROM a."id" OR s."status" NOT IN ('allocated', 'quarantined'))`,
    allocatedServerWithoutOpenAllocation: await q`
      SELECT s."id" FROM "Server" s LEFT JOIN "Allocation" a ON a."id" = s."currentAllocationId"
      WHERE s."status" = 'allocated' AND (a."id" IS NULL OR a."endedAt" IS NOT NULL)`,
    contractOverCommitment: await q`
      SELECT cc."contractId", cc."instanceTypeId", cc."quantity", COUNT(a."id")::int AS used
      FROM "ContractCommitment" cc JOIN "Allocation" a
        ON a."contractId" = cc."contractId" AND a."instanceTypeId" = cc."instanceTypeId" AND a."quota" = 'COMMITTED' AND a."endedAt" IS NULL
      GROUP BY cc."contractId", cc."instanceTypeId", cc."quantity"
      HAVING COUNT(a."id") > cc."quantity" AND MAX(a."startedAt") > ${LAST_CHANGE('contract', 'cc."contractId"')}`,
    committedWithoutCommitment: await q`
      SELECT a."id" FROM "Allocation" a LEFT JOIN "ContractCommitment" cc ON cc."contractId" = a."contractId" AND cc."instanceTypeId" = a."instanceTypeId"
      WHERE a."quota" = 'COMMITTED' AND cc."contractId" IS NULL`,
    clientOverOnDemandLimit: await prisma.sql.rows<unknown>(
      `
      SELECT c."id", COALESCE(c."onDemandLimit", $1) AS "limit", COUNT(a."id")::int AS used
      FROM "Client" c JOIN "Allocation" a ON a."clientId" = c."id" AND a."quota" = 'ON_DEMAND' AND a."endedAt" IS NULL
      GROUP BY c."id"
      HAVING COUNT(a."id") > COALESCE(c."onDemandLimit", $1) AND MAX(a."startedAt") > ${LAST_CHANGE('client', 'c."id"::text')}`,
      [defaultOnDemandLimit],
    ),
    poolBelowReservedCapacity: await q`
      SELECT it."id", avail.n AS available, reserved.n AS reserved
      FROM "InstanceType" it
      JOIN LATERAL (SELECT COUNT(*)::int AS n FROM "Server" s WHERE s."instanceTypeId" = it."id" AND s."status" = 'available') avail ON TRUE
      JOIN LATERAL (
        SELECT COALESCE(SUM(GREATEST(cc."quantity" - (SELECT COUNT(*) FROM "Allocation" a WHERE a."contractId" = cc."contractId"
          AND a."instanceTypeId" = it."id" AND a."quota" = 'COMMITTED' AND a."endedAt" IS NULL), 0)), 0)::int AS n
        FROM "ContractCommitment" cc JOIN "Contract" k ON k."contractId" = cc."contractId"
        WHERE cc."instanceTypeId" = it."id" AND "contract_valid_at"(k."startsAt", k."endsAt", now() AT TIME ZONE 'UTC')
      ) reserved ON TRUE
      WHERE NOT EXISTS (SELECT 1 FROM "Server" s WHERE s."instanceTypeId" = it."id" AND s."status" IN ('baselining', 'isolated', 'quarantined'))
        AND avail.n < reserved.n
        AND NOT EXISTS (SELECT 1 FROM "ContractCommitment" cc JOIN "AuditEntry" e ON e."entity" = 'contract' AND e."entityId" = cc."contractId"
                        WHERE cc."instanceTypeId" = it."id"
                          AND e."occurredAt" >= COALESCE((SELECT MAX(a."startedAt") FROM "Allocation" a WHERE a."instanceTypeId" = it."id"), '-infinity'))`,
    poolCounterDrift: await q`
      SELECT pc.*, recount.* FROM "PoolFigures" pc JOIN LATERAL (SELECT ${STATUS_RECOUNTS},
        (SELECT COUNT(*)::int FROM "Allocation" a WHERE a."instanceTypeId" = pc."instanceTypeId" AND a."endedAt" IS NULL AND a."quota" = 'COMMITTED') AS "committedInUse_recounted",
        (SELECT COUNT(*)::int FROM "Allocation" a WHERE a."instanceTypeId" = pc."instanceTypeId" AND a."endedAt" IS NULL AND a."quota" = 'ON_DEMAND') AS "onDemandInUse_recounted",
        (SELECT COUNT(*)::int FROM "Server" s WHERE s."instanceTypeId" = pc."instanceTypeId" AND s."maintenanceId" IS NOT NULL
          AND s."status" IN ('allocated', 'baselining')) AS "pendingMaintenance_recounted",
        (SELECT COUNT(*)::int FROM "Server" s WHERE s."instanceTypeId" = pc."instanceTypeId" AND s."retiring") AS "pendingRetirement_recounted"
      ) recount ON TRUE
      WHERE ${COUNTER_COLUMNS.map((c) => `pc."${c}" IS DISTINCT FROM recount."${c}_recounted"`).join(' OR ')}`,
    poolWithoutCounter: await q`
      SELECT it."id" FROM "InstanceType" it LEFT JOIN "PoolCounter" pc ON pc."instanceTypeId" = it."id"
      GROUP BY it."id" HAVING array_agg(pc."shard" ORDER BY pc."shard") IS DISTINCT FROM ARRAY[0, 1, 2, 3, 4, 5, 6, 7, 8]::smallint[]`,
    clientCounterDrift: await q`
      SELECT c."id", c."onDemandInUse", COUNT(a."id")::int AS recounted
      FROM "Client" c LEFT JOIN "Allocation" a ON a."clientId" = c."id" AND a."quota" = 'ON_DEMAND' AND a."endedAt" IS NULL
      GROUP BY c."id", c."onDemandInUse" HAVING c."onDemandInUse" <> COUNT(a."id")`,
    commitmentCounterDrift: await q`
      SELECT cc."contractId", cc."instanceTypeId", cc."inUse", COUNT(a."id")::int AS recounted
      FROM "ContractCommitment" cc LEFT JOIN "Allocation" a
        ON a."contractId" = cc."contractId" AND a."instanceTypeId" = cc."instanceTypeId" AND a."quota" = 'COMMITTED' AND a."endedAt" IS NULL
      GROUP BY cc."contractId", cc."instanceTypeId", cc."inUse" HAVING cc."inUse" <> COUNT(a."id")`,
    availableInMaintenance: await q`
      SELECT s."id", s."maintenanceId" FROM "Server" s WHERE s."maintenanceId" IS NOT NULL AND s."status" = 'available'`,
    maintenanceServerOutsideIt: await q`
      SELECT s."id", s."maintenanceId" FROM "Server" s JOIN "Maintenance" m ON m."id" = s."maintenanceId"
      WHERE m."endedAt" IS NOT NULL OR NOT EXISTS (SELECT 1 FROM "MaintenanceServer" ms WHERE ms."maintenanceId" = m."id" AND ms."serverId" = s."id")`,
    retiredStillMarkedToRetire: await q`SELECT s."id" FROM "Server" s WHERE s."retiring" AND s."status" = 'retired'`,
    auditChainBroken: await q`
      SELECT * FROM (
        SELECT "serverId", "id", "fromStatus", LAG("toStatus") OVER (PARTITION BY "serverId" ORDER BY "id") AS previous FROM "ServerEvent"
      ) chain WHERE previous IS NOT NULL AND previous IS DISTINCT FROM "fromStatus"`,
  };
}

export const NO_VIOLATIONS = {
  serverWithTwoOpenAllocations: [],
  openAllocationNotHeldByItsServer: [],
  allocatedServerWithoutOpenAllocation: [],
  contractOverCommitment: [],
  committedWithoutCommitment: [],
  clientOverOnDemandLimit: [],
  poolBelowReservedCapacity: [],
  poolCounterDrift: [],
  poolWithoutCounter: [],
  clientCounterDrift: [],
  commitmentCounterDrift: [],
  availableInMaintenance: [],
  maintenanceServerOutsideIt: [],
  retiredStillMarkedToRetire: [],
  auditChainBroken: [],
};
