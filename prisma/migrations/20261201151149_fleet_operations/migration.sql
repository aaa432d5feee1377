-- CreateEnum
CREATE TYPE "MaintenanceOutcome" AS ENUM ('return', 'retire');

-- AlterEnum
ALTER TYPE "AllocationEnd" ADD VALUE 'REPLACED';

-- AlterTable
ALTER TABLE "PoolCounter" ADD COLUMN     "pendingMaintenance" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "pendingRetirement" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Server" ADD COLUMN     "baselineDispatchedAt" TIMESTAMP(3),
ADD COLUMN     "maintenanceId" INTEGER,
ADD COLUMN     "retiring" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Allocation" ADD COLUMN     "replacesId" INTEGER;

-- AlterTable
ALTER TABLE "OutboxEvent" ALTER COLUMN "serverId" DROP NOT NULL;

-- AlterTable
ALTER TABLE "HookDelivery" ALTER COLUMN "serverId" DROP NOT NULL;

-- CreateTable
CREATE TABLE "Maintenance" (
    "id" SERIAL NOT NULL,
    "reason" TEXT NOT NULL,
    "then" "MaintenanceOutcome" NOT NULL,
    "selector" JSONB NOT NULL,
    "forced" BOOLEAN NOT NULL DEFAULT false,
    "plan" JSONB NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "startedBy" TEXT NOT NULL,
    "startedByKeyId" INTEGER,
    "endedAt" TIMESTAMP(3),
    "endedBy" TEXT,

    CONSTRAINT "Maintenance_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MaintenanceServer" (
    "maintenanceId" INTEGER NOT NULL,
    "serverId" INTEGER NOT NULL,
    "joinedAs" "ServerStatus" NOT NULL,

    CONSTRAINT "MaintenanceServer_pkey" PRIMARY KEY ("maintenanceId","serverId")
);

-- CreateTable
CREATE TABLE "EndedAllocationCount" (
    "apiKeyId" INTEGER NOT NULL,
    "minute" TIMESTAMP(3) NOT NULL,
    "ended" INTEGER NOT NULL,

    CONSTRAINT "EndedAllocationCount_pkey" PRIMARY KEY ("apiKeyId","minute")
);

-- CreateIndex
CREATE INDEX "MaintenanceServer_serverId_idx" ON "MaintenanceServer"("serverId");

-- CreateIndex
CREATE INDEX "Server_maintenanceId_idx" ON "Server"("maintenanceId");

-- CreateIndex
CREATE INDEX "Server_locationId_rack_idx" ON "Server"("locationId", "rack");

-- CreateIndex
CREATE UNIQUE INDEX "Allocation_replacesId_key" ON "Allocation"("replacesId");

-- AddForeignKey
ALTER TABLE "Server" ADD CONSTRAINT "Server_maintenanceId_fkey" FOREIGN KEY ("maintenanceId") REFERENCES "Maintenance"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MaintenanceServer" ADD CONSTRAINT "MaintenanceServer_maintenanceId_fkey" FOREIGN KEY ("maintenanceId") REFERENCES "Maintenance"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MaintenanceServer" ADD CONSTRAINT "MaintenanceServer_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Allocation" ADD CONSTRAINT "Allocation_replacesId_fkey" FOREIGN KEY ("replacesId") REFERENCES "Allocation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

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
CREATE OR REPLACE FUNCTION "allocate_servers"(p_location int, p_instance_type int, p_client int, p_contract text, p_overflow boolean,
  p_amount int, p_spread text, p_now timestamp, p_actor text, p_default_on_demand_limit int,
  p_api_key int, p_key text, p_request_hash text, p_key_expires timestamp, p_actor_key int)
RETURNS TABLE (
  refusal text, requested_committed int, requested_on_demand int,
  location_exists boolean, instance_type_location int, client_exists boolean, on_demand_limit int, on_demand_used int,
  contract_client int, contract_starts timestamp, contract_ends timestamp, committed int, committed_used int, available int, reserved int,
  server jsonb, allocation jsonb, replayed boolean)
LANGUAGE plpgsql AS $$
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

-- prisma/sql/baseline_pacing.sql
-- Back to Baseline pacing: at most p_max_in_flight runs per location are under way in MetalWorks at once (a guard
-- against a mass de-allocation wiping a site at once, like Ironic's cap on concurrent cleanings). A run is requested
-- when its server enters baselining (baselineStartedAt) and waits until this function dispatches it
-- (baselineDispatchedAt): its server.baseline.requested is delivered only then (the dispatcher's claim), and the
-- watchdog measures from then. Every service process calls it on a timer; the advisory lock lets one at a time count
-- and dispatch, so the processes share the cap through the database.
CREATE OR REPLACE FUNCTION "dispatch_baselines"(p_max_in_flight int, p_now timestamp) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  dispatched int;
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtextextended('baseline-pacing', 0)) THEN
    RETURN 0;
  END IF;
  WITH running AS (
    SELECT s."locationId", count(*)::int AS n FROM "Server" s
    WHERE s."status" = 'baselining' AND s."baselineDispatchedAt" IS NOT NULL GROUP BY s."locationId"
  ), waiting AS (
    SELECT s."id", s."locationId", row_number() OVER (PARTITION BY s."locationId" ORDER BY s."baselineStartedAt", s."id") AS turn
    FROM "Server" s WHERE s."status" = 'baselining' AND s."baselineDispatchedAt" IS NULL
  ), due AS (
    SELECT w."id" FROM waiting w LEFT JOIN running r ON r."locationId" = w."locationId" WHERE w.turn <= p_max_in_flight - coalesce(r.n, 0)
  )
  UPDATE "Server" s SET "baselineDispatchedAt" = p_now
  FROM due WHERE s."id" = due."id" AND s."status" = 'baselining' AND s."baselineDispatchedAt" IS NULL;
  GET DIAGNOSTICS dispatched = ROW_COUNT;
  RETURN dispatched;
END $$;

-- Per location, the runs under way and those waiting for a slot (the capacity report and the metrics).
CREATE OR REPLACE VIEW "BaselineRuns" AS
  SELECT s."locationId", count(*) FILTER (WHERE s."baselineDispatchedAt" IS NOT NULL)::int AS "running",
    count(*) FILTER (WHERE s."baselineDispatchedAt" IS NULL)::int AS "waiting", min(s."baselineStartedAt") FILTER (WHERE s."baselineDispatchedAt" IS NULL) AS "oldestWaitingSince"
  FROM "Server" s WHERE s."status" = 'baselining' GROUP BY s."locationId";

-- prisma/sql/destructive_limit.sql
-- DESTRUCTIVE_LIMIT: how many allocations one API key may end per minute (de-allocate, compensate and isolate of an
-- allocated server, replace), a guard against a runaway script (like Ironic's caps on concurrent cleanings). Counted
-- per key and calendar minute in the database, so that several service processes share the count; the upsert takes
-- the row's lock and reads its latest count, so two calls at once never both take the last slot.
CREATE OR REPLACE FUNCTION "take_destructive_slot"(p_api_key int, p_limit int, p_now timestamp) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  this_minute timestamp := date_trunc('minute', p_now);
  taken int;
BEGIN
  DELETE FROM "EndedAllocationCount" c WHERE c."apiKeyId" = p_api_key AND c."minute" < this_minute;
  INSERT INTO "EndedAllocationCount" AS c ("apiKeyId", "minute", "ended") VALUES (p_api_key, this_minute, 1)
  ON CONFLICT ("apiKeyId", "minute") DO UPDATE SET "ended" = c."ended" + 1 WHERE c."ended" < p_limit
  RETURNING c."ended" INTO taken;
  RETURN taken IS NOT NULL;
END $$;

-- prisma/sql/idempotency.sql
-- An Idempotency-Key (p_key, owned by the API key p_api_key) as the functions that write with one see it (allocate_servers,
-- replace_server): calls with one key take turns (an advisory lock, held until the caller's transaction ends), an
-- expired key is forgotten, and the request first sent with it, if any, is answered: its hash and what it wrote.
CREATE OR REPLACE FUNCTION "earlier_request"(p_api_key int, p_key text, p_now timestamp)
RETURNS TABLE (request_hash text, allocation_ids int[]) LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('idempotency:' || p_api_key || ':' || p_key, 0));
  DELETE FROM "IdempotencyKey" k WHERE k."apiKeyId" = p_api_key AND k."key" = p_key AND k."expiresAt" <= p_now;
  RETURN QUERY SELECT k."requestHash", k."allocationIds" FROM "IdempotencyKey" k WHERE k."apiKeyId" = p_api_key AND k."key" = p_key;
END $$;

-- prisma/sql/maintenance.sql
-- Maintenances: servers taken out of service together (a list, a rack, a pool) and given back, or retired, together.
-- Starting and ending one are each one transaction over the whole selection, in the lock order every writer follows
-- (docs/allocation-engine.md): the servers (by id), then their pools (lock_pools). Allocations hold the pool's lock
-- while they pick servers and skip locked ones, so no allocation lands on a server a maintenance takes. The transitions are the lifecycle's (libs/lifecycle):
-- available -> isolated (maintenance) at the start; isolated -> baselining at the end (unisolate).

-- The payload of a server's own event (ServerEventPayload in libs/events/src/event-types.ts) written by these functions.
CREATE OR REPLACE FUNCTION "maintenance_server_payload"(s "Server", p_command text, p_from "ServerStatus", p_actor text, p_reason text)
RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object('server', "event_server"(s), 'command', p_command, 'from', p_from, 'to', s."status", 'actor', p_actor,
    'subState', s."subState", 'reason', p_reason, 'operationUuid', NULL, 'allocation', NULL)
$$;

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
    "maintenance_server_payload"(t.server, 'maintenance', t."joinedAs", p_actor, isolation || ': ' || p_reason), p_now
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
      "maintenance_server_payload"(l.server, 'endMaintenance', l."wasStatus", p_actor, 'maintenance ' || p_id || ' ended') || e.extra, p_now
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

-- prisma/sql/pool_counters.sql
-- The figures of each pool, kept by the database in the transaction of every write of a server, so that a
-- quota decision reads a few rows however large the fleet. One column per server status (libs/lifecycle
-- SERVER_STATUSES; test/db/server-statuses.spec.ts checks they agree).
--
-- A pool's figures are the sum of its rows in PoolCounter (the view PoolFigures). Row 0 is the pool's lock:
-- allocations lock it (lock_pools), and a transaction that holds it counts there. The other writers count in
-- one of the rows 1-8, chosen by their session, so that releasing a server never waits for an allocation in
-- its pool, nor two releases for each other (docs/benchmarks.md has the figures of the alternatives).
-- Rows 1-8 may go below zero; their sum cannot, and `admin db check` compares it with a recount.

-- Every pool has its rows from the start: allocations lock row 0.
CREATE OR REPLACE FUNCTION "create_pool_counter"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "PoolCounter" ("instanceTypeId", "shard") SELECT NEW."id", shard FROM generate_series(0, 8) AS shard;
  RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER "InstanceType_pool_counter" AFTER INSERT ON "InstanceType" FOR EACH ROW EXECUTE FUNCTION "create_pool_counter"();

CREATE OR REPLACE VIEW "PoolFigures" AS
  SELECT "instanceTypeId",
    sum("available")::int AS "available", sum("allocated")::int AS "allocated", sum("baselining")::int AS "baselining",
    sum("isolated")::int AS "isolated", sum("quarantined")::int AS "quarantined", sum("retired")::int AS "retired",
    sum("committedInUse")::int AS "committedInUse", sum("onDemandInUse")::int AS "onDemandInUse",
    sum("pendingMaintenance")::int AS "pendingMaintenance", sum("pendingRetirement")::int AS "pendingRetirement"
  FROM "PoolCounter" GROUP BY "instanceTypeId";

-- Locks the pools, in one order (by id), before any client's or commitment's row: the order every writer
-- follows. Until the transaction ends, its counts go to the rows it holds.
CREATE OR REPLACE FUNCTION "lock_pools"(p_pools int[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('allocator.pools_locked', 'on', true);
  PERFORM 1 FROM "PoolCounter" pc WHERE pc."instanceTypeId" = ANY(p_pools) AND pc."shard" = 0 ORDER BY pc."instanceTypeId" FOR UPDATE;
END $$;

-- The row of a pool this transaction counts in.
CREATE OR REPLACE FUNCTION "counter_shard"() RETURNS smallint LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN current_setting('allocator.pools_locked', true) = 'on' THEN 0 ELSE 1 + pg_backend_pid() % 8 END::smallint
$$;

-- For a transaction about to change many servers in one statement (the import): its updates are counted
-- per statement rather than per row (a row updated N times in one transaction costs O(N²)).
CREATE OR REPLACE FUNCTION "count_in_bulk"() RETURNS void LANGUAGE sql AS $$
  SELECT set_config('allocator.counting', 'bulk', true);
$$;

-- Whether a server counts as pending maintenance (in an open maintenance, still allocated or in Back to Baseline:
-- it joins once released and wiped) and as pending retirement (marked to retire).
CREATE OR REPLACE FUNCTION "pending_maintenance"(p_status "ServerStatus", p_maintenance int) RETURNS int LANGUAGE sql IMMUTABLE AS $$
  SELECT (p_maintenance IS NOT NULL AND p_status IN ('allocated', 'baselining'))::int
$$;

-- A server that changes status, pool, maintenance or retirement mark: -1 where it was, +1 where it is (per row: the
-- commands change one server, or an order's few).
CREATE OR REPLACE FUNCTION "count_server_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "PoolCounter" pc SET
    "available" = pc."available" + (pc."instanceTypeId" = NEW."instanceTypeId" AND NEW."status" = 'available')::int - (pc."instanceTypeId" = OLD."instanceTypeId" AND OLD."status" = 'available')::int,
    "allocated" = pc."allocated" + (pc."instanceTypeId" = NEW."instanceTypeId" AND NEW."status" = 'allocated')::int - (pc."instanceTypeId" = OLD."instanceTypeId" AND OLD."status" = 'allocated')::int,
    "baselining" = pc."baselining" + (pc."instanceTypeId" = NEW."instanceTypeId" AND NEW."status" = 'baselining')::int - (pc."instanceTypeId" = OLD."instanceTypeId" AND OLD."status" = 'baselining')::int,
    "isolated" = pc."isolated" + (pc."instanceTypeId" = NEW."instanceTypeId" AND NEW."status" = 'isolated')::int - (pc."instanceTypeId" = OLD."instanceTypeId" AND OLD."status" = 'isolated')::int,
    "quarantined" = pc."quarantined" + (pc."instanceTypeId" = NEW."instanceTypeId" AND NEW."status" = 'quarantined')::int - (pc."instanceTypeId" = OLD."instanceTypeId" AND OLD."status" = 'quarantined')::int,
    "retired" = pc."retired" + (pc."instanceTypeId" = NEW."instanceTypeId" AND NEW."status" = 'retired')::int - (pc."instanceTypeId" = OLD."instanceTypeId" AND OLD."status" = 'retired')::int,
    "pendingMaintenance" = pc."pendingMaintenance" + (pc."instanceTypeId" = NEW."instanceTypeId")::int * "pending_maintenance"(NEW."status", NEW."maintenanceId")
      - (pc."instanceTypeId" = OLD."instanceTypeId")::int * "pending_maintenance"(OLD."status", OLD."maintenanceId"),
    "pendingRetirement" = pc."pendingRetirement" + (pc."instanceTypeId" = NEW."instanceTypeId" AND NEW."retiring")::int - (pc."instanceTypeId" = OLD."instanceTypeId" AND OLD."retiring")::int
  WHERE pc."instanceTypeId" IN (OLD."instanceTypeId", NEW."instanceTypeId") AND pc."shard" = "counter_shard"();
  RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER "Server_count_changed" AFTER UPDATE OF "status", "instanceTypeId", "maintenanceId", "retiring" ON "Server" FOR EACH ROW
  WHEN ((OLD."status", OLD."instanceTypeId", OLD."maintenanceId", OLD."retiring") IS DISTINCT FROM (NEW."status", NEW."instanceTypeId", NEW."maintenanceId", NEW."retiring")
    AND current_setting('allocator.counting', true) IS DISTINCT FROM 'bulk')
  EXECUTE FUNCTION "count_server_change"();

-- Servers written in bulk (inserted, deleted, or updated after count_in_bulk): +1 for each row as it is now,
-- -1 for each row as it was, each pool's row updated once per statement.
CREATE OR REPLACE FUNCTION "count_servers"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  pools int[];
  statuses text[];
  deltas int[];
  pending_flags int[];
  retiring_flags int[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg("instanceTypeId"), array_agg("status"::text), array_agg(1), array_agg("pending_maintenance"("status", "maintenanceId")), array_agg("retiring"::int)
      INTO pools, statuses, deltas, pending_flags, retiring_flags FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg("instanceTypeId"), array_agg("status"::text), array_agg(-1), array_agg("pending_maintenance"("status", "maintenanceId")), array_agg("retiring"::int)
      INTO pools, statuses, deltas, pending_flags, retiring_flags FROM old_rows;
  ELSE
    SELECT array_agg(pool), array_agg(status), array_agg(delta), array_agg(p), array_agg(m) INTO pools, statuses, deltas, pending_flags, retiring_flags FROM (
      SELECT "instanceTypeId" AS pool, "status"::text AS status, 1 AS delta, "pending_maintenance"("status", "maintenanceId") AS p, "retiring"::int AS m FROM new_rows
      UNION ALL SELECT "instanceTypeId", "status"::text, -1, "pending_maintenance"("status", "maintenanceId"), "retiring"::int FROM old_rows) AS changed;
  END IF;
  UPDATE "PoolCounter" pc SET
    "available" = pc."available" + d.available, "allocated" = pc."allocated" + d.allocated, "baselining" = pc."baselining" + d.baselining,
    "isolated" = pc."isolated" + d.isolated, "quarantined" = pc."quarantined" + d.quarantined, "retired" = pc."retired" + d.retired,
    "pendingMaintenance" = pc."pendingMaintenance" + d.pending_maintenance, "pendingRetirement" = pc."pendingRetirement" + d.pending_retirement
  FROM (
    SELECT pool,
      coalesce(sum(delta) FILTER (WHERE status = 'available'), 0) AS available, coalesce(sum(delta) FILTER (WHERE status = 'allocated'), 0) AS allocated,
      coalesce(sum(delta) FILTER (WHERE status = 'baselining'), 0) AS baselining, coalesce(sum(delta) FILTER (WHERE status = 'isolated'), 0) AS isolated,
      coalesce(sum(delta) FILTER (WHERE status = 'quarantined'), 0) AS quarantined, coalesce(sum(delta) FILTER (WHERE status = 'retired'), 0) AS retired,
      sum(delta * pending) AS pending_maintenance, sum(delta * marked) AS pending_retirement
    FROM unnest(pools, statuses, deltas, pending_flags, retiring_flags) AS change(pool, status, delta, pending, marked) GROUP BY pool
  ) d
  WHERE pc."instanceTypeId" = d.pool AND pc."shard" = "counter_shard"()
    AND (d.available, d.allocated, d.baselining, d.isolated, d.quarantined, d.retired, d.pending_maintenance, d.pending_retirement) <> (0, 0, 0, 0, 0, 0, 0, 0);
  RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER "Server_count_inserted" AFTER INSERT ON "Server" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "count_servers"();
CREATE OR REPLACE TRIGGER "Server_count_updated" AFTER UPDATE ON "Server" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
  WHEN (current_setting('allocator.counting', true) = 'bulk') EXECUTE FUNCTION "count_servers"();
CREATE OR REPLACE TRIGGER "Server_count_deleted" AFTER DELETE ON "Server" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "count_servers"();

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
    (gen_random_uuid(), 'server.isolated', p_server, old_audit, jsonb_build_object('server', "event_server"(old_server), 'command', 'replace',
      'from', 'allocated', 'to', 'isolated', 'actor', p_actor, 'subState', p_sub_state, 'reason', p_reason, 'operationUuid', p_operation,
      'allocation', "event_allocation"(ended), 'replacedBy', jsonb_build_object('serverId', spare, 'allocationId', started."id")), p_now),
    (gen_random_uuid(), 'server.allocated', spare, new_audit, jsonb_build_object('server', "event_server"(new_server), 'command', 'replace',
      'from', 'available', 'to', 'allocated', 'actor', p_actor, 'subState', NULL, 'reason', 'replaces server ' || p_server, 'operationUuid', p_operation,
      'allocation', "event_allocation"(started), 'replaces', jsonb_build_object('serverId', p_server, 'allocationId', ended."id")), p_now);

  IF p_key IS NOT NULL THEN
    INSERT INTO "IdempotencyKey" ("apiKeyId", "key", "requestHash", "allocationIds", "createdAt", "expiresAt")
    VALUES (p_api_key, p_key, p_request_hash, ARRAY[started."id"], p_now, p_key_expires);
  END IF;
  RETURN jsonb_build_object('replayed', false,
    'old', jsonb_build_object('server', to_jsonb(old_server), 'allocation', to_jsonb(ended)),
    'new', jsonb_build_object('server', to_jsonb(new_server), 'allocation', to_jsonb(started)));
END $$;

RESET check_function_bodies;

-- Invariants Prisma cannot express.
-- A server of an open maintenance is never Available: it is isolated in it, or joins it once released and wiped.
ALTER TABLE "Server" ADD CONSTRAINT "Server_maintenance_never_available" CHECK ("maintenanceId" IS NULL OR "status" <> 'available');
-- A mark to retire ends with the retirement.
ALTER TABLE "Server" ADD CONSTRAINT "Server_retired_not_marked" CHECK (NOT ("retiring" AND "status" = 'retired'));
-- A run is dispatched only while it goes on.
ALTER TABLE "Server" ADD CONSTRAINT "Server_dispatched_while_baselining" CHECK ("baselineDispatchedAt" IS NULL OR "status" = 'baselining');
-- The pacer reads the runs of a location.
CREATE INDEX "Server_baselining_idx" ON "Server" ("locationId", "baselineStartedAt", "id") WHERE "status" = 'baselining';

