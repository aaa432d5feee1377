import { Injectable } from '@nestjs/common';
import { lockPools, Overcommitment, overcommitted, writeClient, writeContract } from '@app/contracts';
import { Actor, againAfterConflict, Prisma, PrismaService, TransactionClient } from '@app/database';
import { DomainError, ErrorCode } from '@app/errors';
import { EventType } from '@app/events';
import { InventoryFile, ServerRecord } from './inventory-file';
import { InventoryProblem, KnownInventory, validateInventoryFile } from './inventory-validation';

export interface ImportSummary {
  locations: number;
  instanceTypes: number;
  servers: number;
  clients: number;
  contracts: number;
  /** Pools where a contract of the file now holds more than it commits (nothing is taken away), as PATCH reports them. */
  overcommitted: ({ contractId: string } & Overcommitment)[];
}

const SERVER_BATCH = 5000;

/** Who imports, in the audit trail, unless the caller says (the command line says `admin-cli:<user>`). */
export const IMPORT_ACTOR: Actor = { name: 'inventory-import' };

/** Idempotent upsert by id of an inventory file: validated whole first, then written in one transaction. */
@Injectable()
export class InventoryImporter {
  constructor(private readonly prisma: PrismaService) {}

  /** What is wrong with an inventory file (or part of one), by the import's rules; empty when nothing is. */
  async problems(raw: unknown): Promise<InventoryProblem[]> {
    return validateInventoryFile(raw, await this.known(raw));
  }

  /**
   * Writes a valid file in one transaction, as a good citizen beside the traffic: the pool counters it touches
   * are locked first (the order every writer follows), only servers that change are written (and locked),
   * commitments that hold servers are never dropped, and what it creates or changes is audited (servers get
   * their audit row, and those that enter through Back to Baseline their server.baseline.requested).
   */
  async import(
    raw: unknown,
    progress: (message: string) => void = () => undefined,
    actor = IMPORT_ACTOR,
  ): Promise<ImportSummary> {
    const problems = await this.problems(raw);
    if (problems.length) {
      throw new DomainError(
        ErrorCode.VALIDATION_FAILED,
        `The inventory file has ${problems.length} problem(s); nothing was imported`,
        { problems },
      );
    }
    const file = raw as InventoryFile;
    const overcommitments = await againAfterConflict(() =>
      this.prisma.$transaction(
        async (tx) => {
          await lockPools(tx, await this.poolsTouched(tx, file));
          for (const l of file.locations ?? []) {
            const data = { ...l, displayName: l.displayName ?? l.name, countryId: l.countryId ?? null };
            await tx.location.upsert({ where: { id: l.id }, create: data, update: data });
          }
          for (const t of file.instanceTypes ?? []) {
            await tx.instanceType.upsert({ where: { id: t.id }, create: t, update: t });
          }
          for (const c of file.clients ?? []) await writeClient(tx, c.id, c, actor, { quiet: true });
          await this.upsertServers(tx, file.servers ?? [], progress, actor);
          const overcommitments: ImportSummary['overcommitted'] = [];
          for (const c of file.contracts ?? []) {
            const { contractId, clientId, commitments } = c;
            const period = { startsAt: new Date(c.startsAt), endsAt: c.endsAt ? new Date(c.endsAt) : null };
            const contract = await writeContract(tx, { contractId, clientId, commitments, ...period }, actor);
            overcommitments.push(...overcommitted(contract).map((o) => ({ contractId, ...o })));
          }
          return overcommitments;
        },
        { timeout: 10 * 60_000, maxWait: 60_000 },
      ),
    );
    return {
      locations: file.locations?.length ?? 0,
      instanceTypes: file.instanceTypes?.length ?? 0,
      servers: file.servers?.length ?? 0,
      clients: file.clients?.length ?? 0,
      contracts: file.contracts?.length ?? 0,
      overcommitted: overcommitments,
    };
  }

