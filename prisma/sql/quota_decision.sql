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
