-- AlterEnum
ALTER TYPE "DeliveryState" ADD VALUE 'superseded';

-- AlterTable
ALTER TABLE "Server" ADD COLUMN     "baselineId" UUID;
-- Every Back to Baseline under way gets its run; from here on a run exists exactly while the server is baselining.
UPDATE "Server" SET "baselineId" = gen_random_uuid() WHERE "status" = 'baselining';
-- The request of each run under way carries its id, so that its delivery still goes out; older requests are superseded.
UPDATE "OutboxEvent" e SET "payload" = jsonb_set(e."payload", '{baseline,id}', to_jsonb(s."baselineId"::text))
FROM "Server" s
WHERE s."status" = 'baselining' AND e."serverId" = s."id" AND e."type" = 'server.baseline.requested'
  AND e."sequence" = (SELECT max(l."sequence") FROM "OutboxEvent" l WHERE l."serverId" = s."id" AND l."type" = 'server.baseline.requested');
ALTER TABLE "Server" ADD CONSTRAINT "Server_baseline_run_matches_status" CHECK (("status" = 'baselining') = ("baselineId" IS NOT NULL));
