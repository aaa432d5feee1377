SET check_function_bodies = off;

-- prisma/sql/allocate_servers.sql
-- Allocate, in one round trip and one transaction: the decision (quota_assessment, which locks the pool's
-- counter and the client first), then the servers taken with SKIP LOCKED (the lowest ids, or round-robin
-- over racks), and the allocations, the servers' new state, an audit row and a server.allocated event each.
-- The transition is the lifecycle's available -> allocated (libs/lifecycle; test/db/allocate-servers.spec.ts
-- checks the two agree). Answers the refusal and the figures when it refuses (nothing written), else one
-- row per server taken. BUSY: the counters said there were enough servers, but other commands hold some.
-- With an Idempotency-Key (p_key, owned by the API key p_api_key), the key is remembered in the same transaction
-- as the allocations: a repeat with the same request answers them again (replayed), another request with the key
-- is refused (IDEMPOTENCY_KEY_REUSED), and calls with one key take turns. One statement, so that a retry after a
-- timeout finds either nothing or everything.
-- Generic plans: the best plan of every statement here is the same whatever the parameters, and PL/pgSQL would
-- otherwise plan the writing statement again at every call (it cost more than running it; docs/benchmarks.md).
CREATE OR REPLACE FUNCTION "allocate_servers"(p_location int, p_instance_type int, p_client int, p_contract text, p_overflow boolean,
  p_amount int, p_spread text, p_now timestamp, p_actor text, p_default_on_demand_limit int,
  p_api_key int, p_key text, p_request_hash text, p_key_expires timestamp, p_actor_key int)
RETURNS TABLE (
  refusal text, requested_committed int, requested_on_demand int,
  location_exists boolean, instance_type_location int, client_exists boolean, on_demand_limit int, on_demand_used int,
  contract_client int, contract_starts timestamp, contract_ends timestamp, committed int, committed_used int, available int, reserved int,
  server jsonb, allocation jsonb, replayed boolean)
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
  a record;
  earlier record;
  refused text;
  picked int[];
