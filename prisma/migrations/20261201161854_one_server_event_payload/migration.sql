-- One function builds the payload of a server's own event written in SQL (server_event_payload, outbox.sql): the
-- maintenance's own copy of it goes.
DROP FUNCTION "maintenance_server_payload"("Server", text, "ServerStatus", text, text);

SET check_function_bodies = off;

-- prisma/sql/maintenance.sql
-- Maintenances: servers taken out of service together (a list, a rack, a pool) and given back, or retired, together.
-- Starting and ending one are each one transaction over the whole selection, in the lock order every writer follows
-- (docs/allocation-engine.md): the servers (by id), then their pools (lock_pools). Allocations hold the pool's lock
-- while they pick servers and skip locked ones, so no allocation lands on a server a maintenance takes. The transitions are the lifecycle's (libs/lifecycle):
-- available -> isolated (maintenance) at the start; isolated -> baselining at the end (unisolate).

-- The plan of a maintenance of the servers selected (by ids, by rack of a location, or by pool), and, unless
-- p_dry_run or refused, the maintenance itself. Answers {refusal, detail, maintenanceId, servers, pools}: per
-- server what happens now, per pool the guarantee check (Available servers left against the unused commitments of
-- the contracts valid now); a dry run answers it whatever it finds. Refusals (nothing written): SERVER_NOT_FOUND, LOCATION_NOT_FOUND, INSTANCE_TYPE_NOT_FOUND,
-- RACK_NOT_FOUND, NO_SERVER_SELECTED, IN_MAINTENANCE, GUARANTEE_AT_RISK (a shortfall, without p_force).
CREATE OR REPLACE FUNCTION "start_maintenance"(p_server_ids int[], p_location int, p_rack text, p_instance_type int,
  p_reason text, p_then "MaintenanceOutcome", p_selector jsonb, p_force boolean, p_dry_run boolean,
  p_actor text, p_actor_key int, p_now timestamp)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  missing int[];
  selected int[];
  busy jsonb;
  earlier record;
  servers jsonb;
  pools jsonb;
  at_risk boolean;
  plan jsonb;
  maintenance int;
  isolation text;
