-- The work without our design: the tables, keys and indexes an allocate -> de-allocate -> available cycle
-- needs, and nothing else (no triggers, no foreign keys, no counters kept), in a schema of its own beside the
-- service's, filled from the service's tables after the import. bench/ceiling-minimal.sql runs the cycle on it.
DROP SCHEMA IF EXISTS minimal CASCADE;
CREATE SCHEMA minimal;
CREATE TABLE minimal.pool (id int PRIMARY KEY, location_id int NOT NULL);
CREATE TABLE minimal.client (id int PRIMARY KEY, on_demand_limit int, on_demand_in_use int NOT NULL DEFAULT 0);
CREATE TABLE minimal.contract (id text PRIMARY KEY, client_id int NOT NULL, starts_at timestamp NOT NULL, ends_at timestamp);
CREATE TABLE minimal.commitment (
  contract_id text NOT NULL, pool_id int NOT NULL, quantity int NOT NULL, in_use int NOT NULL DEFAULT 0,
  PRIMARY KEY (contract_id, pool_id));
CREATE INDEX ON minimal.commitment (pool_id);
CREATE TABLE minimal.server (
  id int PRIMARY KEY, location_id int NOT NULL, pool_id int NOT NULL, status text NOT NULL, current_allocation_id int,
  baseline_started_at timestamp, baseline_id uuid, version int NOT NULL DEFAULT 0, updated_at timestamp NOT NULL DEFAULT now());
CREATE INDEX ON minimal.server (location_id, pool_id, status, id);
CREATE TABLE minimal.allocation (
  id serial PRIMARY KEY, server_id int NOT NULL, client_id int NOT NULL, location_id int NOT NULL, pool_id int NOT NULL,
  quota text NOT NULL, contract_id text, started_at timestamp NOT NULL DEFAULT now(), ended_at timestamp, ended_by text);
CREATE UNIQUE INDEX ON minimal.allocation (server_id) WHERE ended_at IS NULL;
CREATE TABLE minimal.server_event (
  id bigserial PRIMARY KEY, server_id int NOT NULL, actor text NOT NULL, command text NOT NULL, from_status text, to_status text NOT NULL,
  allocation_id int, occurred_at timestamp NOT NULL DEFAULT now());
CREATE INDEX ON minimal.server_event (server_id, occurred_at DESC);
CREATE TABLE minimal.outbox_event (
  id uuid PRIMARY KEY, sequence bigserial UNIQUE, type text NOT NULL, server_id int NOT NULL, server_event_id bigint, payload jsonb NOT NULL,
  occurred_at timestamp NOT NULL DEFAULT now());
CREATE INDEX ON minimal.outbox_event (server_id, sequence);

INSERT INTO minimal.pool SELECT "id", "locationId" FROM "InstanceType";
INSERT INTO minimal.client SELECT "id", "onDemandLimit" FROM "Client";
INSERT INTO minimal.contract SELECT "contractId", "clientId", "startsAt", "endsAt" FROM "Contract";
INSERT INTO minimal.commitment SELECT "contractId", "instanceTypeId", "quantity" FROM "ContractCommitment";
INSERT INTO minimal.server (id, location_id, pool_id, status) SELECT "id", "locationId", "instanceTypeId", "status"::text FROM "Server";
ANALYZE;
