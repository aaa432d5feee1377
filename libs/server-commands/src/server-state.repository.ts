import { Injectable } from '@nestjs/common';
import { Actor, Allocation, AllocationEnd, IsolationSubState, Server, Sql } from '@app/database';
import { EventType, outboxCte } from '@app/events';
import { Condition, ServerCommand, Status } from '@app/lifecycle';

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
  /** The server's columns the command sets; the others keep their values. */
  set: ServerFields;
  actor: Actor;
  subState?: IsolationSubState | null;
  reason?: string | null;
  operationUuid?: string | null;
  /** End an allocation of the server this way: the one named, else the open one of the presumed holder. */
  endAllocation?: { allocationId?: number; as: AllocationEnd };
  /** One event each, in this order; `extra` is merged into its payload. */
  events: { type: EventType; extra?: object }[];
  at: Date;
}

/**
 * What a command presumes of the server it names, so that it is written without reading the server first (one
 * round trip instead of two); the statement writes nothing when the server is otherwise.
 */
export interface Presumption {
  from: Status;
  /** The marks (prisma/sql/server_conditions.sql) that would lead the command elsewhere: the server has none. */
  unmarked: Condition[];
  /** Its current allocation is this client's open one. */
  heldBy?: number;
  /** Its Back to Baseline run under way is this one. */
  baselineId?: string;
}

/** Timestamps come as UTC wall time in PostgreSQL's JSON (to_jsonb of a `timestamp`). */
const utc = (value: unknown) => (value === null || value === undefined ? null : new Date(`${value as string}Z`));

/** An allocation as PostgreSQL gives it in JSON (to_jsonb), with Dates. */
export function allocationFromJson(json: Record<string, unknown>): Allocation {
  return { ...json, startedAt: utc(json.startedAt), endedAt: utc(json.endedAt) } as Allocation;
}

/** A server as PostgreSQL gives it in JSON (to_jsonb), with Dates; `allocation` is its current one if it is. */
export function serverFromJson(json: Record<string, unknown>, allocation: Allocation | null): LockedServer {
  return {
    ...json,
    createdAt: utc(json.createdAt),
    updatedAt: utc(json.updatedAt),
    baselineStartedAt: utc(json.baselineStartedAt),
    baselineDispatchedAt: utc(json.baselineDispatchedAt),
    currentAllocation: allocation && json.currentAllocationId === allocation.id ? allocation : null,
  } as LockedServer;
}

/**
 * A server with its current allocation and, after a change, the allocation it ended: a column of JSON each. As 41
 * columns, `pg` described each of them anew in every answer, the costliest step of a query in the service's profile
 * (docs/benchmarks.md).
 */
interface StateRow {
  server: Record<string, unknown> | null;
  current: Record<string, unknown> | null;
  ended?: Record<string, unknown> | null;
}

/** The server of a row that has one, with its current allocation. */
function serverOf(row: StateRow): LockedServer | null {
  return row.server && serverFromJson(row.server, row.current && allocationFromJson(row.current));
}

/**
 * The server with its allocation and marks and, when a command names a client (de-allocate, compensate), whether
 * that client exists; for compensate ($3), also the client's latest allocation of the server, and whether the server
 * was allocated again after it: one round trip.
 */
const READ_SERVER = {
  name: 'read-server',
  text: `SELECT ($2::int IS NULL OR EXISTS (SELECT 1 FROM "Client" c WHERE c."id" = $2)) AS "clientExists",
    to_jsonb(l) AS "clientAllocation",
    -- Only for compensate: it reads the server's allocations since the client's, which grow with its history.
    CASE WHEN l."id" IS NOT NULL THEN EXISTS (SELECT 1 FROM "Allocation" y WHERE y."serverId" = $1 AND y."id" > l."id") END AS "allocatedSince",
    "server_conditions"(s) AS "conditions", to_jsonb(s) AS "server", to_jsonb(a) AS "current"
  FROM (SELECT 1) one LEFT JOIN "Server" s ON s."id" = $1 LEFT JOIN "Allocation" a ON a."id" = s."currentAllocationId"
  LEFT JOIN LATERAL (SELECT x.* FROM "Allocation" x WHERE $3::boolean AND x."serverId" = $1 AND x."clientId" = $2
    ORDER BY x."id" DESC LIMIT 1) l ON TRUE`,
};

/** The latest allocation of a server to the client a command names, and whether the server was allocated again since. */
export interface ClientAllocation {
  allocation: Allocation;
  allocatedSince: boolean;
}

/**
 * One statement writes a change: the server, the allocation it ends, the audit row and the outbox events. The server
 * is written only if it is still at the version the command read ($2, an optimistic lock on its row) or, written
 * without a read ($2 null), only if it is as the command presumed ($12, $17-$19).
 */
