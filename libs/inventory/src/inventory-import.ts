import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, TransactionClient } from '@app/database';
import { DomainError, ErrorCode } from '@app/errors';
import { ContractRecord, InventoryFile, ServerRecord } from './inventory-file';
import { InventoryProblem, KnownInventory, validateInventoryFile } from './inventory-validation';

export interface ImportSummary {
  locations: number;
  instanceTypes: number;
  servers: number;
  clients: number;
  contracts: number;
}

const SERVER_BATCH = 5000;

/** Idempotent upsert by id of an inventory file: validated whole first, then written in one transaction. */
@Injectable()
export class InventoryImporter {
  constructor(private readonly prisma: PrismaService) {}

  /** What is wrong with an inventory file (or part of one), by the import's rules; empty when nothing is. */
  async problems(raw: unknown): Promise<InventoryProblem[]> {
    return validateInventoryFile(raw, await this.known(raw));
  }

  async import(raw: unknown, progress: (message: string) => void = () => undefined): Promise<ImportSummary> {
    const problems = await this.problems(raw);
    if (problems.length) {
      throw new DomainError(
        ErrorCode.VALIDATION_FAILED,
        `The inventory file has ${problems.length} problem(s); nothing was imported`,
        { problems },
      );
    }
    const file = raw as InventoryFile;
    await this.prisma.$transaction(
      async (tx) => {
        for (const l of file.locations ?? []) {
          const data = { ...l, displayName: l.displayName ?? l.name, countryId: l.countryId ?? null };
          await tx.location.upsert({ where: { id: l.id }, create: data, update: data });
        }
        for (const t of file.instanceTypes ?? []) {
          await tx.instanceType.upsert({ where: { id: t.id }, create: t, update: t });
        }
        for (const c of file.clients ?? []) {
          const data = { ...c, onDemandLimit: c.onDemandLimit ?? null };
          await tx.client.upsert({ where: { id: c.id }, create: data, update: data });
        }
        await this.upsertServers(tx, file.servers ?? [], progress);
        for (const contract of file.contracts ?? []) await this.upsertContract(tx, contract);
      },
      { timeout: 10 * 60_000, maxWait: 60_000 },
    );
    return {
      locations: file.locations?.length ?? 0,
      instanceTypes: file.instanceTypes?.length ?? 0,
      servers: file.servers?.length ?? 0,
      clients: file.clients?.length ?? 0,
      contracts: file.contracts?.length ?? 0,
    };
  }

  private async known(raw: unknown): Promise<KnownInventory> {
    const servers = Array.isArray((raw as InventoryFile | null)?.servers)
      ? ((raw as InventoryFile).servers as ServerRecord[])
      : [];
    const ids = servers.map((s) => s?.id).filter(Number.isInteger);
    const hostnames = servers.map((s) => s?.hostname).filter((h): h is string => typeof h === 'string');
    const [locations, types, clients, contracts, byId, byHostname] = await Promise.all([
      this.prisma.location.findMany({ select: { id: true } }),
      this.prisma.instanceType.findMany({ select: { id: true, locationId: true } }),
      this.prisma.client.findMany({ select: { id: true } }),
      this.prisma.contract.findMany({ select: { contractId: true, clientId: true } }),
      this.prisma.server.findMany({ where: { id: { in: ids } }, select: { id: true } }),
      this.prisma.server.findMany({ where: { hostname: { in: hostnames } }, select: { id: true, hostname: true } }),
    ]);
    return {
      locationIds: new Set(locations.map((l) => l.id)),
      instanceTypeLocations: new Map(types.map((t) => [t.id, t.locationId])),
      clientIds: new Set(clients.map((c) => c.id)),
      serverIds: new Set(byId.map((s) => s.id)),
      serverHostnames: new Map(byHostname.map((s) => [s.hostname, s.id])),
      contractClients: new Map(contracts.map((c) => [c.contractId, c.clientId])),
    };
  }

  /**
   * Two statements per batch of servers. A server that exists keeps its lifecycle (status,
   * allocation): that belongs to the server commands; the import updates what describes it. Only new
   * servers are inserted, with the status the file gives them (never proposing a lifecycle for an
   * existing one, which its CHECKs would refuse).
   */
  private async upsertServers(
    tx: TransactionClient,
    servers: ServerRecord[],
    progress: (message: string) => void,
  ): Promise<void> {
    for (let start = 0; start < servers.length; start += SERVER_BATCH) {
      const batch = servers.slice(start, start + SERVER_BATCH);
      const column = <T>(pick: (s: ServerRecord) => T) => batch.map(pick);
      const described = Prisma.sql`unnest(${column((s) => s.id)}::int[], ${column((s) => s.hostname)}::text[], ${column((s) => s.locationId)}::int[],
        ${column((s) => s.instanceTypeId)}::int[], ${column((s) => s.rack ?? null)}::text[], ${column((s) => s.serviceTag ?? null)}::text[],
        ${column((s) => s.status ?? 'available')}::text[], ${column((s) => s.subState ?? null)}::text[], ${column((s) => s.isolationReason ?? null)}::text[])
        AS s(id, hostname, location_id, instance_type_id, rack, service_tag, status, sub_state, reason)`;
      await tx.$executeRaw`
        UPDATE "Server" e SET "hostname" = s.hostname, "locationId" = s.location_id, "instanceTypeId" = s.instance_type_id,
               "rack" = s.rack, "serviceTag" = s.service_tag, "updatedAt" = now()
        FROM ${described} WHERE e."id" = s.id`;
      await tx.$executeRaw`
        INSERT INTO "Server" ("id", "hostname", "locationId", "instanceTypeId", "rack", "serviceTag", "status", "subState", "isolationReason", "baselineStartedAt", "baselineId", "updatedAt")
        SELECT s.id, s.hostname, s.location_id, s.instance_type_id, s.rack, s.service_tag, s.status::"ServerStatus", s.sub_state::"IsolationSubState", s.reason,
               CASE WHEN s.status = 'baselining' THEN now() END, CASE WHEN s.status = 'baselining' THEN gen_random_uuid() END, now()
        FROM ${described} WHERE NOT EXISTS (SELECT 1 FROM "Server" e WHERE e."id" = s.id)`;
      progress(`servers ${Math.min(start + SERVER_BATCH, servers.length)}/${servers.length}`);
    }
  }

  /** A contract's commitments in the file replace those it had. */
  private async upsertContract(tx: TransactionClient, contract: ContractRecord): Promise<void> {
    const data = {
      clientId: contract.clientId,
      startsAt: new Date(contract.startsAt),
      endsAt: contract.endsAt ? new Date(contract.endsAt) : null,
    };
    await tx.contract.upsert({
      where: { contractId: contract.contractId },
      create: { contractId: contract.contractId, ...data },
      update: data,
    });
    await tx.contractCommitment.deleteMany({ where: { contractId: contract.contractId } });
    await tx.contractCommitment.createMany({
      data: contract.commitments.map((c) => ({ contractId: contract.contractId, ...c })),
    });
  }
}
