import { Injectable } from '@nestjs/common';
import { Actor, Allocation, AllocationEnd, IsolationSubState, Server, Sql } from '@app/database';
import { EventType, outboxCte } from '@app/events';
import { ServerCommand, Status } from '@app/lifecycle';

export type LockedServer = Server & { currentAllocation: Allocation | null };

/** Who gave the command: an API key (name and id), or an internal job (name). */
export type { Actor };

/** Server columns a command may set besides its status. */
export interface ServerFields {
  subState?: IsolationSubState | null;
  isolationReason?: string | null;
  quarantinedFrom?: Status | null;
  baselineStartedAt?: Date | null;
  baselineId?: string | null;
  currentAllocationId?: number | null;
  retiring?: boolean;
}

export interface StateChange {
  command: ServerCommand;
  from: Status;
  to: Status;
  set: ServerFields;
  actor: Actor;
  subState?: IsolationSubState | null;
  reason?: string | null;
  operationUuid?: string | null;
  /** End this allocation of the server (its current one, or, compensated, one that ended already) this way. */
  endAllocation?: { allocation: Allocation; as: AllocationEnd };
  /** One event each, in this order; `extra` is merged into its payload. */
  events: { type: EventType; extra?: object }[];
  at: Date;
}

/** The allocation columns read beside a server's, prefixed `a_`. */
export const ALLOCATION_COLUMNS = (a: string) =>
  [
    'id',
    'serverId',
    'clientId',
    'locationId',
    'instanceTypeId',
    'quota',
    'contractId',
    'startedAt',
    'endedAt',
    'endedBy',
    'replacesId',
  ]
    .map((c) => `${a}."${c}" AS "a_${c}"`)
    .join(', ');

type ServerRow = Server & Record<`a_${keyof Allocation}`, unknown>;

/** A row of server columns and `a_` allocation columns, as the API's server view wants it. */
export function toLockedServer(row: ServerRow): LockedServer {
  // One pass over the columns: every command reads a server and writes one (a hot path).
  const server: Record<string, unknown> = {};
  const allocation: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    if (column.startsWith('a_')) allocation[column.slice(2)] = value;
    else server[column] = value;
  }
  server.currentAllocation = allocation.id === null ? null : allocation;
  return server as LockedServer;
}

/**
 * The server with its allocation and, when a command names a client (de-allocate, compensate), whether that
 * client exists; for compensate ($3), also the client's latest allocation of the server, and whether the server
 * was allocated again after it: one round trip.
 */
const READ_SERVER = {
  name: 'read-server',
  text: `SELECT ($2::int IS NULL OR EXISTS (SELECT 1 FROM "Client" c WHERE c."id" = $2)) AS "clientExists",
    to_jsonb(l) AS "clientAllocation",
    -- Only for compensate: it reads the server's allocations since the client's, which grow with its history.
    CASE WHEN l."id" IS NOT NULL THEN EXISTS (SELECT 1 FROM "Allocation" y WHERE y."serverId" = $1 AND y."id" > l."id") END AS "allocatedSince",
    s.*, ${ALLOCATION_COLUMNS('a')}
  FROM (SELECT 1) one LEFT JOIN "Server" s ON s."id" = $1 LEFT JOIN "Allocation" a ON a."id" = s."currentAllocationId"
  LEFT JOIN LATERAL (SELECT x.* FROM "Allocation" x WHERE $3::boolean AND x."serverId" = $1 AND x."clientId" = $2
    ORDER BY x."id" DESC LIMIT 1) l ON TRUE`,
};

/** The latest allocation of a server to the client a command names, and whether the server was allocated again since. */
export interface ClientAllocation {
  allocation: Allocation;
  allocatedSince: boolean;
}

/** Timestamps come as UTC wall time in JSON. */
const utc = (value: unknown) => (value === null || value === undefined ? null : new Date(`${value as string}Z`));

/**
 * One statement writes a change: the server (only if it is still at the version the command read:
 * an optimistic lock on its row), the allocation it ends, the audit row and the outbox events.
 */
