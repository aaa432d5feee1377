import { Injectable } from '@nestjs/common';
import { Actor, Maintenance, MaintenanceOutcome, Page, PrismaService, Slice } from '@app/database';
import { Status } from '@app/lifecycle';
import { Selector } from './selector';

/** What happens to one selected server when the maintenance starts. */
export type ServerPlanStep = 'isolatedNow' | 'afterBaseline' | 'afterRelease' | 'joinsAsItIs';

export interface PlannedServer {
  id: number;
  hostname: string;
  locationId: number;
  instanceTypeId: number;
  rack: string | null;
  status: Status;
  then: ServerPlanStep;
}

/** The guarantee check of one pool: the Available servers left against the commitments not taken yet. */
export interface PoolCheck {
  locationId: number;
  instanceTypeId: number;
  selected: number;
  available: number;
  isolatedNow: number;
  availableLeft: number;
  reserved: number;
  shortfall: number;
}

export interface Plan {
  servers: PlannedServer[];
  pools: PoolCheck[];
}

/** What start_maintenance answers (prisma/sql/maintenance.sql). */
export type StartOutcome = Partial<Plan> & {
  refusal?: string;
  detail?: Record<string, unknown>;
  maintenanceId?: number;
  /** The same request found the maintenance it started: its plan as it was then. */
  repeated?: boolean;
};

/** What end_maintenance answers. */
export interface EndOutcome {
  refusal?: string;
  alreadyEnded?: boolean;
  servers?: { id: number; from: Status; to: Status; retiring: boolean }[];
}

export interface StartRequest {
  selector: Selector;
  reason: string;
  then: MaintenanceOutcome;
  force: boolean;
  dryRun: boolean;
}

/** A server a maintenance took, and where it is now. */
export interface MaintenanceMember {
  id: number;
  hostname: string;
  locationId: number;
  instanceTypeId: number;
  rack: string | null;
  joinedAs: Status;
  status: Status;
  subState: string | null;
  /** Still in this maintenance (false once it ended). */
  inMaintenance: boolean;
  retiring: boolean;
}

const START = {
  name: 'start-maintenance',
  text: `SELECT "start_maintenance"($1::int[], $2::int, $3::text, $4::int, $5::text, $6::"MaintenanceOutcome", $7::jsonb, $8::boolean,
    $9::boolean, $10::text, $11::int, $12::timestamp) AS outcome`,
};

const END = {
  name: 'end-maintenance',
  text: `SELECT "end_maintenance"($1::int, $2::text, $3::int, $4::timestamp) AS outcome`,
};

const MEMBERS = {
  name: 'maintenance-members',
  text: `SELECT s."id", s."hostname", s."locationId", s."instanceTypeId", s."rack", m."joinedAs", s."status", s."subState",
    s."maintenanceId" IS NOT DISTINCT FROM m."maintenanceId" AS "inMaintenance", s."retiring"
  FROM "MaintenanceServer" m JOIN "Server" s ON s."id" = m."serverId" WHERE m."maintenanceId" = $1 ORDER BY s."id"`,
};

/** Maintenances in the database: started and ended by the SQL functions, in one transaction each. */
@Injectable()
export class MaintenanceRepository {
  constructor(private readonly prisma: PrismaService) {}

  async start(request: StartRequest, actor: Actor, now: Date): Promise<StartOutcome> {
    const { selector } = request;
    const [{ outcome }] = await this.prisma.sql.rows<{ outcome: StartOutcome }>(START, [
      selector.serverIds ?? null,
      selector.locationId ?? null,
      selector.rack ?? null,
      selector.instanceTypeId ?? null,
      request.reason,
      request.then,
      JSON.stringify(selector),
      request.force,
      request.dryRun,
      actor.name,
      actor.id ?? null,
      now.toISOString(),
    ]);
    return outcome;
  }

  async end(id: number, actor: Actor, now: Date): Promise<EndOutcome> {
    const [{ outcome }] = await this.prisma.sql.rows<{ outcome: EndOutcome }>(END, [
      id,
      actor.name,
      actor.id ?? null,
      now.toISOString(),
    ]);
    return outcome;
  }

  async list(state: 'open' | 'ended' | undefined, slice: Slice): Promise<Page<Maintenance & { servers: number }>> {
    const where = state === 'open' ? { endedAt: null } : state === 'ended' ? { NOT: { endedAt: null } } : {};
    const [rows, total] = await Promise.all([
      this.prisma.maintenance.findMany({
        where,
        orderBy: { id: 'desc' },
        skip: slice.start,
        take: slice.results,
        include: { _count: { select: { servers: true } } },
      }),
      this.prisma.maintenance.count({ where }),
    ]);
    return { total, items: rows.map(({ _count, ...m }) => ({ ...m, servers: _count.servers })) };
  }

  find(id: number): Promise<Maintenance | null> {
    return this.prisma.maintenance.findUnique({ where: { id } });
  }

  members(id: number): Promise<MaintenanceMember[]> {
    return this.prisma.sql.rows<MaintenanceMember>(MEMBERS, [id]);
  }
}
