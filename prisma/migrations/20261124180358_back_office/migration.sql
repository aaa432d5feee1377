-- AlterEnum
ALTER TYPE "ServerStatus" ADD VALUE 'retired';

-- AlterTable
ALTER TABLE "PoolCounter" ADD COLUMN     "retired" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" BIGSERIAL NOT NULL,
    "entity" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "occurredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AuditEntry_entity_entityId_id_idx" ON "AuditEntry"("entity", "entityId", "id");

-- Retired servers are counted like every other status (the allocation_engine migration's trigger, now with retired).
ALTER TABLE "PoolCounter" DROP CONSTRAINT "PoolCounter_not_negative";
ALTER TABLE "PoolCounter" ADD CONSTRAINT "PoolCounter_not_negative" CHECK (
  "available" >= 0 AND "allocated" >= 0 AND "baselining" >= 0 AND "isolated" >= 0 AND "quarantined" >= 0 AND "retired" >= 0
  AND "committedInUse" >= 0 AND "onDemandInUse" >= 0);

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

-- A retired server keeps no allocation, sub-state or quarantine: the Server CHECKs of the init migration
-- already say so for every status but allocated, isolated and quarantined.
