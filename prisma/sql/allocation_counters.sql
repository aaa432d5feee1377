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
