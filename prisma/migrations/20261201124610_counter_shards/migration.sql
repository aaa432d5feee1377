-- Counters in shards (prisma/sql/pool_counters.sql): a pool's figures are the sum of its rows; the old
-- statement-level triggers of allocations and deliveries give way to row-level ones.
DROP TRIGGER "Allocation_count_inserted" ON "Allocation";
DROP TRIGGER "Allocation_count_updated" ON "Allocation";
DROP TRIGGER "Allocation_count_deleted" ON "Allocation";
DROP FUNCTION "count_allocations"();
DROP TRIGGER "OutboxEvent_deliveries" ON "OutboxEvent";
-- A shard may go below zero (a server allocated in shard 0, released in shard 3); the sums cannot, and the
-- invariants compare them with a recount.
ALTER TABLE "PoolCounter" DROP CONSTRAINT "PoolCounter_not_negative";

-- AlterTable
ALTER TABLE "PoolCounter" DROP CONSTRAINT "PoolCounter_pkey",
ADD COLUMN     "shard" SMALLINT NOT NULL DEFAULT 0,
ADD CONSTRAINT "PoolCounter_pkey" PRIMARY KEY ("instanceTypeId", "shard");

-- The existing rows become shard 0; every pool gets its shards 1-8.
INSERT INTO "PoolCounter" ("instanceTypeId", "shard") SELECT pc."instanceTypeId", s.n FROM "PoolCounter" pc, generate_series(1, 8) AS s(n);

SET check_function_bodies = off;

-- prisma/sql/allocation_counters.sql
-- Open allocations by pool and quota (PoolCounter), by client (on-demand, Client.onDemandInUse) and by
-- commitment (committed, ContractCommitment.inUse), kept by the database in the transaction of every write
-- of an allocation, in the row of the pool this transaction counts in (counter_shard, pool_counters.sql).