BEGIN
  IF p_server_ids IS NOT NULL THEN
    SELECT array_agg(i ORDER BY i) INTO missing FROM unnest(p_server_ids) AS i WHERE NOT EXISTS (SELECT 1 FROM "Server" s WHERE s."id" = i);
    IF missing IS NOT NULL THEN
      RETURN jsonb_build_object('refusal', 'SERVER_NOT_FOUND', 'detail', jsonb_build_object('serverIds', missing));
    END IF;
  END IF;
  IF p_location IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "Location" l WHERE l."id" = p_location) THEN
    RETURN jsonb_build_object('refusal', 'LOCATION_NOT_FOUND', 'detail', jsonb_build_object('locationId', p_location));
  END IF;
  IF p_instance_type IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "InstanceType" it WHERE it."id" = p_instance_type AND it."locationId" = p_location) THEN
    RETURN jsonb_build_object('refusal', 'INSTANCE_TYPE_NOT_FOUND', 'detail', jsonb_build_object('locationId', p_location, 'instanceTypeId', p_instance_type));
  END IF;
  IF p_rack IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "Server" s WHERE s."locationId" = p_location AND s."rack" = p_rack) THEN
    RETURN jsonb_build_object('refusal', 'RACK_NOT_FOUND', 'detail', jsonb_build_object('locationId', p_location, 'rack', p_rack));
  END IF;

  -- Retired servers are never selected.
  SELECT array_agg(s."id" ORDER BY s."id") INTO selected FROM "Server" s
  WHERE s."status" <> 'retired' AND CASE
    WHEN p_server_ids IS NOT NULL THEN s."id" = ANY(p_server_ids)
    WHEN p_rack IS NOT NULL THEN s."locationId" = p_location AND s."rack" = p_rack
    WHEN p_instance_type IS NOT NULL THEN s."instanceTypeId" = p_instance_type
    ELSE s."locationId" = p_location END;
  IF selected IS NULL THEN
    RETURN jsonb_build_object('refusal', 'NO_SERVER_SELECTED', 'detail', p_selector);
  END IF;
  IF NOT p_dry_run THEN
    PERFORM 1 FROM "Server" s WHERE s."id" = ANY(selected) ORDER BY s."id" FOR UPDATE;
    PERFORM "lock_pools"(ARRAY(SELECT DISTINCT s."instanceTypeId" FROM "Server" s WHERE s."id" = ANY(selected)));
    -- Read again under the locks: a server may have been retired since.
    selected := ARRAY(SELECT s."id" FROM "Server" s WHERE s."id" = ANY(selected) AND s."status" <> 'retired' ORDER BY s."id");
  END IF;

  SELECT jsonb_agg(jsonb_build_object('serverId', s."id", 'maintenanceId', s."maintenanceId") ORDER BY s."id") INTO busy
  FROM "Server" s WHERE s."id" = ANY(selected) AND s."maintenanceId" IS NOT NULL;
  -- The same request again (a retry after a lost answer): the maintenance it started, unchanged.
  SELECT x."id", x."plan" INTO earlier FROM "Maintenance" x
  WHERE busy IS NOT NULL AND x."endedAt" IS NULL AND x."selector" = p_selector AND x."reason" = p_reason AND x."then" = p_then
    AND NOT EXISTS (SELECT 1 FROM "Server" s WHERE s."id" = ANY(selected) AND s."maintenanceId" IS DISTINCT FROM x."id");
  IF FOUND THEN
    RETURN earlier."plan" || jsonb_build_object('maintenanceId', earlier."id", 'repeated', true);
  END IF;
  IF busy IS NOT NULL THEN
    RETURN jsonb_build_object('refusal', 'IN_MAINTENANCE', 'detail', jsonb_build_object('servers', busy));
  END IF;

  SELECT jsonb_agg(jsonb_build_object('id', s."id", 'hostname', s."hostname", 'locationId', s."locationId", 'instanceTypeId', s."instanceTypeId",
      'rack', s."rack", 'status', s."status", 'then', CASE s."status"
        WHEN 'available' THEN 'isolatedNow' WHEN 'baselining' THEN 'afterBaseline' WHEN 'allocated' THEN 'afterRelease' ELSE 'joinsAsItIs' END)
    ORDER BY s."id") INTO servers
  FROM "Server" s WHERE s."id" = ANY(selected);
  SELECT jsonb_agg(jsonb_build_object('locationId', it."locationId", 'instanceTypeId', p.pool, 'selected', p.selected, 'available', pf."available",
      'isolatedNow', p.idle, 'availableLeft', pf."available" - p.idle, 'reserved', k."reserved", 'shortfall', GREATEST(k."reserved" - (pf."available" - p.idle), 0))
    ORDER BY p.pool),
    bool_or(k."reserved" > pf."available" - p.idle) INTO pools, at_risk
  FROM (SELECT s."instanceTypeId" AS pool, count(*)::int AS selected, count(*) FILTER (WHERE s."status" = 'available')::int AS idle
        FROM "Server" s WHERE s."id" = ANY(selected) GROUP BY s."instanceTypeId") p
  JOIN "InstanceType" it ON it."id" = p.pool JOIN "PoolFigures" pf ON pf."instanceTypeId" = p.pool
  CROSS JOIN LATERAL "pool_commitments"(p.pool, p_now) k;
  plan := jsonb_build_object('servers', servers, 'pools', pools);

  IF p_dry_run THEN
    RETURN plan;
  END IF;
  IF at_risk AND NOT p_force THEN
    RETURN plan || jsonb_build_object('refusal', 'GUARANTEE_AT_RISK');
  END IF;

  INSERT INTO "Maintenance" ("reason", "then", "selector", "forced", "plan", "startedAt", "startedBy", "startedByKeyId")
  VALUES (p_reason, p_then, p_selector, at_risk, plan, p_now, p_actor, p_actor_key) RETURNING "id" INTO maintenance;
  isolation := 'in maintenance ' || maintenance;
  INSERT INTO "MaintenanceServer" ("maintenanceId", "serverId", "joinedAs")
  SELECT maintenance, s."id", s."status" FROM "Server" s WHERE s."id" = ANY(selected);

  WITH taken AS (
    UPDATE "Server" s SET "maintenanceId" = maintenance, "version" = s."version" + 1, "updatedAt" = p_now,
      "status" = CASE WHEN s."status" = 'available' THEN 'isolated' ELSE s."status" END,
      "subState" = CASE WHEN s."status" = 'available' THEN 'maintenance' ELSE s."subState" END,
      "isolationReason" = CASE WHEN s."status" = 'available' THEN isolation ELSE s."isolationReason" END
    FROM "MaintenanceServer" m WHERE m."maintenanceId" = maintenance AND m."serverId" = s."id"
    RETURNING s AS server, s."id", s."status", s."subState", m."joinedAs"
  ), audits AS (
    INSERT INTO "ServerEvent" ("serverId", "actor", "actorKeyId", "command", "fromStatus", "toStatus", "subState", "reason", "occurredAt")
    SELECT t."id", p_actor, p_actor_key, 'maintenance', t."joinedAs", t."status", t."subState", isolation || ': ' || p_reason, p_now FROM taken t
    RETURNING "id", "serverId"
  )
  INSERT INTO "OutboxEvent" ("id", "type", "serverId", "serverEventId", "payload", "occurredAt")
  SELECT gen_random_uuid(), 'server.isolated', t."id", a."id",
    "server_event_payload"(t.server, 'maintenance', t."joinedAs", p_actor, isolation || ': ' || p_reason, NULL, NULL), p_now
  FROM taken t JOIN audits a ON a."serverId" = t."id" WHERE t."joinedAs" = 'available' ORDER BY t."id";

  INSERT INTO "OutboxEvent" ("id", "type", "serverId", "payload", "occurredAt")
  VALUES (gen_random_uuid(), 'maintenance.started', NULL, jsonb_build_object('maintenance', jsonb_build_object('id', maintenance, 'reason', p_reason,
    'then', p_then, 'forced', at_risk, 'selector', p_selector, 'serverIds', to_jsonb(selected)), 'actor', p_actor) || jsonb_build_object('plan', plan), p_now);
  INSERT INTO "AuditEntry" ("entity", "entityId", "action", "actor", "actorKeyId", "after", "occurredAt")
  SELECT 'maintenance', x."id"::text, 'started', p_actor, p_actor_key, to_jsonb(x), p_now FROM "Maintenance" x WHERE x."id" = maintenance;
  RETURN plan || jsonb_build_object('maintenanceId', maintenance);
