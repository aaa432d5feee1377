-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "ServerStatus" AS ENUM ('available', 'allocated', 'baselining', 'isolated', 'quarantined');

-- CreateEnum
CREATE TYPE "IsolationSubState" AS ENUM ('brokenHardware', 'failedBaseline', 'failedDelivery', 'baselineTimeout', 'networkIssue', 'maintenance', 'investigation', 'other');

-- CreateEnum
CREATE TYPE "QuotaKind" AS ENUM ('COMMITTED', 'ON_DEMAND');

-- CreateEnum
CREATE TYPE "AllocationEnd" AS ENUM ('RELEASED', 'COMPENSATED', 'ISOLATED');

-- CreateTable
CREATE TABLE "Location" (
    "id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "shortName" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "countryId" INTEGER,
    "countryName" TEXT NOT NULL,
    "countryShortName" TEXT NOT NULL,

    CONSTRAINT "Location_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InstanceType" (
    "id" INTEGER NOT NULL,
    "locationId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "sockets" INTEGER NOT NULL,
    "cores" INTEGER NOT NULL,
    "memory" INTEGER NOT NULL,
    "memoryType" TEXT NOT NULL,
    "storage" INTEGER NOT NULL,
    "storageType" TEXT NOT NULL,
    "instanceTypeGenerationId" INTEGER,
    "generationName" TEXT NOT NULL,
    "pricePerHour" DECIMAL(12,4) NOT NULL,
    "currencyId" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "InstanceType_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Server" (
    "id" INTEGER NOT NULL,
    "hostname" TEXT NOT NULL,
    "locationId" INTEGER NOT NULL,
    "instanceTypeId" INTEGER NOT NULL,
    "rack" TEXT,
    "serviceTag" TEXT,
    "status" "ServerStatus" NOT NULL DEFAULT 'available',
    "subState" "IsolationSubState",
    "isolationReason" TEXT,
    "quarantinedFrom" "ServerStatus",
    "baselineStartedAt" TIMESTAMP(3),
    "currentAllocationId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Server_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Client" (
    "id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "onDemandLimit" INTEGER,

    CONSTRAINT "Client_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Contract" (
    "contractId" TEXT NOT NULL,
    "clientId" INTEGER NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3),

    CONSTRAINT "Contract_pkey" PRIMARY KEY ("contractId")
);

-- CreateTable
CREATE TABLE "ContractCommitment" (
    "contractId" TEXT NOT NULL,
    "locationId" INTEGER NOT NULL,
    "instanceTypeId" INTEGER NOT NULL,
    "quantity" INTEGER NOT NULL,

    CONSTRAINT "ContractCommitment_pkey" PRIMARY KEY ("contractId","locationId","instanceTypeId")
);

-- CreateTable
CREATE TABLE "Allocation" (
    "id" SERIAL NOT NULL,
    "serverId" INTEGER NOT NULL,
    "clientId" INTEGER NOT NULL,
    "locationId" INTEGER NOT NULL,
    "instanceTypeId" INTEGER NOT NULL,
    "quota" "QuotaKind" NOT NULL,
    "contractId" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMP(3),
    "endedBy" "AllocationEnd",

    CONSTRAINT "Allocation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ServerEvent" (
    "id" BIGSERIAL NOT NULL,
    "serverId" INTEGER NOT NULL,
    "actor" TEXT NOT NULL,
    "command" TEXT NOT NULL,
    "fromStatus" "ServerStatus",
    "toStatus" "ServerStatus" NOT NULL,
    "subState" "IsolationSubState",
    "reason" TEXT,
    "operationUuid" UUID,
    "allocationId" INTEGER,
    "occurredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ServerEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutboxEvent" (
    "id" UUID NOT NULL,
    "sequence" BIGSERIAL NOT NULL,
    "type" TEXT NOT NULL,
    "serverId" INTEGER NOT NULL,
    "serverEventId" BIGINT,
    "payload" JSONB NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OutboxEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "scopes" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "lastUsedAt" TIMESTAMP(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IdempotencyKey" (
    "key" TEXT NOT NULL,
    "requestHash" TEXT NOT NULL,
    "allocationId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "IdempotencyKey_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "InstanceType_locationId_idx" ON "InstanceType"("locationId");

-- CreateIndex
CREATE UNIQUE INDEX "InstanceType_locationId_name_key" ON "InstanceType"("locationId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Server_hostname_key" ON "Server"("hostname");

-- CreateIndex
CREATE UNIQUE INDEX "Server_currentAllocationId_key" ON "Server"("currentAllocationId");

-- CreateIndex
CREATE INDEX "Server_locationId_instanceTypeId_status_id_idx" ON "Server"("locationId", "instanceTypeId", "status", "id");

-- CreateIndex
CREATE INDEX "Server_status_idx" ON "Server"("status");

-- CreateIndex
CREATE INDEX "Contract_clientId_idx" ON "Contract"("clientId");

-- CreateIndex
CREATE INDEX "ContractCommitment_instanceTypeId_idx" ON "ContractCommitment"("instanceTypeId");

-- CreateIndex
CREATE INDEX "Allocation_clientId_endedAt_idx" ON "Allocation"("clientId", "endedAt");

-- CreateIndex
CREATE INDEX "Allocation_contractId_instanceTypeId_endedAt_idx" ON "Allocation"("contractId", "instanceTypeId", "endedAt");

-- CreateIndex
CREATE INDEX "Allocation_serverId_startedAt_idx" ON "Allocation"("serverId", "startedAt");

-- CreateIndex
CREATE INDEX "ServerEvent_serverId_occurredAt_idx" ON "ServerEvent"("serverId", "occurredAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "OutboxEvent_sequence_key" ON "OutboxEvent"("sequence");

-- CreateIndex
CREATE INDEX "OutboxEvent_serverId_sequence_idx" ON "OutboxEvent"("serverId", "sequence");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_keyHash_key" ON "ApiKey"("keyHash");

-- CreateIndex
CREATE INDEX "IdempotencyKey_expiresAt_idx" ON "IdempotencyKey"("expiresAt");

-- AddForeignKey
ALTER TABLE "InstanceType" ADD CONSTRAINT "InstanceType_locationId_fkey" FOREIGN KEY ("locationId") REFERENCES "Location"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Server" ADD CONSTRAINT "Server_locationId_fkey" FOREIGN KEY ("locationId") REFERENCES "Location"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Server" ADD CONSTRAINT "Server_instanceTypeId_fkey" FOREIGN KEY ("instanceTypeId") REFERENCES "InstanceType"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Server" ADD CONSTRAINT "Server_currentAllocationId_fkey" FOREIGN KEY ("currentAllocationId") REFERENCES "Allocation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Contract" ADD CONSTRAINT "Contract_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContractCommitment" ADD CONSTRAINT "ContractCommitment_contractId_fkey" FOREIGN KEY ("contractId") REFERENCES "Contract"("contractId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContractCommitment" ADD CONSTRAINT "ContractCommitment_instanceTypeId_fkey" FOREIGN KEY ("instanceTypeId") REFERENCES "InstanceType"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Allocation" ADD CONSTRAINT "Allocation_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Allocation" ADD CONSTRAINT "Allocation_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Allocation" ADD CONSTRAINT "Allocation_contractId_fkey" FOREIGN KEY ("contractId") REFERENCES "Contract"("contractId") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServerEvent" ADD CONSTRAINT "ServerEvent_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OutboxEvent" ADD CONSTRAINT "OutboxEvent_serverEventId_fkey" FOREIGN KEY ("serverEventId") REFERENCES "ServerEvent"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Invariants Prisma's schema language cannot express, kept by the database itself.

-- A server is held by at most one open allocation.
CREATE UNIQUE INDEX "Allocation_one_open_per_server" ON "Allocation"("serverId") WHERE "endedAt" IS NULL;

-- Committed allocations name their contract, on-demand ones do not (no semicolons in comments: the engine splits on them).
ALTER TABLE "Allocation" ADD CONSTRAINT "Allocation_quota_contract" CHECK (("quota" = 'COMMITTED') = ("contractId" IS NOT NULL));

-- An allocation has ended exactly when it says how it ended.
ALTER TABLE "Allocation" ADD CONSTRAINT "Allocation_end_recorded" CHECK (("endedAt" IS NULL) = ("endedBy" IS NULL));

-- Only an allocated server points at an allocation (a quarantined one keeps what it was frozen with).
ALTER TABLE "Server" ADD CONSTRAINT "Server_allocation_matches_status" CHECK (CASE "status"
  WHEN 'allocated' THEN "currentAllocationId" IS NOT NULL
  WHEN 'quarantined' THEN TRUE
  ELSE "currentAllocationId" IS NULL END);

-- Only an isolated server has an isolation sub-state (a quarantined one keeps what it was frozen with).
ALTER TABLE "Server" ADD CONSTRAINT "Server_substate_matches_status" CHECK (CASE "status"
  WHEN 'isolated' THEN "subState" IS NOT NULL
  WHEN 'quarantined' THEN TRUE
  ELSE "subState" IS NULL END);

-- A quarantined server remembers the state it was frozen in, and only it does.
ALTER TABLE "Server" ADD CONSTRAINT "Server_quarantine_remembers_status" CHECK (
  ("status" = 'quarantined') = ("quarantinedFrom" IS NOT NULL) AND "quarantinedFrom" IS DISTINCT FROM 'quarantined');

ALTER TABLE "Contract" ADD CONSTRAINT "Contract_contractId_pattern" CHECK ("contractId" ~ '^[A-Z0-9_.-]{1,240}$');
ALTER TABLE "Contract" ADD CONSTRAINT "Contract_validity_period" CHECK ("endsAt" IS NULL OR "endsAt" > "startsAt");
ALTER TABLE "ContractCommitment" ADD CONSTRAINT "ContractCommitment_quantity_not_negative" CHECK ("quantity" >= 0);
ALTER TABLE "Client" ADD CONSTRAINT "Client_onDemandLimit_not_negative" CHECK ("onDemandLimit" IS NULL OR "onDemandLimit" >= 0);