-- A commitment written anew (the import replaces a contract's commitments) starts from what is in use.
CREATE OR REPLACE FUNCTION "count_commitment_in_use"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."inUse" := (SELECT count(*) FROM "Allocation" a
    WHERE a."contractId" = NEW."contractId" AND a."instanceTypeId" = NEW."instanceTypeId" AND a."endedAt" IS NULL AND a."quota" = 'COMMITTED');
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "ContractCommitment_in_use" BEFORE INSERT ON "ContractCommitment" FOR EACH ROW EXECUTE FUNCTION "count_commitment_in_use"();

-- A commitment or an on-demand limit is never charged beyond itself: the database refuses the overshoot
-- when an allocation is added (not as a CHECK: staff may lower a figure below what is in use, and
-- nothing is taken away from the client then). Per row: an order writes at most a thousand allocations.
CREATE OR REPLACE FUNCTION "count_allocation_change"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  used int;
  most int;
BEGIN
  IF TG_OP <> 'INSERT' AND OLD."endedAt" IS NULL THEN
    UPDATE "PoolCounter" pc SET "committedInUse" = pc."committedInUse" - (OLD."quota" = 'COMMITTED')::int, "onDemandInUse" = pc."onDemandInUse" - (OLD."quota" = 'ON_DEMAND')::int
    WHERE pc."instanceTypeId" = OLD."instanceTypeId" AND pc."shard" = "counter_shard"();
    IF OLD."quota" = 'ON_DEMAND' THEN
      UPDATE "Client" c SET "onDemandInUse" = c."onDemandInUse" - 1 WHERE c."id" = OLD."clientId";
    ELSE
      UPDATE "ContractCommitment" cc SET "inUse" = cc."inUse" - 1 WHERE cc."contractId" = OLD."contractId" AND cc."instanceTypeId" = OLD."instanceTypeId";
    END IF;
  END IF;
  IF TG_OP <> 'DELETE' AND NEW."endedAt" IS NULL THEN
    UPDATE "PoolCounter" pc SET "committedInUse" = pc."committedInUse" + (NEW."quota" = 'COMMITTED')::int, "onDemandInUse" = pc."onDemandInUse" + (NEW."quota" = 'ON_DEMAND')::int
    WHERE pc."instanceTypeId" = NEW."instanceTypeId" AND pc."shard" = "counter_shard"();
    IF NEW."quota" = 'ON_DEMAND' THEN
      UPDATE "Client" c SET "onDemandInUse" = c."onDemandInUse" + 1 WHERE c."id" = NEW."clientId" RETURNING c."onDemandInUse", c."onDemandLimit" INTO used, most;
      IF used > most THEN
        RAISE EXCEPTION 'An on-demand allocation would take a client beyond its on-demand limit' USING ERRCODE = 'check_violation', CONSTRAINT = 'Client_onDemandInUse_within_limit';
      END IF;
    ELSE
      UPDATE "ContractCommitment" cc SET "inUse" = cc."inUse" + 1 WHERE cc."contractId" = NEW."contractId" AND cc."instanceTypeId" = NEW."instanceTypeId"
      RETURNING cc."inUse", cc."quantity" INTO used, most;
      IF used > most THEN
        RAISE EXCEPTION 'A committed allocation would charge a contract beyond its commitment' USING ERRCODE = 'check_violation', CONSTRAINT = 'ContractCommitment_inUse_within_quantity';
      END IF;
    END IF;
  END IF;
  RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER "Allocation_counted" AFTER INSERT OR DELETE ON "Allocation" FOR EACH ROW EXECUTE FUNCTION "count_allocation_change"();
CREATE OR REPLACE TRIGGER "Allocation_count_changed" AFTER UPDATE ON "Allocation" FOR EACH ROW
  WHEN ((OLD."endedAt" IS NULL) <> (NEW."endedAt" IS NULL)
    OR (OLD."quota", OLD."contractId", OLD."clientId", OLD."instanceTypeId") IS DISTINCT FROM (NEW."quota", NEW."contractId", NEW."clientId", NEW."instanceTypeId"))
  EXECUTE FUNCTION "count_allocation_change"();

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
  SELECT h."id", NEW."id", NEW."serverId", NEW."sequence"
  FROM "Hook" h WHERE h."enabled" AND (cardinality(h."eventTypes") = 0 OR NEW."type" = ANY(h."eventTypes"));
  RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER "OutboxEvent_delivered" AFTER INSERT ON "OutboxEvent" FOR EACH ROW EXECUTE FUNCTION "deliver_to_hooks"();

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
    sum("committedInUse")::int AS "committedInUse", sum("onDemandInUse")::int AS "onDemandInUse"
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

-- A server that changes status or pool: -1 where it was, +1 where it is (per row: the commands change one
-- server, or an order's few).
CREATE OR REPLACE FUNCTION "count_server_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "PoolCounter" pc SET
    "available" = pc."available" + (pc."instanceTypeId" = NEW."instanceTypeId" AND NEW."status" = 'available')::int - (pc."instanceTypeId" = OLD."instanceTypeId" AND OLD."status" = 'available')::int,
    "allocated" = pc."allocated" + (pc."instanceTypeId" = NEW."instanceTypeId" AND NEW."status" = 'allocated')::int - (pc."instanceTypeId" = OLD."instanceTypeId" AND OLD."status" = 'allocated')::int,
    "baselining" = pc."baselining" + (pc."instanceTypeId" = NEW."instanceTypeId" AND NEW."status" = 'baselining')::int - (pc."instanceTypeId" = OLD."instanceTypeId" AND OLD."status" = 'baselining')::int,
    "isolated" = pc."isolated" + (pc."instanceTypeId" = NEW."instanceTypeId" AND NEW."status" = 'isolated')::int - (pc."instanceTypeId" = OLD."instanceTypeId" AND OLD."status" = 'isolated')::int,
    "quarantined" = pc."quarantined" + (pc."instanceTypeId" = NEW."instanceTypeId" AND NEW."status" = 'quarantined')::int - (pc."instanceTypeId" = OLD."instanceTypeId" AND OLD."status" = 'quarantined')::int,
    "retired" = pc."retired" + (pc."instanceTypeId" = NEW."instanceTypeId" AND NEW."status" = 'retired')::int - (pc."instanceTypeId" = OLD."instanceTypeId" AND OLD."status" = 'retired')::int
  WHERE pc."instanceTypeId" IN (OLD."instanceTypeId", NEW."instanceTypeId") AND pc."shard" = "counter_shard"();
  RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER "Server_count_changed" AFTER UPDATE OF "status", "instanceTypeId" ON "Server" FOR EACH ROW
  WHEN ((OLD."status", OLD."instanceTypeId") IS DISTINCT FROM (NEW."status", NEW."instanceTypeId") AND current_setting('allocator.counting', true) IS DISTINCT FROM 'bulk')
  EXECUTE FUNCTION "count_server_change"();

-- Servers written in bulk (inserted, deleted, or updated after count_in_bulk): +1 for each row as it is now,
-- -1 for each row as it was, each pool's row updated once per statement.
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
  WHERE pc."instanceTypeId" = d.pool AND pc."shard" = "counter_shard"()
    AND (d.available, d.allocated, d.baselining, d.isolated, d.quarantined, d.retired) <> (0, 0, 0, 0, 0, 0);
  RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER "Server_count_inserted" AFTER INSERT ON "Server" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "count_servers"();
CREATE OR REPLACE TRIGGER "Server_count_updated" AFTER UPDATE ON "Server" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
  WHEN (current_setting('allocator.counting', true) = 'bulk') EXECUTE FUNCTION "count_servers"();
CREATE OR REPLACE TRIGGER "Server_count_deleted" AFTER DELETE ON "Server" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "count_servers"();

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
-- round trip. With p_lock it first locks the pool (lock_pools), then the client (the order every writer
-- follows), so that the figures stay true until the caller's transaction commits.
CREATE OR REPLACE FUNCTION "quota_figures"(p_location int, p_instance_type int, p_client int, p_contract text, p_now timestamp, p_lock boolean)
RETURNS TABLE (
  location_exists boolean, instance_type_location int, client_exists boolean, on_demand_limit int, on_demand_used int,
  contract_client int, contract_starts timestamp, contract_ends timestamp, committed int, committed_used int, available int, reserved int)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  IF p_lock THEN
    PERFORM "lock_pools"(ARRAY[p_instance_type]);
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
  LEFT JOIN "PoolFigures" pc ON pc."instanceTypeId" = p_instance_type;
END $$;

RESET check_function_bodies;
