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
