import { Injectable } from '@nestjs/common';
import { Actor, Page, PrismaService, Slice } from '@app/database';
import { ErrorCode, NotFoundError } from '@app/errors';
import { AuditView, historyOf } from './audit';
import { CLIENT_VIEW, ClientInput, ClientView } from './client-view';
import { writeClient } from './contract-writes';

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

  /** Creates or updates the client (`created` says which), audited; of two at once, the later applies after the earlier. */
  put(clientId: number, input: ClientInput, actor: Actor): Promise<{ client: ClientView; created: boolean }> {
    return this.prisma.$transaction((tx) => writeClient(tx, clientId, input, actor));
  }

  async history(clientId: number, slice: Slice): Promise<Page<AuditView>> {
    await this.get(clientId);
    return historyOf(this.prisma, 'client', String(clientId), slice);
  }
}
