-- CreateEnum
CREATE TYPE "DeliveryState" AS ENUM ('pending', 'delivered', 'dead');

-- CreateTable
CREATE TABLE "Hook" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "eventTypes" TEXT[],
    "secret" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Hook_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HookDelivery" (
    "id" BIGSERIAL NOT NULL,
    "hookId" INTEGER NOT NULL,
    "eventId" UUID NOT NULL,
    "serverId" INTEGER NOT NULL,
    "sequence" BIGINT NOT NULL,
    "state" "DeliveryState" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseUntil" TIMESTAMP(3),
    "lastStatus" INTEGER,
    "lastError" TEXT,
    "deliveredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HookDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Hook_name_key" ON "Hook"("name");

-- CreateIndex
CREATE INDEX "HookDelivery_hookId_serverId_sequence_idx" ON "HookDelivery"("hookId", "serverId", "sequence");

-- CreateIndex
CREATE INDEX "HookDelivery_state_nextAttemptAt_idx" ON "HookDelivery"("state", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "HookDelivery_eventId_idx" ON "HookDelivery"("eventId");

-- CreateIndex
CREATE UNIQUE INDEX "HookDelivery_hookId_eventId_key" ON "HookDelivery"("hookId", "eventId");

-- AddForeignKey
ALTER TABLE "HookDelivery" ADD CONSTRAINT "HookDelivery_hookId_fkey" FOREIGN KEY ("hookId") REFERENCES "Hook"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HookDelivery" ADD CONSTRAINT "HookDelivery_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "OutboxEvent"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The dispatcher looks for the oldest pending delivery of each hook and server: this index holds only those.
CREATE INDEX "HookDelivery_pending_heads" ON "HookDelivery"("hookId", "serverId", "sequence") WHERE "state" = 'pending';

ALTER TABLE "HookDelivery" ADD CONSTRAINT "HookDelivery_attempts_not_negative" CHECK ("attempts" >= 0);
