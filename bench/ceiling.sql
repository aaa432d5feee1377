-- The raw-SQL ceiling of one allocate -> de-allocate -> available cycle: the same three transactions
-- the service runs, written directly against the schema, as pgbench runs them (bench/allocation.js
-- runs the same file through `pg` where pgbench is not installed).
-- Variables set by the driver: :pools, :clients, :first_pool (first instance type id), :location.
\set pool random(0, :pools - 1)
\set client random(0, :clients - 1)
\set it :first_pool + :pool
\set cid 1 + :client

BEGIN;
SELECT "lock_pools"(ARRAY[:it]::int[]);
SELECT "onDemandInUse" FROM "Client" WHERE "id" = :cid FOR NO KEY UPDATE;
SELECT cc."quantity" - cc."inUse" AS free,
  (SELECT sum(GREATEST(c2."quantity" - c2."inUse", 0)) FROM "ContractCommitment" c2 JOIN "Contract" k ON k."contractId" = c2."contractId"
   WHERE c2."instanceTypeId" = :it AND k."startsAt" <= now() AND (k."endsAt" IS NULL OR k."endsAt" > now())) AS reserved
FROM "ContractCommitment" cc WHERE cc."contractId" = 'BENCH-' || :cid AND cc."instanceTypeId" = :it \gset
SELECT "id" AS server_id FROM "Server" WHERE "locationId" = :location AND "instanceTypeId" = :it AND "status" = 'available' ORDER BY "id" LIMIT 1 FOR UPDATE SKIP LOCKED \gset
WITH allocation AS (
  INSERT INTO "Allocation" ("serverId", "clientId", "locationId", "instanceTypeId", "quota", "contractId")
  VALUES (:server_id, :cid, :location, :it, CASE WHEN :free > 0 THEN 'COMMITTED' ELSE 'ON_DEMAND' END::"QuotaKind", CASE WHEN :free > 0 THEN 'BENCH-' || :cid END)
  RETURNING "id"
), server AS (
  UPDATE "Server" SET "status" = 'allocated', "currentAllocationId" = (SELECT "id" FROM allocation), "version" = "version" + 1, "updatedAt" = now() WHERE "id" = :server_id
), audit AS (
  INSERT INTO "ServerEvent" ("serverId", "actor", "command", "fromStatus", "toStatus", "allocationId")
  SELECT :server_id, 'ceiling', 'allocate', 'available', 'allocated', "id" FROM allocation RETURNING "id"
)
INSERT INTO "OutboxEvent" ("id", "type", "serverId", "serverEventId", "payload")
SELECT gen_random_uuid(), 'server.allocated', :server_id, "id", '{"server":{"id":0}}' FROM audit;
COMMIT;

BEGIN;
SELECT "currentAllocationId" AS allocation_id FROM "Server" WHERE "id" = :server_id FOR UPDATE \gset
WITH server AS (
  UPDATE "Server" SET "status" = 'baselining', "currentAllocationId" = NULL, "baselineStartedAt" = now(), "baselineId" = gen_random_uuid(), "version" = "version" + 1, "updatedAt" = now() WHERE "id" = :server_id
), allocation AS (
  UPDATE "Allocation" SET "endedAt" = now(), "endedBy" = 'RELEASED' WHERE "id" = :allocation_id
), audit AS (
  INSERT INTO "ServerEvent" ("serverId", "actor", "command", "fromStatus", "toStatus", "allocationId")
  VALUES (:server_id, 'ceiling', 'deallocate', 'allocated', 'baselining', :allocation_id) RETURNING "id"
)
INSERT INTO "OutboxEvent" ("id", "type", "serverId", "serverEventId", "payload")
SELECT gen_random_uuid(), t, :server_id, audit."id", '{"server":{"id":0}}' FROM audit, unnest(ARRAY['server.deallocated', 'server.baseline.requested']) AS t;
COMMIT;

BEGIN;
SELECT "status" FROM "Server" WHERE "id" = :server_id FOR UPDATE;
WITH server AS (
  UPDATE "Server" SET "status" = 'available', "baselineStartedAt" = NULL, "baselineId" = NULL, "version" = "version" + 1, "updatedAt" = now() WHERE "id" = :server_id
), audit AS (
  INSERT INTO "ServerEvent" ("serverId", "actor", "command", "fromStatus", "toStatus")
  VALUES (:server_id, 'ceiling', 'available', 'baselining', 'available') RETURNING "id"
)
INSERT INTO "OutboxEvent" ("id", "type", "serverId", "serverEventId", "payload")
SELECT gen_random_uuid(), 'server.available', :server_id, "id", '{"server":{"id":0}}' FROM audit;
COMMIT;