BEGIN
  IF p_key IS NOT NULL THEN
    SELECT * INTO earlier FROM "earlier_request"(p_api_key, p_key, p_now);
    IF FOUND AND earlier.request_hash <> p_request_hash THEN
      RETURN QUERY SELECT 'IDEMPOTENCY_KEY_REUSED', NULL::int, NULL::int, NULL::boolean, NULL::int, NULL::boolean, NULL::int, NULL::int,
        NULL::int, NULL::timestamp, NULL::timestamp, NULL::int, NULL::int, NULL::int, NULL::int, NULL::jsonb, NULL::jsonb, false;
      RETURN;
    ELSIF FOUND THEN
      RETURN QUERY SELECT NULL::text, NULL::int, NULL::int, NULL::boolean, NULL::int, NULL::boolean, NULL::int, NULL::int, NULL::int,
        NULL::timestamp, NULL::timestamp, NULL::int, NULL::int, NULL::int, NULL::int, to_jsonb(s), to_jsonb(al), true
      FROM "Allocation" al JOIN "Server" s ON s."id" = al."serverId" WHERE al."id" = ANY(earlier.allocation_ids) ORDER BY al."serverId";
      RETURN;
    END IF;
  END IF;

  SELECT * INTO a FROM "quota_assessment"(p_location, p_instance_type, p_client, p_contract, p_overflow, p_amount, p_now, p_default_on_demand_limit, true) q;
  refused := a.refusal;
  IF refused IS NULL THEN
    IF p_spread = 'rack' THEN
      -- As many distinct racks as the pool allows: the first server of every rack, then the second, ...
      SELECT array_agg(t."id" ORDER BY t.turn, t."id") INTO picked FROM (
        SELECT s."id", r.turn FROM "Server" s
        JOIN (SELECT x."id", row_number() OVER (PARTITION BY x."rack" ORDER BY x."id") AS turn FROM "Server" x
              WHERE x."locationId" = p_location AND x."instanceTypeId" = p_instance_type AND x."status" = 'available') r ON r."id" = s."id"
        WHERE s."status" = 'available'
        ORDER BY r.turn, s."id" LIMIT p_amount FOR UPDATE OF s SKIP LOCKED) t;
    ELSE
      -- The lowest ids; SKIP LOCKED passes over servers another command holds right now, so
      -- allocations never queue behind them. The (locationId, instanceTypeId, status, id) index serves it.
      SELECT array_agg(t."id" ORDER BY t."id") INTO picked FROM (
        SELECT s."id" FROM "Server" s
        WHERE s."locationId" = p_location AND s."instanceTypeId" = p_instance_type AND s."status" = 'available'
        ORDER BY s."id" LIMIT p_amount FOR UPDATE SKIP LOCKED) t;
    END IF;
    IF coalesce(cardinality(picked), 0) < p_amount THEN
      refused := 'BUSY';
    END IF;
  END IF;
  IF refused IS NOT NULL THEN
    RETURN QUERY SELECT refused, a.requested_committed, a.requested_on_demand, a.location_exists, a.instance_type_location, a.client_exists,
      a.on_demand_limit, a.on_demand_used, a.contract_client, a.contract_starts, a.contract_ends, a.committed, a.committed_used,
      a.available, a.reserved, NULL::jsonb, NULL::jsonb, false;
    RETURN;
  END IF;

  RETURN QUERY
  WITH taken AS (
    SELECT t."id", t.n FROM unnest(picked) WITH ORDINALITY AS t("id", n)
  ), allocations AS (
    INSERT INTO "Allocation" ("serverId", "clientId", "locationId", "instanceTypeId", "quota", "contractId", "startedAt")
    SELECT t."id", p_client, p_location, p_instance_type,
      CASE WHEN t.n <= a.requested_committed THEN 'COMMITTED' ELSE 'ON_DEMAND' END::"QuotaKind",
      CASE WHEN t.n <= a.requested_committed THEN p_contract END, p_now
    FROM taken t ORDER BY t.n
    RETURNING *
  ), servers AS (
    UPDATE "Server" s SET "status" = 'allocated', "currentAllocationId" = al."id", "version" = s."version" + 1, "updatedAt" = p_now
    FROM allocations al WHERE s."id" = al."serverId"
    RETURNING s.*
  ), audits AS (
    INSERT INTO "ServerEvent" ("serverId", "actor", "actorKeyId", "command", "fromStatus", "toStatus", "allocationId", "occurredAt")
    SELECT al."serverId", p_actor, p_actor_key, 'allocate', 'available', 'allocated', al."id", p_now FROM allocations al
    RETURNING "id", "serverId"
  ), events AS (
    INSERT INTO "OutboxEvent" ("id", "type", "serverId", "serverEventId", "payload", "occurredAt")
    SELECT gen_random_uuid(), 'server.allocated', s."id", au."id",
      jsonb_build_object('server', "event_server"(s::"Server"), 'command', 'allocate', 'from', 'available', 'to', 'allocated', 'actor', p_actor,
        'subState', NULL, 'reason', NULL, 'operationUuid', NULL, 'allocation', "event_allocation"(al::"Allocation")), p_now
    FROM servers s JOIN allocations al ON al."serverId" = s."id" JOIN audits au ON au."serverId" = s."id" JOIN taken t ON t."id" = s."id"
    ORDER BY t.n
  ), remembered AS (
    INSERT INTO "IdempotencyKey" ("apiKeyId", "key", "requestHash", "allocationIds", "createdAt", "expiresAt")
    SELECT p_api_key, p_key, p_request_hash, array_agg(al."id" ORDER BY al."id"), p_now, p_key_expires FROM allocations al
    HAVING p_key IS NOT NULL
  )
  SELECT NULL::text, NULL::int, NULL::int, NULL::boolean, NULL::int, NULL::boolean, NULL::int, NULL::int, NULL::int, NULL::timestamp,
    NULL::timestamp, NULL::int, NULL::int, NULL::int, NULL::int, to_jsonb(s), to_jsonb(al), false
  FROM servers s JOIN allocations al ON al."serverId" = s."id" JOIN taken t ON t."id" = s."id" ORDER BY t.n;
END $$;

-- prisma/sql/outbox.sql
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

RESET check_function_bodies;