END $$;

-- Ends a maintenance: each server still in it leaves it; an isolated one goes through Back to Baseline (a new run,
-- with the watchdog's clock started), to Available or, with then = retire, to retired once wiped (it is marked to
-- retire); the others (allocated, in Back to Baseline, quarantined) stay as they are, marked to retire with
-- then = retire. Answers {refusal} (MAINTENANCE_NOT_FOUND), {alreadyEnded: true}, or {servers: [{id, from, to}]}.
CREATE OR REPLACE FUNCTION "end_maintenance"(p_id int, p_actor text, p_actor_key int, p_now timestamp)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  m record;
  members int[];
  changed jsonb;
BEGIN
  SELECT * INTO m FROM "Maintenance" x WHERE x."id" = p_id;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('refusal', 'MAINTENANCE_NOT_FOUND');
  END IF;
  -- Ends of one maintenance take turns; then its servers, then their pools.
  SELECT * INTO m FROM "Maintenance" x WHERE x."id" = p_id FOR UPDATE;
  IF m."endedAt" IS NOT NULL THEN
    RETURN jsonb_build_object('alreadyEnded', true);
  END IF;
  members := ARRAY(SELECT s."id" FROM "Server" s WHERE s."maintenanceId" = p_id ORDER BY s."id" FOR UPDATE);
  PERFORM "lock_pools"(ARRAY(SELECT DISTINCT s."instanceTypeId" FROM "Server" s WHERE s."id" = ANY(members)));

  WITH left_it AS (
    UPDATE "Server" s SET "maintenanceId" = NULL, "version" = s."version" + 1, "updatedAt" = p_now,
      "retiring" = s."retiring" OR (m."then" = 'retire' AND s."status" <> 'retired'),
      "status" = CASE WHEN s."status" = 'isolated' THEN 'baselining' ELSE s."status" END,
      "subState" = CASE WHEN s."status" = 'isolated' THEN NULL ELSE s."subState" END,
      "isolationReason" = CASE WHEN s."status" = 'isolated' THEN NULL ELSE s."isolationReason" END,
      "baselineStartedAt" = CASE WHEN s."status" = 'isolated' THEN p_now ELSE s."baselineStartedAt" END,
      "baselineId" = CASE WHEN s."status" = 'isolated' THEN gen_random_uuid() ELSE s."baselineId" END
    FROM "Server" was WHERE was."id" = s."id" AND s."id" = ANY(members)
    RETURNING s AS server, s."id", s."status", s."retiring", s."baselineId", was."status" AS "wasStatus", was."retiring" AS "wasRetiring"
  ), audits AS (
    INSERT INTO "ServerEvent" ("serverId", "actor", "actorKeyId", "command", "fromStatus", "toStatus", "reason", "occurredAt")
    SELECT l."id", p_actor, p_actor_key, 'endMaintenance', l."wasStatus", l."status", 'maintenance ' || p_id || ' ended: ' || m."then", p_now FROM left_it l
    RETURNING "id", "serverId"
  ), events AS (
    INSERT INTO "OutboxEvent" ("id", "type", "serverId", "serverEventId", "payload", "occurredAt")
    SELECT gen_random_uuid(), e.type, l."id", a."id",
      "server_event_payload"(l.server, 'endMaintenance', l."wasStatus", p_actor, 'maintenance ' || p_id || ' ended', NULL, NULL) || e.extra, p_now
    FROM left_it l JOIN audits a ON a."serverId" = l."id"
    CROSS JOIN LATERAL (VALUES
      (1, 'server.retiring', '{}'::jsonb, l."retiring" AND NOT l."wasRetiring"),
      (2, 'server.unisolated', '{}'::jsonb, l."wasStatus" = 'isolated'),
      (3, 'server.baseline.requested', jsonb_build_object('baseline', jsonb_build_object('cause', 'maintenanceEnded', 'id', l."baselineId")), l."wasStatus" = 'isolated')
    ) AS e(n, type, extra, wanted)
    WHERE e.wanted ORDER BY l."id", e.n
  )
  SELECT jsonb_agg(jsonb_build_object('id', l."id", 'from', l."wasStatus", 'to', l."status", 'retiring', l."retiring") ORDER BY l."id") INTO changed FROM left_it l;

  UPDATE "Maintenance" x SET "endedAt" = p_now, "endedBy" = p_actor WHERE x."id" = p_id;
  INSERT INTO "AuditEntry" ("entity", "entityId", "action", "actor", "actorKeyId", "before", "after", "occurredAt")
  SELECT 'maintenance', x."id"::text, 'ended', p_actor, p_actor_key, to_jsonb(m), to_jsonb(x), p_now FROM "Maintenance" x WHERE x."id" = p_id;
  INSERT INTO "OutboxEvent" ("id", "type", "serverId", "payload", "occurredAt")
  VALUES (gen_random_uuid(), 'maintenance.ended', NULL, jsonb_build_object('maintenance', jsonb_build_object('id', p_id, 'reason', m."reason",
    'then', m."then", 'serverIds', to_jsonb(members)), 'actor', p_actor), p_now);
  RETURN jsonb_build_object('servers', coalesce(changed, '[]'::jsonb));
