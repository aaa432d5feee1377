import { Injectable } from '@nestjs/common';
import { Page, PrismaService, Slice } from '@app/database';
import { ErrorCode, NotFoundError } from '@app/errors';

export interface HistoryEntry {
  id: string;
  occurredAt: Date;
  actor: string;
  command: string;
  from: string | null;
  to: string;
  subState: string | null;
  reason: string | null;
  operationUuid: string | null;
  allocationId: number | null;
  events: {
    id: string;
    type: string;
    deliveries: { hookId: number; hookName: string; state: string; attempts: number; lastStatus: number | null }[];
  }[];
}

/** A server's audit trail, newest first, with the events each change emitted and where they went. */
@Injectable()
export class ServerHistory {
  constructor(private readonly prisma: PrismaService) {}

  async of(serverId: number, slice: Slice): Promise<Page<HistoryEntry>> {
    if (!(await this.prisma.server.count({ where: { id: serverId } })))
      throw new NotFoundError(ErrorCode.SERVER_NOT_FOUND, 'Server', serverId);
    const where = { serverId };
    const [rows, total] = await Promise.all([
      this.prisma.serverEvent.findMany({
        where,
        orderBy: { id: 'desc' },
        skip: slice.start,
        take: slice.results,
        include: {
          outboxEvents: {
            orderBy: { sequence: 'asc' },
            include: { deliveries: { include: { hook: { select: { name: true } } }, orderBy: { hookId: 'asc' } } },
          },
        },
      }),
      this.prisma.serverEvent.count({ where }),
    ]);
    const items = rows.map((row) => ({
      id: row.id.toString(),
      occurredAt: row.occurredAt,
      actor: row.actor,
      command: row.command,
      from: row.fromStatus,
      to: row.toStatus,
      subState: row.subState,
      reason: row.reason,
      operationUuid: row.operationUuid,
      allocationId: row.allocationId,
      events: row.outboxEvents.map((event) => ({
        id: event.id,
        type: event.type,
        deliveries: event.deliveries.map((d) => ({
          hookId: d.hookId,
          hookName: d.hook.name,
          state: d.state,
          attempts: d.attempts,
          lastStatus: d.lastStatus,
        })),
      })),
    }));
    return { items, total };
  }
}
