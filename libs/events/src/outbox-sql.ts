/**
 * The transactional outbox, as part of the statement that changes a server's lifecycle: the events
 * are written by the very statement that writes the change, so that they exist exactly when the change
 * does; a trigger adds one delivery per enabled hook that wants each of them (the allocation_engine
 * migration), so nothing to deliver is ever lost between a commit and the dispatcher. The payload is
 * `ServerEventPayload` (event-types.ts), its server and allocation built by the SQL functions
 * `event_server` and `event_allocation`, which allocate_servers uses too.
 */

/**
 * An `events` CTE writing the rows of `source`: a SELECT of (type, "serverId", "serverEventId",
 * payload, "occurredAt", n), where n orders the events as they happened; the sequence follows it.
 */
export const outboxCte = (source: string) => `events AS (
  INSERT INTO "OutboxEvent" ("id", "type", "serverId", "serverEventId", "payload", "occurredAt")
  SELECT gen_random_uuid(), e.type, e."serverId", e."serverEventId", e.payload, e."occurredAt" FROM (${source}) AS e ORDER BY e.n
)`;
