-- The database code moves to prisma/sql/ (one file per concern), applied whole from here on.
-- allocate_servers answers what it asked of each quota and a code per refusal: its result columns change.
DROP FUNCTION "allocate_servers"(int, int, int, text, boolean, int, text, timestamp, text, int);

SET check_function_bodies = off;

-- prisma/sql/allocate_servers.sql
-- Allocate, in one round trip and one transaction: the decision (quota_assessment, which locks the pool's
-- counter and the client first), then the servers taken with SKIP LOCKED (the lowest ids, or round-robin
-- over racks), and the allocations, the servers' new state, an audit row and a server.allocated event each.
-- The transition is the lifecycle's available -> allocated (libs/lifecycle; test/db/allocate-servers.spec.ts
-- checks the two agree). Answers the refusal and the figures when it refuses (nothing written), else one
-- row per server taken. BUSY: the counters said there were enough servers, but other commands hold some.
CREATE OR REPLACE FUNCTION "allocate_servers"(p_location int, p_instance_type int, p_client int, p_contract text, p_overflow boolean,
  p_amount int, p_spread text, p_now timestamp, p_actor text, p_default_on_demand_limit int)
RETURNS TABLE (
  refusal text, requested_committed int, requested_on_demand int,
  location_exists boolean, instance_type_location int, client_exists boolean, on_demand_limit int, on_demand_used int,
  contract_client int, contract_starts timestamp, contract_ends timestamp, committed int, committed_used int, available int, reserved int,
  server jsonb, allocation jsonb)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  a record;
  refused text;
  picked int[];
BEGIN
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
      a.available, a.reserved, NULL::jsonb, NULL::jsonb;
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
    INSERT INTO "ServerEvent" ("serverId", "actor", "command", "fromStatus", "toStatus", "allocationId", "occurredAt")
    SELECT al."serverId", p_actor, 'allocate', 'available', 'allocated', al."id", p_now FROM allocations al
    RETURNING "id", "serverId"
  ), events AS (
    INSERT INTO "OutboxEvent" ("id", "type", "serverId", "serverEventId", "payload", "occurredAt")
    SELECT gen_random_uuid(), 'server.allocated', s."id", au."id",
      jsonb_build_object('server', "event_server"(s::"Server"), 'command', 'allocate', 'from', 'available', 'to', 'allocated', 'actor', p_actor,
        'subState', NULL, 'reason', NULL, 'operationUuid', NULL, 'allocation', "event_allocation"(al::"Allocation")), p_now
    FROM servers s JOIN allocations al ON al."serverId" = s."id" JOIN audits au ON au."serverId" = s."id" JOIN taken t ON t."id" = s."id"
    ORDER BY t.n
  )
  SELECT NULL::text, NULL::int, NULL::int, NULL::boolean, NULL::int, NULL::boolean, NULL::int, NULL::int, NULL::int, NULL::timestamp,
    NULL::timestamp, NULL::int, NULL::int, NULL::int, NULL::int, to_jsonb(s), to_jsonb(al)
  FROM servers s JOIN allocations al ON al."serverId" = s."id" JOIN taken t ON t."id" = s."id" ORDER BY t.n;
END $$;

-- prisma/sql/allocation_counters.sql
-- Open allocations by pool and quota (PoolCounter), by client (on-demand, Client.onDemandInUse) and by
-- commitment (committed, ContractCommitment.inUse), kept by the database in the transaction of every write
-- of an allocation. Writers lock a pool's counter before a client's or a commitment's row (docs/allocation-engine.md).