const APPLY_CHANGE = {
  name: 'apply-change',
  text: `WITH server AS (
  UPDATE "Server" SET "status" = $3::"ServerStatus", "subState" = $4::"IsolationSubState", "isolationReason" = $5, "quarantinedFrom" = $6::"ServerStatus",
    "baselineStartedAt" = $7::timestamp, "baselineId" = $20::uuid, "currentAllocationId" = $8, "retiring" = $22,
    -- A run keeps its dispatch while it goes on; a new run waits for a slot (baseline_pacing.sql).
    "baselineDispatchedAt" = CASE WHEN $3::"ServerStatus" = 'baselining' AND "baselineId" = $20::uuid THEN "baselineDispatchedAt" END, "version" = "version" + 1, "updatedAt" = $11::timestamp
  WHERE "id" = $1 AND "version" = $2
  RETURNING *
), ended AS (
  UPDATE "Allocation" a SET "endedAt" = coalesce(a."endedAt", $11::timestamp), "endedBy" = $10::"AllocationEnd"
  FROM server WHERE a."id" = $9
  RETURNING a.*
), audit AS (
  INSERT INTO "ServerEvent" ("serverId", "actor", "actorKeyId", "command", "fromStatus", "toStatus", "subState", "reason", "operationUuid", "allocationId", "occurredAt")
  SELECT server."id", $12, $21::int, $13, $14::"ServerStatus", server."status", $15::"IsolationSubState", $16, $17::uuid, $9, $11::timestamp FROM server
  RETURNING "id"
), ${outboxCte(`
  SELECT e.type, server."id" AS "serverId", audit."id" AS "serverEventId", $11::timestamp AS "occurredAt", e.n,
    jsonb_build_object('server', "event_server"(server::"Server"), 'command', $13::text, 'from', $14::text, 'to', server."status", 'actor', $12::text,
      'subState', $15::text, 'reason', $16::text, 'operationUuid', $17::text, 'allocation', "event_allocation"(ended::"Allocation")) || e.extra AS payload
  FROM server CROSS JOIN audit LEFT JOIN ended ON TRUE, unnest($18::text[], $19::jsonb[]) WITH ORDINALITY AS e(type, extra, n)`)}
SELECT server.*, ${ALLOCATION_COLUMNS('a')} FROM server LEFT JOIN "Allocation" a ON a."id" = server."currentAllocationId"`,
};

/** Every read and write of a server's lifecycle; statements run on the pool or in the caller's transaction. */
@Injectable()
export class ServerStateRepository {
  async read(
    sql: Sql,
    serverId: number,
    clientId?: number,
    withClientAllocation = false,
  ): Promise<{ server: LockedServer | null; clientExists: boolean; clientAllocation: ClientAllocation | null }> {
    type Row = ServerRow & {
      clientExists: boolean;
      clientAllocation: Record<string, unknown> | null;
      allocatedSince: boolean;
    };
    const [{ clientExists, clientAllocation, allocatedSince, ...row }] = await sql.rows<Row>(READ_SERVER, [
      serverId,
      clientId ?? null,
      withClientAllocation,
    ]);
    const latest = clientAllocation && {
      allocation: {
        ...clientAllocation,
        startedAt: utc(clientAllocation.startedAt),
        endedAt: utc(clientAllocation.endedAt),
      } as Allocation,
      allocatedSince,
    };
    return {
      server: row.id === null ? null : toLockedServer(row as ServerRow),
      clientExists,
      clientAllocation: latest,
    };
  }

  /**
   * Writes the change if the server is still as `server` was read; null when another command changed
   * it since (the caller reads it again and decides again).
   */
  async apply(
    sql: Sql,
    server: LockedServer,
    change: StateChange,
  ): Promise<{ server: LockedServer; ended: Allocation | null } | null> {
    const fields = { ...pick(server), ...change.set };
    const ended = change.endAllocation?.allocation;
    const endsCurrent = ended !== undefined && ended.id === server.currentAllocationId;
    const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;
    const [row] = await sql.rows<ServerRow>(APPLY_CHANGE, [
      server.id,
      server.version,
      change.to,
      fields.subState,
      fields.isolationReason,
      fields.quarantinedFrom,
      iso(fields.baselineStartedAt),
      endsCurrent ? null : fields.currentAllocationId,
      ended ? ended.id : null,
      change.endAllocation?.as ?? null,
      change.at.toISOString(),
      change.actor.name,
      change.command,
      change.from,
      change.subState ?? null,
      change.reason ?? null,
      change.operationUuid ?? null,
      change.events.map((e) => e.type),
      change.events.map((e) => JSON.stringify(e.extra ?? {})),
      fields.baselineId,
      change.actor.id ?? null,
      fields.retiring,
    ]);
    if (!row) return null;
    return {
      server: toLockedServer(row),
      ended: ended ? { ...ended, endedAt: ended.endedAt ?? change.at, endedBy: change.endAllocation!.as } : null,
    };
  }
}

function pick(server: LockedServer): Required<ServerFields> {
  const { subState, isolationReason, quarantinedFrom, baselineStartedAt, baselineId, currentAllocationId, retiring } =
    server;
  return { subState, isolationReason, quarantinedFrom, baselineStartedAt, baselineId, currentAllocationId, retiring };
}