END $$;

-- prisma/sql/outbox.sql
-- Events: the JSON of a server and of an allocation in every payload (ServerEventPayload in
-- libs/events/src/event-types.ts), and one delivery per enabled hook that wants an event, written by
-- the statement that writes the event (the transactional outbox: nothing is lost between a commit and the dispatcher).
CREATE OR REPLACE FUNCTION "event_server"(s "Server") RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object('id', s."id", 'hostname', s."hostname", 'locationId', s."locationId", 'instanceTypeId', s."instanceTypeId")
$$;

CREATE OR REPLACE FUNCTION "event_allocation"(a "Allocation") RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN a."id" IS NULL THEN NULL ELSE jsonb_build_object(
    'id', a."id", 'clientId', a."clientId", 'contractId', a."contractId", 'quota', a."quota",
    'startedAt', to_char(a."startedAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'endedAt', to_char(a."endedAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'endedBy', a."endedBy") END
$$;

-- The payload of a server's own event (ServerEventPayload) for a change written in SQL: the server as it is after the
-- change (its status is `to`, its sub-state the one the change left), and the allocation the change started or ended.
CREATE OR REPLACE FUNCTION "server_event_payload"(s "Server", p_command text, p_from "ServerStatus", p_actor text, p_reason text,
  p_operation uuid, p_allocation "Allocation")
RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
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

-- prisma/sql/replace_server.sql
-- Replace a client's broken server in one transaction: the server is isolated (its allocation ends REPLACED) and
-- another Available server of the same pool is allocated to the same client, on the same quota and contract, linked to
-- the old allocation ("replacesId"). The client's count does not change, so the replacement may take any Available
-- server of the pool, the reserve included; when none is, nothing changes (NO_CAPACITY). Locks in the order every
-- writer follows (docs/allocation-engine.md): the broken server, the pool (lock_pools), the client; the spare is
-- taken with SKIP LOCKED, as allocations take theirs. The transitions are the lifecycle's
-- (libs/lifecycle): allocated -> isolated by `replace`, available -> allocated.
-- With an Idempotency-Key (p_key of the API key p_api_key), as allocate_servers: a repeat answers the replacement it
-- made (replayed), another request with the key is refused (IDEMPOTENCY_KEY_REUSED).
-- DESTRUCTIVE_LIMIT (p_destructive_limit, null when off) counts it as an allocation ended (destructive_limit.sql).
-- Answers {refusal, status?} or {old: {server, allocation}, new: {server, allocation}, replayed}.
CREATE OR REPLACE FUNCTION "replace_server"(p_client int, p_server int, p_sub_state "IsolationSubState", p_reason text, p_operation uuid,
  p_actor text, p_actor_key int, p_api_key int, p_key text, p_request_hash text, p_key_expires timestamp, p_now timestamp,
  p_destructive_limit int)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  earlier record;
  broken "Server";
  held "Allocation";
  spare int;
  ended "Allocation";
  started "Allocation";
  old_server "Server";
  new_server "Server";
  old_audit bigint;
  new_audit bigint;
BEGIN
  IF p_key IS NOT NULL THEN
    SELECT * INTO earlier FROM "earlier_request"(p_api_key, p_key, p_now);
    IF FOUND AND earlier.request_hash <> p_request_hash THEN
      RETURN jsonb_build_object('refusal', 'IDEMPOTENCY_KEY_REUSED');
    ELSIF FOUND THEN
      SELECT * INTO started FROM "Allocation" a WHERE a."id" = earlier.allocation_ids[1];
      SELECT * INTO ended FROM "Allocation" a WHERE a."id" = started."replacesId";
      RETURN jsonb_build_object('replayed', true,
        'old', jsonb_build_object('server', (SELECT to_jsonb(s) FROM "Server" s WHERE s."id" = ended."serverId"), 'allocation', to_jsonb(ended)),
        'new', jsonb_build_object('server', (SELECT to_jsonb(s) FROM "Server" s WHERE s."id" = started."serverId"), 'allocation', to_jsonb(started)));
    END IF;
  END IF;

  IF NOT EXISTS (SELECT 1 FROM "Client" c WHERE c."id" = p_client) THEN
    RETURN jsonb_build_object('refusal', 'CLIENT_NOT_FOUND');
  END IF;
  SELECT * INTO broken FROM "Server" s WHERE s."id" = p_server FOR UPDATE;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('refusal', 'SERVER_NOT_FOUND');
  END IF;
  PERFORM "lock_pools"(ARRAY[broken."instanceTypeId"]);
  PERFORM 1 FROM "Client" c WHERE c."id" = p_client FOR NO KEY UPDATE;
  IF broken."status" <> 'allocated' THEN
    RETURN jsonb_build_object('refusal', 'NOT_ALLOCATED', 'status', broken."status");
  END IF;
  SELECT * INTO held FROM "Allocation" a WHERE a."id" = broken."currentAllocationId";
  IF held."clientId" <> p_client THEN
    RETURN jsonb_build_object('refusal', 'NOT_HELD_BY_CLIENT');
  END IF;

  SELECT s."id" INTO spare FROM "Server" s
  WHERE s."locationId" = broken."locationId" AND s."instanceTypeId" = broken."instanceTypeId" AND s."status" = 'available'
  ORDER BY s."id" LIMIT 1 FOR UPDATE SKIP LOCKED;
  IF spare IS NULL THEN
    RETURN jsonb_build_object('refusal', 'NO_CAPACITY',
      'available', (SELECT pf."available" FROM "PoolFigures" pf WHERE pf."instanceTypeId" = broken."instanceTypeId"),
      'reserved', (SELECT k."reserved" FROM "pool_commitments"(broken."instanceTypeId", p_now) k));
  END IF;

  IF p_destructive_limit IS NOT NULL AND p_actor_key IS NOT NULL AND NOT "take_destructive_slot"(p_actor_key, p_destructive_limit, p_now) THEN
    RETURN jsonb_build_object('refusal', 'TOO_MANY_REQUESTS');
  END IF;

  -- The old allocation ends before the new one starts, so that the counters never count both.
  UPDATE "Allocation" a SET "endedAt" = p_now, "endedBy" = 'REPLACED' WHERE a."id" = held."id" RETURNING * INTO ended;
  UPDATE "Server" s SET "status" = 'isolated', "subState" = p_sub_state, "isolationReason" = p_reason, "currentAllocationId" = NULL,
    "baselineStartedAt" = NULL, "version" = s."version" + 1, "updatedAt" = p_now
  WHERE s."id" = p_server RETURNING * INTO old_server;
  INSERT INTO "Allocation" ("serverId", "clientId", "locationId", "instanceTypeId", "quota", "contractId", "startedAt", "replacesId")
  VALUES (spare, p_client, held."locationId", held."instanceTypeId", held."quota", held."contractId", p_now, held."id") RETURNING * INTO started;
  UPDATE "Server" s SET "status" = 'allocated', "currentAllocationId" = started."id", "version" = s."version" + 1, "updatedAt" = p_now
  WHERE s."id" = spare RETURNING * INTO new_server;

  INSERT INTO "ServerEvent" ("serverId", "actor", "actorKeyId", "command", "fromStatus", "toStatus", "subState", "reason", "operationUuid", "allocationId", "occurredAt")
  VALUES (p_server, p_actor, p_actor_key, 'replace', 'allocated', 'isolated', p_sub_state, p_reason, p_operation, ended."id", p_now) RETURNING "id" INTO old_audit;
  INSERT INTO "ServerEvent" ("serverId", "actor", "actorKeyId", "command", "fromStatus", "toStatus", "reason", "operationUuid", "allocationId", "occurredAt")
  VALUES (spare, p_actor, p_actor_key, 'replace', 'available', 'allocated', 'replaces server ' || p_server, p_operation, started."id", p_now) RETURNING "id" INTO new_audit;
  INSERT INTO "OutboxEvent" ("id", "type", "serverId", "serverEventId", "payload", "occurredAt") VALUES
    (gen_random_uuid(), 'server.isolated', p_server, old_audit,
      "server_event_payload"(old_server, 'replace', 'allocated', p_actor, p_reason, p_operation, ended)
        || jsonb_build_object('replacedBy', jsonb_build_object('serverId', spare, 'allocationId', started."id")), p_now),
    (gen_random_uuid(), 'server.allocated', spare, new_audit,
      "server_event_payload"(new_server, 'replace', 'available', p_actor, 'replaces server ' || p_server, p_operation, started)
        || jsonb_build_object('replaces', jsonb_build_object('serverId', p_server, 'allocationId', ended."id")), p_now);

  IF p_key IS NOT NULL THEN
    INSERT INTO "IdempotencyKey" ("apiKeyId", "key", "requestHash", "allocationIds", "createdAt", "expiresAt")
    VALUES (p_api_key, p_key, p_request_hash, ARRAY[started."id"], p_now, p_key_expires);
  END IF;
  RETURN jsonb_build_object('replayed', false,
    'old', jsonb_build_object('server', to_jsonb(old_server), 'allocation', to_jsonb(ended)),
    'new', jsonb_build_object('server', to_jsonb(new_server), 'allocation', to_jsonb(started)));
END $$;

RESET check_function_bodies;
