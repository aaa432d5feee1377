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
