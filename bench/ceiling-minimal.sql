-- bench/ceiling.sql on the minimal schema (bench/minimal-schema.sql): the same three transactions, the same
-- reads, locks and writes, on tables that keep no counters and fire no triggers.
\set pool random(0, :pools - 1)
\set client random(0, :clients - 1)
\set it :first_pool + :pool
\set cid 1 + :client

BEGIN;
SELECT 1 FROM minimal.pool WHERE id = :it FOR UPDATE;
SELECT on_demand_in_use FROM minimal.client WHERE id = :cid FOR NO KEY UPDATE;
SELECT cc.quantity - cc.in_use AS free,
  (SELECT sum(GREATEST(c2.quantity - c2.in_use, 0)) FROM minimal.commitment c2 JOIN minimal.contract k ON k.id = c2.contract_id
   WHERE c2.pool_id = :it AND k.starts_at <= now() AND (k.ends_at IS NULL OR k.ends_at > now())) AS reserved
FROM minimal.commitment cc WHERE cc.contract_id = 'BENCH-' || :cid AND cc.pool_id = :it \gset
SELECT id AS server_id FROM minimal.server WHERE location_id = :location AND pool_id = :it AND status = 'available' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED \gset
WITH allocation AS (
  INSERT INTO minimal.allocation (server_id, client_id, location_id, pool_id, quota, contract_id)
  VALUES (:server_id, :cid, :location, :it, CASE WHEN :free > 0 THEN 'COMMITTED' ELSE 'ON_DEMAND' END, CASE WHEN :free > 0 THEN 'BENCH-' || :cid END)
  RETURNING id
), server AS (
  UPDATE minimal.server SET status = 'allocated', current_allocation_id = (SELECT id FROM allocation), version = version + 1, updated_at = now() WHERE id = :server_id
), audit AS (
  INSERT INTO minimal.server_event (server_id, actor, command, from_status, to_status, allocation_id)
  SELECT :server_id, 'ceiling', 'allocate', 'available', 'allocated', id FROM allocation RETURNING id
)
INSERT INTO minimal.outbox_event (id, type, server_id, server_event_id, payload)
SELECT gen_random_uuid(), 'server.allocated', :server_id, id, '{"server":{"id":0}}' FROM audit;
COMMIT;

BEGIN;
SELECT current_allocation_id AS allocation_id FROM minimal.server WHERE id = :server_id FOR UPDATE \gset
WITH server AS (
  UPDATE minimal.server SET status = 'baselining', current_allocation_id = NULL, baseline_started_at = now(), baseline_id = gen_random_uuid(), version = version + 1, updated_at = now() WHERE id = :server_id
), allocation AS (
  UPDATE minimal.allocation SET ended_at = now(), ended_by = 'RELEASED' WHERE id = :allocation_id
), audit AS (
  INSERT INTO minimal.server_event (server_id, actor, command, from_status, to_status, allocation_id)
  VALUES (:server_id, 'ceiling', 'deallocate', 'allocated', 'baselining', :allocation_id) RETURNING id
)
INSERT INTO minimal.outbox_event (id, type, server_id, server_event_id, payload)
SELECT gen_random_uuid(), t, :server_id, audit.id, '{"server":{"id":0}}' FROM audit, unnest(ARRAY['server.deallocated', 'server.baseline.requested']) AS t;
COMMIT;

BEGIN;
SELECT status FROM minimal.server WHERE id = :server_id FOR UPDATE;
WITH server AS (
  UPDATE minimal.server SET status = 'available', baseline_started_at = NULL, baseline_id = NULL, version = version + 1, updated_at = now() WHERE id = :server_id
), audit AS (
  INSERT INTO minimal.server_event (server_id, actor, command, from_status, to_status)
  VALUES (:server_id, 'ceiling', 'available', 'baselining', 'available') RETURNING id
)
INSERT INTO minimal.outbox_event (id, type, server_id, server_event_id, payload)
SELECT gen_random_uuid(), 'server.available', :server_id, id, '{"server":{"id":0}}' FROM audit;
COMMIT;
