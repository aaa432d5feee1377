import { Injectable } from '@nestjs/common';
import { Page, PrismaService, Slice } from '@app/database';
import { ErrorCode, NotFoundError } from '@app/errors';
import { AuditView, historyOf, recordChange } from './audit';

export interface ClientView {
  id: number;
  name: string;
  /** Null: the service default (ON_DEMAND_DEFAULT_LIMIT). */
  onDemandLimit: number | null;
  onDemandInUse: number;
}

export interface ClientInput {
  name: string;
  onDemandLimit?: number | null;
}

const CLIENT_VIEW = { id: true, name: true, onDemandLimit: true, onDemandInUse: true } as const;

/** Clients: listed, read, created or updated by staff, every change audited. */
@Injectable()
export class ClientsService {
  constructor(private readonly prisma: PrismaService) {}

  async list(slice: Slice): Promise<Page<ClientView>> {
    const [items, total] = await Promise.all([
      this.prisma.client.findMany({
        select: CLIENT_VIEW,
        orderBy: { id: 'asc' },
        skip: slice.start,
        take: slice.results,
      }),
      this.prisma.client.count(),
    ]);
    return { items, total };
  }

  async get(clientId: number): Promise<ClientView> {
    const client = await this.prisma.client.findUnique({ where: { id: clientId }, select: CLIENT_VIEW });
    if (!client) throw new NotFoundError(ErrorCode.CLIENT_NOT_FOUND, 'Client', clientId);
    return client;
  }

  /**
   * Creates or updates the client; `created` says which. The row is claimed first (INSERT … ON CONFLICT DO
   * NOTHING), then locked, so that of two PUTs of one client at once the later waits for the earlier and
   * applies as an update after it, audited with what the earlier wrote as its `before`.
   */
  put(clientId: number, input: ClientInput, actor: string): Promise<{ client: ClientView; created: boolean }> {
    return this.prisma.$transaction(async (tx) => {
      const data = { name: input.name, onDemandLimit: input.onDemandLimit ?? null };
      const { count } = await tx.client.createMany({ data: [{ id: clientId, ...data }], skipDuplicates: true });
      const created = count === 1;
      let before: ClientView | null = null;
      if (!created) {
        await tx.$executeRaw`SELECT 1 FROM "Client" WHERE "id" = ${clientId} FOR UPDATE`;
        before = await tx.client.findUniqueOrThrow({ where: { id: clientId }, select: CLIENT_VIEW });
      }
      const client = created
        ? await tx.client.findUniqueOrThrow({ where: { id: clientId }, select: CLIENT_VIEW })
        : await tx.client.update({ where: { id: clientId }, data, select: CLIENT_VIEW });
      await recordChange(tx, {
        entity: 'client',
        entityId: String(clientId),
        action: created ? 'created' : 'updated',
        actor,
        before,
        after: client,
      });
      return { client, created };
    });
  }

  async history(clientId: number, slice: Slice): Promise<Page<AuditView>> {
    await this.get(clientId);
    return historyOf(this.prisma, 'client', String(clientId), slice);
  }
}
