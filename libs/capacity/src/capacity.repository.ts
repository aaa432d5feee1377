import { Injectable } from '@nestjs/common';
import { AllocationEnd, Page, PrismaService, QuotaKind, Slice } from '@app/database';
import { SERVER_STATUSES, Status } from '@app/lifecycle';

/** One pool (location + instance type): its servers by status and what contracts and on-demand hold of it. */
export interface PoolCapacity {
  locationId: number;
  instanceTypeId: number;
  instanceTypeName: string;
  servers: ServersByStatus;
  /** Committed by the contracts valid now. */
  committed: number;
  /** Open allocations charged to a commitment. */
  committedInUse: number;
  /** Committed by contracts valid now and not taken yet. */
  reserved: number;
  onDemandInUse: number;
  /** What on-demand may still take under the guarantee: Available servers beyond the reserve. */
  onDemandHeadroom: number;
  /** Allocated or in Back to Baseline, and in an open maintenance: they join it once released and wiped. */
  pendingMaintenance: number;
  /** Marked to retire: their next Back to Baseline ends in retired. */
  pendingRetirement: number;
}

/** The Back to Baseline runs of one location: under way in MetalWorks, and waiting for a slot. */
export interface BaselineRuns {
  locationId: number;
  running: number;
  waiting: number;
  /** When the oldest waiting run was requested; null when none waits. */
  oldestWaitingSince: Date | null;
}

export interface PoolFilter {
  locationId?: number;
  instanceTypeId?: number;
}

export interface CommitmentUse {
  contractId: string;
  startsAt: Date;
  endsAt: Date | null;
  active: boolean;
  locationId: number;
  instanceTypeId: number;
  committed: number;
  used: number;
}

export interface AllocationRecord {
  id: number;
  serverId: number;
  locationId: number;
  instanceTypeId: number;
  quota: QuotaKind;
  contractId: string | null;
  startedAt: Date;
  endedAt: Date | null;
  endedBy: AllocationEnd | null;
}

export interface AllocationPeriod {
  from?: Date;
  to?: Date;
  state?: 'open' | 'ended';
}

type PoolRow = ServersByStatus & {
  locationId: number;
  instanceTypeId: number;
  instanceTypeName: string;
  committed: number;
  committedInUse: number;
  reserved: number;
  onDemandInUse: number;
  pendingMaintenance: number;
  pendingRetirement: number;
  total: number;
};

/** A pool's servers in each lifecycle status. */
export type ServersByStatus = Record<Status, number>;

const serversOf = (row: Record<Status, number>): ServersByStatus =>
  Object.fromEntries(SERVER_STATUSES.map((s) => [s, row[s]])) as ServersByStatus;

/** Pools read from the counters the allocation engine keeps, and the commitments valid now (pool_commitments). */
const POOLS = {
  name: 'capacity-pools',
  text: `SELECT it."locationId", it."id" AS "instanceTypeId", it."name" AS "instanceTypeName",
    pc."available", pc."allocated", pc."baselining", pc."isolated", pc."quarantined", pc."retired",
    k."committed", pc."committedInUse", k."reserved", pc."onDemandInUse", pc."pendingMaintenance", pc."pendingRetirement",
    count(*) OVER ()::int AS total
  FROM "InstanceType" it JOIN "PoolFigures" pc ON pc."instanceTypeId" = it."id"
  CROSS JOIN LATERAL "pool_commitments"(it."id", $3::timestamp) k
  WHERE ($1::int IS NULL OR it."locationId" = $1) AND ($2::int IS NULL OR it."id" = $2)
  ORDER BY it."locationId", it."id" OFFSET $4 LIMIT $5`,
};

const SERVERS_BY_POOL = {
  name: 'capacity-servers-by-pool',
  text: `SELECT it."locationId", pc.* FROM "PoolFigures" pc JOIN "InstanceType" it ON it."id" = pc."instanceTypeId"`,
};

const BASELINE_RUNS = {
  name: 'capacity-baseline-runs',
  text: `SELECT l."id" AS "locationId", coalesce(b."running", 0) AS "running", coalesce(b."waiting", 0) AS "waiting", b."oldestWaitingSince"
  FROM "Location" l LEFT JOIN "BaselineRuns" b ON b."locationId" = l."id" ORDER BY l."id"`,
};

