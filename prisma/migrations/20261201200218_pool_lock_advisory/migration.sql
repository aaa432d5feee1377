SET check_function_bodies = off;

-- prisma/sql/pool_counters.sql
-- The figures of each pool, kept by the database in the transaction of every write of a server, so that a
-- quota decision reads a few rows however large the fleet. One column per server status (libs/lifecycle
-- SERVER_STATUSES; test/db/server-statuses.spec.ts checks they agree).
--
-- A pool's figures are the sum of its rows in PoolCounter (the view PoolFigures). Allocations take the pool's
-- lock (lock_pools), and a transaction that holds it counts in row 0, which no one else writes. The other writers
-- count in one of the rows 1-8, chosen by their session, so that releasing a server never waits for an allocation
-- in its pool, nor two releases for each other (docs/benchmarks.md has the figures of the alternatives).
-- Rows 1-8 may go below zero; their sum cannot, and `admin db check` compares it with a recount.

-- Every pool has its rows from the start.
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
-- follows. Until the transaction ends, its counts go to row 0. An advisory lock per pool (keyed by PoolCounter's
-- oid and the pool's id), held until the transaction ends: in a pool every caller wants, allocations queue on it,
-- and handing it over costs less than a row lock's (docs/benchmarks.md: the ceiling in one pool at 32 callers went
-- from 0.59 to 0.83-0.87 of the same with its triggers disabled).
CREATE OR REPLACE FUNCTION "lock_pools"(p_pools int[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  pool int;
BEGIN
  PERFORM set_config('allocator.pools_locked', 'on', true);
  FOR pool IN SELECT DISTINCT p FROM unnest(p_pools) AS p ORDER BY p LOOP
    PERFORM pg_advisory_xact_lock('"PoolCounter"'::regclass::int, pool);
  END LOOP;
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

RESET check_function_bodies;