  /** Every pool the file's servers and contracts are in, or were in before it. */
  private async poolsTouched(tx: TransactionClient, file: InventoryFile): Promise<{ instanceTypeId: number }[]> {
    const serverIds = (file.servers ?? []).map((s) => s.id);
    const contractIds = (file.contracts ?? []).map((c) => c.contractId);
    const before = await tx.$queryRaw<{ instanceTypeId: number }[]>`
      SELECT DISTINCT "instanceTypeId" FROM "Server" WHERE "id" = ANY(${serverIds}::int[])
      UNION SELECT "instanceTypeId" FROM "ContractCommitment" WHERE "contractId" = ANY(${contractIds}::text[])`;
    return [...before, ...(file.servers ?? []), ...(file.contracts ?? []).flatMap((c) => c.commitments)];
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
      this.prisma.server.findMany({
        where: { id: { in: ids.filter((id) => id <= 2_147_483_647) } },
        select: { id: true, instanceTypeId: true, currentAllocationId: true },
      }),
      this.prisma.server.findMany({ where: { hostname: { in: hostnames } }, select: { id: true, hostname: true } }),
    ]);
    return {
      locationIds: new Set(locations.map((l) => l.id)),
      instanceTypeLocations: new Map(types.map((t) => [t.id, t.locationId])),
      clientIds: new Set(clients.map((c) => c.id)),
      servers: new Map(
        byId.map((s) => [s.id, { instanceTypeId: s.instanceTypeId, held: s.currentAllocationId !== null }]),
      ),
      serverHostnames: new Map(byHostname.map((s) => [s.hostname, s.id])),
      contractClients: new Map(contracts.map((c) => [c.contractId, c.clientId])),
    };
  }

  /**
   * Two statements per batch of servers. A server that exists keeps its lifecycle (status,
   * allocation): that belongs to the server commands; the import updates what describes it. Only new
   * servers are inserted, with the status the file gives them (never proposing a lifecycle for an
   * existing one, which its CHECKs would refuse), and the pool counters follow per statement (count_in_bulk).
   */
  private async upsertServers(
    tx: TransactionClient,
    servers: ServerRecord[],
    progress: (message: string) => void,
    actor: Actor,
  ): Promise<void> {
    await tx.$executeRaw`SELECT "count_in_bulk"()`;
    for (let start = 0; start < servers.length; start += SERVER_BATCH) {
      const batch = servers.slice(start, start + SERVER_BATCH);
      const column = <T>(pick: (s: ServerRecord) => T) => batch.map(pick);
      const described = Prisma.sql`unnest(${column((s) => s.id)}::int[], ${column((s) => s.hostname)}::text[], ${column((s) => s.locationId)}::int[],
        ${column((s) => s.instanceTypeId)}::int[], ${column((s) => s.rack ?? null)}::text[], ${column((s) => s.serviceTag ?? null)}::text[],
        ${column((s) => s.status ?? 'available')}::text[], ${column((s) => s.subState ?? null)}::text[], ${column((s) => s.isolationReason ?? null)}::text[])
        AS s(id, hostname, location_id, instance_type_id, rack, service_tag, status, sub_state, reason)`;
      // Only the servers whose description changes are written, so only they are locked (allocations pass
      // over locked servers): a re-import of an unchanged fleet locks none.
      await tx.$executeRaw`
        UPDATE "Server" e SET "hostname" = s.hostname, "locationId" = s.location_id, "instanceTypeId" = s.instance_type_id,
               "rack" = s.rack, "serviceTag" = s.service_tag, "updatedAt" = now()
        FROM ${described} WHERE e."id" = s.id
          AND (e."hostname", e."locationId", e."instanceTypeId", e."rack", e."serviceTag")
              IS DISTINCT FROM (s.hostname, s.location_id, s.instance_type_id, s.rack, s.service_tag)`;
      await tx.$queryRaw`
        WITH servers AS (
          INSERT INTO "Server" ("id", "hostname", "locationId", "instanceTypeId", "rack", "serviceTag", "status", "subState", "isolationReason", "baselineStartedAt", "baselineId", "updatedAt")
          SELECT s.id, s.hostname, s.location_id, s.instance_type_id, s.rack, s.service_tag, s.status::"ServerStatus", s.sub_state::"IsolationSubState", s.reason,
                 CASE WHEN s.status = 'baselining' THEN now() END, CASE WHEN s.status = 'baselining' THEN gen_random_uuid() END, now()
          FROM ${described} WHERE NOT EXISTS (SELECT 1 FROM "Server" e WHERE e."id" = s.id)
          RETURNING *
        ), audits AS (
          INSERT INTO "ServerEvent" ("serverId", "actor", "command", "fromStatus", "toStatus", "subState", "reason", "occurredAt")
          SELECT s."id", ${actor.name}, 'import', NULL, s."status", s."subState", s."isolationReason", now() FROM servers s
          RETURNING "id", "serverId"
        ), events AS (
          INSERT INTO "OutboxEvent" ("id", "type", "serverId", "serverEventId", "payload", "occurredAt")
          SELECT gen_random_uuid(), ${EventType.BaselineRequested}, s."id", au."id",
            jsonb_build_object('server', "event_server"(s::"Server"), 'command', 'import', 'from', NULL, 'to', s."status", 'actor', ${actor.name}::text,
              'subState', NULL, 'reason', NULL, 'operationUuid', NULL, 'allocation', NULL,
              'baseline', jsonb_build_object('cause', 'added', 'id', s."baselineId")), now()
          FROM servers s JOIN audits au ON au."serverId" = s."id" WHERE s."status" = 'baselining' ORDER BY s."id"
        )
        SELECT count(*)::int AS added FROM servers`;
      progress(`servers ${Math.min(start + SERVER_BATCH, servers.length)}/${servers.length}`);
    }
  }
}