const APPLY_CHANGE = {
  name: 'apply-change',
  text: `WITH held AS (
  SELECT "id" FROM "Allocation" WHERE $17::int IS NOT NULL AND "serverId" = $1 AND "clientId" = $17 AND "endedAt" IS NULL
), server AS (
  -- The columns the command sets ($4); the others keep their values.
  UPDATE "Server" s SET ("status", "subState", "isolationReason", "quarantinedFrom", "baselineStartedAt", "baselineId", "currentAllocationId", "retiring") =
    (SELECT $3::"ServerStatus", r."subState", r."isolationReason", r."quarantinedFrom", r."baselineStartedAt", r."baselineId", r."currentAllocationId", r."retiring"
     FROM jsonb_populate_record(s, $4::jsonb) r),
    -- A run keeps its dispatch while it goes on; a new run waits for a slot (baseline_pacing.sql).
    "baselineDispatchedAt" = CASE WHEN $3::"ServerStatus" = 'baselining' AND s."baselineId" = ($4::jsonb->>'baselineId')::uuid THEN s."baselineDispatchedAt" END,
    "version" = s."version" + 1, "updatedAt" = $7::timestamp
  WHERE s."id" = $1 AND CASE WHEN $2::int IS NOT NULL THEN s."version" = $2
    ELSE s."status" = $12::"ServerStatus" AND NOT ("server_conditions"(s) && $18::text[])
      AND ($17::int IS NULL OR s."currentAllocationId" = (SELECT "id" FROM held))
      AND ($19::uuid IS NULL OR s."baselineId" = $19::uuid) END
  RETURNING s.*
), ending AS (
  SELECT coalesce($5::int, (SELECT "id" FROM held)) AS "id" WHERE $6::"AllocationEnd" IS NOT NULL
), ended AS (
  UPDATE "Allocation" a SET "endedAt" = coalesce(a."endedAt", $7::timestamp), "endedBy" = $6::"AllocationEnd"
  FROM server, ending WHERE a."id" = ending."id"
  RETURNING a.*
), audit AS (
  INSERT INTO "ServerEvent" ("serverId", "actor", "actorKeyId", "command", "fromStatus", "toStatus", "subState", "reason", "operationUuid", "allocationId", "occurredAt")
  SELECT server."id", $8, $16::int, $11, $12::"ServerStatus", server."status", $13::"IsolationSubState", $14, $15::uuid, (SELECT "id" FROM ending), $7::timestamp FROM server
  RETURNING "id"
), ${outboxCte(`
  SELECT e.type, server."id" AS "serverId", audit."id" AS "serverEventId", $7::timestamp AS "occurredAt", e.n,
    jsonb_build_object('server', "event_server"(server::"Server"), 'command', $11::text, 'from', $12::text, 'to', server."status", 'actor', $8::text,
      'subState', $13::text, 'reason', $14::text, 'operationUuid', $15::text, 'allocation', "event_allocation"(ended::"Allocation")) || e.extra AS payload
  FROM server CROSS JOIN audit LEFT JOIN ended ON TRUE, unnest($9::text[], $10::jsonb[]) WITH ORDINALITY AS e(type, extra, n)`)}
SELECT to_jsonb(server) AS "server", to_jsonb(a) AS "current", to_jsonb(e) AS "ended"
FROM server LEFT JOIN "Allocation" a ON a."id" = server."currentAllocationId" LEFT JOIN ended e ON TRUE`,
};

/** Which server a change applies to: the one read, if still at its version; or the one presumed, if it is so. */
export type ChangeTarget = { version: number } | { presumed: Presumption };

/** Every read and write of a server's lifecycle; statements run on the pool or in the caller's transaction. */
@Injectable()
export class ServerStateRepository {
  async read(
    sql: Sql,
    serverId: number,
    clientId?: number,
    withClientAllocation = false,
  ): Promise<{
    server: LockedServer | null;
    conditions: Condition[];
    clientExists: boolean;
    clientAllocation: ClientAllocation | null;
  }> {
    type Row = StateRow & {
      clientExists: boolean;
      clientAllocation: Record<string, unknown> | null;
      allocatedSince: boolean;
      conditions: Condition[];
    };
    const [row] = await sql.rows<Row>(READ_SERVER, [serverId, clientId ?? null, withClientAllocation]);
    const { clientExists, clientAllocation, allocatedSince, conditions } = row;
    return {
      server: serverOf(row),
      conditions,
      clientExists,
      clientAllocation: clientAllocation && { allocation: allocationFromJson(clientAllocation), allocatedSince },
    };
  }

  /**
   * Writes the change to the server `target` names; null when the server is not as the command read it (another
   * command changed it since) or presumed it: the caller reads it and decides again.
   */
  async apply(
    sql: Sql,
    serverId: number,
    change: StateChange,
    target: ChangeTarget,
  ): Promise<{ server: LockedServer; ended: Allocation | null } | null> {
    const presumed = 'presumed' in target ? target.presumed : undefined;
    const [row] = await sql.rows<StateRow>(APPLY_CHANGE, [
      serverId,
      'version' in target ? target.version : null,
      change.to,
      JSON.stringify(change.set),
      change.endAllocation?.allocationId ?? null,
      change.endAllocation?.as ?? null,
      change.at.toISOString(),
      change.actor.name,
      change.events.map((e) => e.type),
      change.events.map((e) => JSON.stringify(e.extra ?? {})),
      change.command,
      change.from,
      change.subState ?? null,
      change.reason ?? null,
      change.operationUuid ?? null,
      change.actor.id ?? null,
      presumed?.heldBy ?? null,
      presumed?.unmarked ?? [],
      presumed?.baselineId ?? null,
    ]);
    const server = row && serverOf(row);
    return server && { server, ended: row.ended ? allocationFromJson(row.ended) : null };
  }
}
