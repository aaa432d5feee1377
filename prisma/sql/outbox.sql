-- Events: the JSON of a server and of an allocation in every payload (ServerEventPayload in
-- libs/events/src/event-types.ts), and one delivery per enabled hook that wants an event, written by
-- the statement that writes the event (the transactional outbox: nothing is lost between a commit and the dispatcher).
-- The payload functions are STABLE, as jsonb_build_object and to_char are: PostgreSQL then inlines them into the
-- statement that calls them, where it planned them anew at every call when they claimed to be IMMUTABLE.
CREATE OR REPLACE FUNCTION "event_server"(s "Server") RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('id', s."id", 'hostname', s."hostname", 'locationId', s."locationId", 'instanceTypeId', s."instanceTypeId")
$$;

CREATE OR REPLACE FUNCTION "event_allocation"(a "Allocation") RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN a."id" IS NULL THEN NULL ELSE jsonb_build_object(
    'id', a."id", 'clientId', a."clientId", 'contractId', a."contractId", 'quota', a."quota",
    'startedAt', to_char(a."startedAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'endedAt', to_char(a."endedAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'endedBy', a."endedBy") END
$$;

-- The payload of a server's own event (ServerEventPayload) for a change written in SQL: the server as it is after the
-- change (its status is `to`, its sub-state the one the change left), and the allocation the change started or ended.
CREATE OR REPLACE FUNCTION "server_event_payload"(s "Server", p_command text, p_from "ServerStatus", p_actor text, p_reason text,
  p_operation uuid, p_allocation "Allocation")
RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('server', "event_server"(s), 'command', p_command, 'from', p_from, 'to', s."status", 'actor', p_actor,
    'subState', s."subState", 'reason', p_reason, 'operationUuid', p_operation, 'allocation', "event_allocation"(p_allocation))
$$;

CREATE OR REPLACE FUNCTION "deliver_to_hooks"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "HookDelivery" ("hookId", "eventId", "serverId", "sequence")
  SELECT h."id", NEW."id", NEW."serverId", NEW."sequence"
  FROM "Hook" h WHERE h."enabled" AND (cardinality(h."eventTypes") = 0 OR NEW."type" = ANY(h."eventTypes"));
  RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER "OutboxEvent_delivered" AFTER INSERT ON "OutboxEvent" FOR EACH ROW EXECUTE FUNCTION "deliver_to_hooks"();