const COMMITMENTS_OF_CLIENT = {
  name: 'capacity-client-commitments',
  text: `SELECT c."contractId", c."startsAt", c."endsAt", "contract_valid_at"(c."startsAt", c."endsAt", $2::timestamp) AS active,
    cc."locationId", cc."instanceTypeId", cc."quantity" AS committed, cc."inUse" AS used
  FROM "Contract" c JOIN "ContractCommitment" cc ON cc."contractId" = c."contractId"
  WHERE c."clientId" = $1 ORDER BY c."contractId", cc."locationId", cc."instanceTypeId"`,
};

/** The figures behind the capacity reports. */
@Injectable()
export class CapacityRepository {
  constructor(private readonly prisma: PrismaService) {}

  async pools(filter: PoolFilter, now: Date, slice: Slice): Promise<Page<PoolCapacity>> {
    const rows = await this.prisma.sql.rows<PoolRow>(POOLS, [
      filter.locationId ?? null,
      filter.instanceTypeId ?? null,
      now.toISOString(),
      slice.start,
      slice.results,
    ]);
    const total = rows[0]?.total ?? (slice.start ? await this.countPools(filter) : 0);
    return {
      total,
      items: rows.map((r) => ({
        locationId: r.locationId,
        instanceTypeId: r.instanceTypeId,
        instanceTypeName: r.instanceTypeName,
        servers: serversOf(r),
        committed: r.committed,
        committedInUse: r.committedInUse,
        reserved: r.reserved,
        onDemandInUse: r.onDemandInUse,
        onDemandHeadroom: Math.max(r.available - r.reserved, 0),
        pendingMaintenance: r.pendingMaintenance,
        pendingRetirement: r.pendingRetirement,
      })),
    };
  }

  /** Every pool's servers by status, from the counters (what the metrics export at each scrape). */
  async serversByPool(): Promise<{ locationId: number; instanceTypeId: number; servers: ServersByStatus }[]> {
    const rows = await this.prisma.sql.rows<Record<Status, number> & { locationId: number; instanceTypeId: number }>(
      SERVERS_BY_POOL,
    );
    return rows.map((r) => ({ locationId: r.locationId, instanceTypeId: r.instanceTypeId, servers: serversOf(r) }));
  }

  /** Per location, the Back to Baseline runs under way and waiting (BASELINE_MAX_IN_FLIGHT). */
  baselineRuns(): Promise<BaselineRuns[]> {
    return this.prisma.sql.rows<BaselineRuns>(BASELINE_RUNS);
  }

  private countPools(filter: PoolFilter): Promise<number> {
    return this.prisma.instanceType.count({ where: { locationId: filter.locationId, id: filter.instanceTypeId } });
  }

  commitmentsOf(clientId: number, now: Date): Promise<CommitmentUse[]> {
    return this.prisma.sql.rows<CommitmentUse>(COMMITMENTS_OF_CLIENT, [clientId, now.toISOString()]);
  }

  client(clientId: number) {
    return this.prisma.client.findUnique({
      where: { id: clientId },
      select: { id: true, name: true, onDemandLimit: true, onDemandInUse: true },
    });
  }

  /** The client's allocations overlapping the period, oldest first. */
  async allocationsOf(clientId: number, period: AllocationPeriod, slice: Slice): Promise<Page<AllocationRecord>> {
    const where = {
      clientId,
      ...(period.to && { startedAt: { lt: period.to } }),
      ...(period.from && { OR: [{ endedAt: null }, { endedAt: { gt: period.from } }] }),
      ...(period.state === 'open' && { endedAt: null }),
      ...(period.state === 'ended' && { NOT: { endedAt: null } }),
    };
    const select = {
      id: true,
      serverId: true,
      locationId: true,
      instanceTypeId: true,
      quota: true,
      contractId: true,
      startedAt: true,
      endedAt: true,
      endedBy: true,
    };
    const [items, total] = await Promise.all([
      this.prisma.allocation.findMany({
        where,
        select,
        orderBy: { id: 'asc' },
        skip: slice.start,
        take: slice.results,
      }),
      this.prisma.allocation.count({ where }),
    ]);
    return { items, total };
  }
}
