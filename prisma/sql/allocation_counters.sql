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