-- A commitment written anew (the import replaces a contract's commitments) starts from what is in use.
CREATE OR REPLACE FUNCTION "count_commitment_in_use"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."inUse" := (SELECT count(*) FROM "Allocation" a
    WHERE a."contractId" = NEW."contractId" AND a."instanceTypeId" = NEW."instanceTypeId" AND a."endedAt" IS NULL AND a."quota" = 'COMMITTED');
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "ContractCommitment_in_use" BEFORE INSERT ON "ContractCommitment" FOR EACH ROW EXECUTE FUNCTION "count_commitment_in_use"();

-- A commitment or an on-demand limit is never charged beyond itself: the database refuses the overshoot
-- when allocations are added (not as a CHECK: staff may lower a figure below what is in use, and
-- nothing is taken away from the client then).
CREATE OR REPLACE FUNCTION "count_allocations"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  pools int[];
  clients int[];
  contracts text[];
  quotas text[];
  deltas int[];
  overshoots int;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg("instanceTypeId"), array_agg("clientId"), array_agg("contractId"), array_agg("quota"::text), array_agg(1)
      INTO pools, clients, contracts, quotas, deltas FROM new_rows WHERE "endedAt" IS NULL;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg("instanceTypeId"), array_agg("clientId"), array_agg("contractId"), array_agg("quota"::text), array_agg(-1)
      INTO pools, clients, contracts, quotas, deltas FROM old_rows WHERE "endedAt" IS NULL;
  ELSE
    SELECT array_agg(pool), array_agg(client), array_agg(contract), array_agg(quota), array_agg(delta) INTO pools, clients, contracts, quotas, deltas FROM (
      SELECT "instanceTypeId" AS pool, "clientId" AS client, "contractId" AS contract, "quota"::text AS quota, 1 AS delta FROM new_rows WHERE "endedAt" IS NULL
      UNION ALL SELECT "instanceTypeId", "clientId", "contractId", "quota"::text, -1 FROM old_rows WHERE "endedAt" IS NULL) AS changed;
  END IF;
  IF pools IS NULL THEN
    RETURN NULL;
  END IF;

  UPDATE "PoolCounter" pc SET "committedInUse" = pc."committedInUse" + d.committed, "onDemandInUse" = pc."onDemandInUse" + d.on_demand
  FROM (
    SELECT pool, coalesce(sum(delta) FILTER (WHERE quota = 'COMMITTED'), 0) AS committed, coalesce(sum(delta) FILTER (WHERE quota = 'ON_DEMAND'), 0) AS on_demand
    FROM unnest(pools, quotas, deltas) AS change(pool, quota, delta) GROUP BY pool
  ) d
  WHERE pc."instanceTypeId" = d.pool AND (d.committed, d.on_demand) <> (0, 0);

  WITH charged AS (
    UPDATE "Client" c SET "onDemandInUse" = c."onDemandInUse" + d.n
    FROM (SELECT client, sum(delta) AS n FROM unnest(clients, quotas, deltas) AS change(client, quota, delta) WHERE quota = 'ON_DEMAND' GROUP BY client HAVING sum(delta) <> 0) d
    WHERE c."id" = d.client
    RETURNING d.n, c."onDemandInUse", c."onDemandLimit"
  )
  SELECT count(*) INTO overshoots FROM charged WHERE n > 0 AND "onDemandInUse" > "onDemandLimit";
  IF overshoots > 0 THEN
    RAISE EXCEPTION 'An on-demand allocation would take a client beyond its on-demand limit' USING ERRCODE = 'check_violation', CONSTRAINT = 'Client_onDemandInUse_within_limit';
  END IF;

  WITH charged AS (
    UPDATE "ContractCommitment" cc SET "inUse" = cc."inUse" + d.n
    FROM (SELECT contract, pool, sum(delta) AS n FROM unnest(contracts, pools, quotas, deltas) AS change(contract, pool, quota, delta)
          WHERE quota = 'COMMITTED' GROUP BY contract, pool HAVING sum(delta) <> 0) d
    WHERE cc."contractId" = d.contract AND cc."instanceTypeId" = d.pool
    RETURNING d.n, cc."inUse", cc."quantity"
  )
  SELECT count(*) INTO overshoots FROM charged WHERE n > 0 AND "inUse" > "quantity";
  IF overshoots > 0 THEN
    RAISE EXCEPTION 'A committed allocation would charge a contract beyond its commitment' USING ERRCODE = 'check_violation', CONSTRAINT = 'ContractCommitment_inUse_within_quantity';
  END IF;
  RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER "Allocation_count_inserted" AFTER INSERT ON "Allocation" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "count_allocations"();
CREATE OR REPLACE TRIGGER "Allocation_count_updated" AFTER UPDATE ON "Allocation" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "count_allocations"();
CREATE OR REPLACE TRIGGER "Allocation_count_deleted" AFTER DELETE ON "Allocation" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "count_allocations"();

-- prisma/sql/contract_validity.sql
-- When a contract is valid: from its start (inclusive) to its end (exclusive), or for good when it has
-- no end. Every SQL statement asks this function; the TypeScript form (libs/contracts/src/contract-validity.ts)
-- exists for rows read through Prisma, and test/db/contract-validity.spec.ts proves the two agree.
CREATE OR REPLACE FUNCTION "contract_valid_at"(starts_at timestamp, ends_at timestamp, at timestamp)
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT starts_at <= at AND (ends_at IS NULL OR ends_at > at)
$$;

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

CREATE OR REPLACE FUNCTION "deliver_to_hooks"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "HookDelivery" ("hookId", "eventId", "serverId", "sequence")
  SELECT h."id", e."id", e."serverId", e."sequence"
  FROM new_events e JOIN "Hook" h ON h."enabled" AND (cardinality(h."eventTypes") = 0 OR e."type" = ANY(h."eventTypes"));
  RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER "OutboxEvent_deliveries" AFTER INSERT ON "OutboxEvent" REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION "deliver_to_hooks"();

-- prisma/sql/pool_counters.sql
-- The figures of each pool (PoolCounter), kept by the database in the transaction of every write of a
-- server, so that a quota decision reads one row however large the fleet. One column per server status
-- (libs/lifecycle SERVER_STATUSES; test/db/server-statuses.spec.ts checks they agree).

-- Every pool has its counter row from the start: allocations lock it.
CREATE OR REPLACE FUNCTION "create_pool_counter"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "PoolCounter" ("instanceTypeId") VALUES (NEW."id");
  RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER "InstanceType_pool_counter" AFTER INSERT ON "InstanceType" FOR EACH ROW EXECUTE FUNCTION "create_pool_counter"();

-- Servers by status and pool: +1 for each row as it is now, -1 for each row as it was (statement-level
-- triggers, so that a bulk import updates each pool's row once).
CREATE OR REPLACE FUNCTION "count_servers"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  pools int[];
  statuses text[];
  deltas int[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg("instanceTypeId"), array_agg("status"::text), array_agg(1) INTO pools, statuses, deltas FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg("instanceTypeId"), array_agg("status"::text), array_agg(-1) INTO pools, statuses, deltas FROM old_rows;
  ELSE
    SELECT array_agg(pool), array_agg(status), array_agg(delta) INTO pools, statuses, deltas FROM (
      SELECT "instanceTypeId" AS pool, "status"::text AS status, 1 AS delta FROM new_rows
      UNION ALL SELECT "instanceTypeId", "status"::text, -1 FROM old_rows) AS changed;
  END IF;
  UPDATE "PoolCounter" pc SET
    "available" = pc."available" + d.available, "allocated" = pc."allocated" + d.allocated, "baselining" = pc."baselining" + d.baselining,
    "isolated" = pc."isolated" + d.isolated, "quarantined" = pc."quarantined" + d.quarantined, "retired" = pc."retired" + d.retired
  FROM (
    SELECT pool,
      coalesce(sum(delta) FILTER (WHERE status = 'available'), 0) AS available, coalesce(sum(delta) FILTER (WHERE status = 'allocated'), 0) AS allocated,
      coalesce(sum(delta) FILTER (WHERE status = 'baselining'), 0) AS baselining, coalesce(sum(delta) FILTER (WHERE status = 'isolated'), 0) AS isolated,
      coalesce(sum(delta) FILTER (WHERE status = 'quarantined'), 0) AS quarantined, coalesce(sum(delta) FILTER (WHERE status = 'retired'), 0) AS retired
    FROM unnest(pools, statuses, deltas) AS change(pool, status, delta) GROUP BY pool
  ) d
  WHERE pc."instanceTypeId" = d.pool AND (d.available, d.allocated, d.baselining, d.isolated, d.quarantined, d.retired) <> (0, 0, 0, 0, 0, 0);
  RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER "Server_count_inserted" AFTER INSERT ON "Server" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "count_servers"();
CREATE OR REPLACE TRIGGER "Server_count_updated" AFTER UPDATE ON "Server" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "count_servers"();
CREATE OR REPLACE TRIGGER "Server_count_deleted" AFTER DELETE ON "Server" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "count_servers"();

-- prisma/sql/quota_assessment.sql
-- The whole decision on a request, as allocate takes it and the quota check reports it: the references
-- (an error code per missing one), the contract (another client's, or not valid at p_now), then the quota
-- rules (quota_decision) on the figures (quota_figures: locked with p_lock, for allocate; lock-free for the check).
-- Answers the refusal's error code (null: allowed), what is asked of each quota, and the figures, from which
-- libs/quota/src/quota-refusals.ts words a refusal. on_demand_limit is the client's, or p_default_on_demand_limit.
CREATE OR REPLACE FUNCTION "quota_assessment"(p_location int, p_instance_type int, p_client int, p_contract text, p_overflow boolean,
  p_amount int, p_now timestamp, p_default_on_demand_limit int, p_lock boolean)
RETURNS TABLE (
  refusal text, requested_committed int, requested_on_demand int,
  location_exists boolean, instance_type_location int, client_exists boolean, on_demand_limit int, on_demand_used int,
  contract_client int, contract_starts timestamp, contract_ends timestamp, committed int, committed_used int, available int, reserved int)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  f record;
  decided record;
BEGIN
  SELECT * INTO f FROM "quota_figures"(p_location, p_instance_type, p_client, p_contract, p_now, p_lock) q;
  on_demand_limit := coalesce(f.on_demand_limit, p_default_on_demand_limit);
  SELECT * INTO decided FROM "quota_decision"(p_amount, p_overflow, p_contract IS NOT NULL, coalesce(f.committed, 0), coalesce(f.committed_used, 0),
    on_demand_limit, f.on_demand_used, f.available, f.reserved) d;
  refusal := CASE
    WHEN NOT f.location_exists THEN 'LOCATION_NOT_FOUND'
    WHEN f.instance_type_location IS DISTINCT FROM p_location THEN 'INSTANCE_TYPE_NOT_FOUND'
    WHEN NOT f.client_exists THEN 'CLIENT_NOT_FOUND'
    WHEN p_contract IS NOT NULL AND f.contract_client IS NULL THEN 'CONTRACT_NOT_FOUND'
    WHEN p_contract IS NOT NULL AND f.contract_client <> p_client THEN 'CONTRACT_OF_ANOTHER_CLIENT'
    WHEN p_contract IS NOT NULL AND NOT "contract_valid_at"(f.contract_starts, f.contract_ends, p_now) THEN 'CONTRACT_NOT_ACTIVE'
    ELSE decided.refusal END;
  requested_committed := decided.charged_committed; requested_on_demand := decided.charged_on_demand;
  location_exists := f.location_exists; instance_type_location := f.instance_type_location; client_exists := f.client_exists;
  on_demand_used := f.on_demand_used; contract_client := f.contract_client; contract_starts := f.contract_starts;
  contract_ends := f.contract_ends; committed := f.committed; committed_used := f.committed_used;
  available := f.available; reserved := f.reserved;
  RETURN NEXT;
END $$;

-- prisma/sql/quota_decision.sql
-- The quota rules (seeds 000 and 003), in the one place they are decided: which quota each server of a
-- request for `amount` servers is charged to, exactly as single allocations one after another would be,
-- or the first rule the request breaks. The named contract's commitment is charged while it lasts; then,
-- with `overflow`, or when no contract is named, the client's on-demand quota, which may only take
-- servers no contract has reserved. A committed allocation may take any Available server.
-- Answers the refusal's error code (null: allowed) and what is asked of each quota. allocate and the quota
-- check both ask it (quota_assessment.sql); libs/quota/src/quota-refusals.ts words its refusals;
-- test/db/quota-decision.spec.ts runs it against a table of cases and, on random figures, an oracle.
CREATE OR REPLACE FUNCTION "quota_decision"(amount int, overflow boolean, has_contract boolean, committed int, used int,
  on_demand_limit int, on_demand_used int, available int, reserved int)
RETURNS TABLE (refusal text, charged_committed int, charged_on_demand int) LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
      WHEN has_contract AND NOT overflow AND used + amount > committed THEN 'QUOTA_EXCEEDED'
      WHEN asked.of_on_demand > 0 AND on_demand_used + asked.of_on_demand > on_demand_limit THEN 'QUOTA_EXCEEDED'
      WHEN asked.of_on_demand = 0 AND available < amount THEN 'NO_CAPACITY'
      -- Each on-demand server leaves the Available servers covering what contracts reserve; the committed
      -- servers of this request use up their part of that reserve.
      WHEN asked.of_on_demand > 0 AND available - amount < reserved - asked.of_contract THEN 'NO_CAPACITY'
    END, asked.of_contract, asked.of_on_demand
  FROM (SELECT split.of_contract, amount - split.of_contract AS of_on_demand FROM (SELECT CASE
      WHEN NOT has_contract THEN 0
      WHEN NOT overflow THEN amount
      ELSE LEAST(amount, GREATEST(committed - used, 0)) END AS of_contract) AS split) AS asked
$$;

-- prisma/sql/quota_figures.sql
-- The figures a quota decision reads, each in O(1) from the counters (pool_counters.sql, allocation_counters.sql).

-- What the contracts valid at p_now commit in a pool, and of that what is not taken yet: the capacity
-- on-demand must leave alone (the quota decision and the capacity report read it).
CREATE OR REPLACE FUNCTION "pool_commitments"(p_instance_type int, p_now timestamp)
RETURNS TABLE (committed int, reserved int) LANGUAGE sql STABLE AS $$
  SELECT coalesce(sum(cc."quantity"), 0)::int, coalesce(sum(GREATEST(cc."quantity" - cc."inUse", 0)), 0)::int
  FROM "ContractCommitment" cc JOIN "Contract" k ON k."contractId" = cc."contractId"
  WHERE cc."instanceTypeId" = p_instance_type AND "contract_valid_at"(k."startsAt", k."endsAt", p_now)
$$;

-- Whether a request's references exist, and the figures of the pool, the client and the contract, in one
-- round trip. With p_lock it first locks the pool's counter, then the client (the order every writer
-- follows), so that the figures stay true until the caller's transaction commits.
CREATE OR REPLACE FUNCTION "quota_figures"(p_location int, p_instance_type int, p_client int, p_contract text, p_now timestamp, p_lock boolean)
RETURNS TABLE (
  location_exists boolean, instance_type_location int, client_exists boolean, on_demand_limit int, on_demand_used int,
  contract_client int, contract_starts timestamp, contract_ends timestamp, committed int, committed_used int, available int, reserved int)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  IF p_lock THEN
    PERFORM 1 FROM "PoolCounter" pc WHERE pc."instanceTypeId" = p_instance_type FOR UPDATE;
    PERFORM 1 FROM "Client" cl WHERE cl."id" = p_client FOR NO KEY UPDATE;
  END IF;
  RETURN QUERY SELECT
    EXISTS (SELECT 1 FROM "Location" l WHERE l."id" = p_location),
    (SELECT it."locationId" FROM "InstanceType" it WHERE it."id" = p_instance_type),
    cl."id" IS NOT NULL, cl."onDemandLimit", coalesce(cl."onDemandInUse", 0),
    k."clientId", k."startsAt", k."endsAt", cc."quantity", cc."inUse",
    coalesce(pc."available", 0),
    (SELECT pcm.reserved FROM "pool_commitments"(p_instance_type, p_now) pcm)
  FROM (SELECT 1) AS one
  LEFT JOIN "Client" cl ON cl."id" = p_client
  LEFT JOIN "Contract" k ON k."contractId" = p_contract
  LEFT JOIN "ContractCommitment" cc ON cc."contractId" = p_contract AND cc."instanceTypeId" = p_instance_type
  LEFT JOIN "PoolCounter" pc ON pc."instanceTypeId" = p_instance_type;
END $$;

RESET check_function_bodies;
