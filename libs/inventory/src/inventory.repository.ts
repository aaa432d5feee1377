import { Injectable } from '@nestjs/common';
import {
  InstanceType,
  IsolationSubState,
  Location,
  Page,
  Prisma,
  PrismaService,
  ServerStatus,
  Slice,
} from '@app/database';
import { SERVER_VIEW_INCLUDE, ServerView, toServerView } from './server-view';

export interface ServerFilter {
  status?: ServerStatus;
  subState?: IsolationSubState;
  locationId?: number;
  instanceTypeId?: number;
  clientId?: number;
  /** `id` (default), or `changed`: the servers whose state changed longest ago first (a triage queue). */
  order?: 'id' | 'changed';
}

/** Reads of the inventory. */
@Injectable()
export class InventoryRepository {
  constructor(private readonly prisma: PrismaService) {}

  async locations(slice: Slice): Promise<Page<Location>> {
    const [items, total] = await Promise.all([
      this.prisma.location.findMany({ orderBy: { id: 'asc' }, skip: slice.start, take: slice.results }),
      this.prisma.location.count(),
    ]);
    return { items, total };
  }

  locationExists(id: number): Promise<boolean> {
    return this.prisma.location.count({ where: { id } }).then((n) => n > 0);
  }

  async instanceTypes(locationId: number, slice: Slice): Promise<Page<InstanceType>> {
    const where = { locationId };
    const [items, total] = await Promise.all([
      this.prisma.instanceType.findMany({ where, orderBy: { id: 'asc' }, skip: slice.start, take: slice.results }),
      this.prisma.instanceType.count({ where }),
    ]);
    return { items, total };
  }

  async servers(filter: ServerFilter, slice: Slice): Promise<Page<ServerView>> {
    const where: Prisma.ServerWhereInput = {
      status: filter.status,
      subState: filter.subState,
      locationId: filter.locationId,
      instanceTypeId: filter.instanceTypeId,
      ...(filter.clientId !== undefined && { currentAllocation: { clientId: filter.clientId } }),
    };
    const [rows, total] = await Promise.all([
      this.prisma.server.findMany({
        where,
        include: SERVER_VIEW_INCLUDE,
        orderBy: filter.order === 'changed' ? [{ updatedAt: 'asc' }, { id: 'asc' }] : { id: 'asc' },
        skip: slice.start,
        take: slice.results,
      }),
      this.prisma.server.count({ where }),
    ]);
    return { items: rows.map(toServerView), total };
  }

  async server(id: number): Promise<ServerView | null> {
    const row = await this.prisma.server.findUnique({ where: { id }, include: SERVER_VIEW_INCLUDE });
    return row && toServerView(row);
  }
}
