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
