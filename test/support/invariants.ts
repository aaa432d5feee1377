import { PrismaService } from '@app/database';

/**
 * Every invariant of allocation and quota, checked in SQL over the whole database.
 * Each query returns the rows that break its rule; all lists must be empty.
 */
export async function invariantViolations(prisma: PrismaService, defaultOnDemandLimit: number): Promise<Record<string, unknown[]>> {
  const q = (sql: TemplateStringsArray) => prisma.$queryRawUnsafe<unknown[]>(sql.join(''));
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
      GROUP BY cc."contractId", cc."instanceTypeId", cc."quantity" HAVING COUNT(a."id") > cc."quantity"`,
    committedWithoutCommitment: await q`
      SELECT a."id" FROM "Allocation" a LEFT JOIN "ContractCommitment" cc ON cc."contractId" = a."contractId" AND cc."instanceTypeId" = a."instanceTypeId"
      WHERE a."quota" = 'COMMITTED' AND cc."contractId" IS NULL`,
    clientOverOnDemandLimit: await prisma.$queryRawUnsafe<unknown[]>(`
      SELECT c."id", COALESCE(c."onDemandLimit", ${defaultOnDemandLimit}) AS "limit", COUNT(a."id")::int AS used
      FROM "Client" c JOIN "Allocation" a ON a."clientId" = c."id" AND a."quota" = 'ON_DEMAND' AND a."endedAt" IS NULL
      GROUP BY c."id" HAVING COUNT(a."id") > COALESCE(c."onDemandLimit", ${defaultOnDemandLimit})`),
    poolBelowReservedCapacity: await q`
      SELECT it."id", avail.n AS available, reserved.n AS reserved
      FROM "InstanceType" it
      JOIN LATERAL (SELECT COUNT(*)::int AS n FROM "Server" s WHERE s."instanceTypeId" = it."id" AND s."status" = 'available') avail ON TRUE
      JOIN LATERAL (
        SELECT COALESCE(SUM(GREATEST(cc."quantity" - (SELECT COUNT(*) FROM "Allocation" a WHERE a."contractId" = cc."contractId"
          AND a."instanceTypeId" = it."id" AND a."quota" = 'COMMITTED' AND a."endedAt" IS NULL), 0)), 0)::int AS n
        FROM "ContractCommitment" cc JOIN "Contract" k ON k."contractId" = cc."contractId"
        WHERE cc."instanceTypeId" = it."id" AND k."startsAt" <= now() AND (k."endsAt" IS NULL OR k."endsAt" > now())
      ) reserved ON TRUE
      WHERE NOT EXISTS (SELECT 1 FROM "Server" s WHERE s."instanceTypeId" = it."id" AND s."status" IN ('baselining', 'isolated', 'quarantined'))
        AND avail.n < reserved.n`,
    auditChainBroken: await q`
      SELECT * FROM (
        SELECT "serverId", "id", "fromStatus", LAG("toStatus") OVER (PARTITION BY "serverId" ORDER BY "id") AS previous FROM "ServerEvent"
      ) chain WHERE previous IS NOT NULL AND previous IS DISTINCT FROM "fromStatus"`,
  };
}

export const NO_VIOLATIONS = {
  serverWithTwoOpenAllocations: [], openAllocationNotHeldByItsServer: [], allocatedServerWithoutOpenAllocation: [], contractOverCommitment: [],
  committedWithoutCommitment: [], clientOverOnDemandLimit: [], poolBelowReservedCapacity: [], auditChainBroken: [],
};
