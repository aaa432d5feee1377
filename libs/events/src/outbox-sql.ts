/**
 * The transactional outbox, as parts of the statements that change a server's lifecycle: the events
 * are written by the very statement that writes the change, so that they exist exactly when the change
 * does, with one delivery per enabled hook that wants each of them: nothing to deliver is ever lost
 * between a commit and the dispatcher. The payload's shape is `ServerEventPayload` (event-types.ts).
 */

const ISO_TIME = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/** `EventServer` of the server row `s`. */
export const serverJson = (s: string) =>
  `jsonb_build_object('id', ${s}."id", 'hostname', ${s}."hostname", 'locationId', ${s}."locationId", 'instanceTypeId', ${s}."instanceTypeId")`;

/** `EventAllocation` of the allocation row `a`, or null when the row is null (a LEFT JOIN found none). */
export const allocationJson = (a: string) => `CASE WHEN ${a}."id" IS NULL THEN NULL ELSE jsonb_build_object(
  'id', ${a}."id", 'clientId', ${a}."clientId", 'contractId', ${a}."contractId", 'quota', ${a}."quota",
  'startedAt', to_char(${a}."startedAt", ${ISO_TIME}), 'endedAt', to_char(${a}."endedAt", ${ISO_TIME}), 'endedBy', ${a}."endedBy") END`;

/**
 * `events` and `deliveries` CTEs writing the rows of `source`: a SELECT of (type, "serverId",
 * "serverEventId", payload, "occurredAt", n), where n orders the events as they happened; the sequence follows it.
 */
export const outboxCtes = (source: string) => `events AS (
  INSERT INTO "OutboxEvent" ("id", "type", "serverId", "serverEventId", "payload", "occurredAt")
  SELECT gen_random_uuid(), e.type, e."serverId", e."serverEventId", e.payload, e."occurredAt" FROM (${source}) AS e ORDER BY e.n
  RETURNING "id", "sequence", "type", "serverId"
), deliveries AS (
  INSERT INTO "HookDelivery" ("hookId", "eventId", "serverId", "sequence")
  SELECT h."id", ev."id", ev."serverId", ev."sequence"
  FROM events ev JOIN "Hook" h ON h."enabled" AND (cardinality(h."eventTypes") = 0 OR ev."type" = ANY(h."eventTypes"))
)`;
