import { Injectable } from '@nestjs/common';
import { Allocation, AllocationEnd, IsolationSubState, Prisma, Server, TransactionClient } from '@app/database';
import { BaselineCause, EventAllocation, EventType, OutboxRepository, ServerEventPayload } from '@app/events';
import { ServerCommand, Status } from '@app/lifecycle';

export type LockedServer = Server & { currentAllocation: Allocation | null };

/** Who gave the command: the API key's name, or the internal job's. */
export interface Actor {
  name: string;
}

/** Server columns a command may set besides its status. */
export type ServerFields = Pick<Prisma.ServerUncheckedUpdateInput, 'subState' | 'isolationReason' | 'quarantinedFrom' | 'baselineStartedAt' | 'currentAllocationId'>;

export interface StateChange {
  command: ServerCommand;
  from: Status;
  to: Status;
  set: ServerFields;
  actor: Actor;
  subState?: IsolationSubState | null;
  reason?: string | null;
  operationUuid?: string | null;
  /** The allocation the change started or ended. */
  allocation: Allocation | null;
  events: EventType[];
  baselineCause?: BaselineCause;
}

function eventAllocation(a: Allocation | null): EventAllocation | null {
  return a && { id: a.id, clientId: a.clientId, contractId: a.contractId, quota: a.quota, startedAt: a.startedAt.toISOString(), endedAt: a.endedAt?.toISOString() ?? null, endedBy: a.endedBy };
}

/** Every write of a server's lifecycle: the state, its audit row and its events, in the caller's transaction. */
@Injectable()
export class ServerStateRepository {
  constructor(private readonly outbox: OutboxRepository) {}

  /** Locks the server's row until the transaction ends; null when there is no such server. */
  async lock(tx: TransactionClient, serverId: number): Promise<LockedServer | null> {
    const rows = await tx.$queryRaw<{ id: number }[]>`SELECT "id" FROM "Server" WHERE "id" = ${serverId} FOR UPDATE`;
    return rows.length ? this.read(tx, serverId) : null;
  }

  /** A server whose row this transaction already holds locked. */
  read(tx: TransactionClient, serverId: number): Promise<LockedServer | null> {
    return tx.server.findUnique({ where: { id: serverId }, include: { currentAllocation: true } });
  }

  startAllocation(tx: TransactionClient, data: Prisma.AllocationUncheckedCreateInput): Promise<Allocation> {
    return tx.allocation.create({ data });
  }

  endAllocation(tx: TransactionClient, allocationId: number, endedBy: AllocationEnd, at: Date): Promise<Allocation> {
    return tx.allocation.update({ where: { id: allocationId }, data: { endedAt: at, endedBy } });
  }

  async apply(tx: TransactionClient, server: LockedServer, change: StateChange): Promise<LockedServer> {
    const updated = await tx.server.update({ where: { id: server.id }, data: { status: change.to, ...change.set }, include: { currentAllocation: true } });
    const audit = await tx.serverEvent.create({
      data: {
        serverId: server.id, actor: change.actor.name, command: change.command, fromStatus: change.from, toStatus: change.to,
        subState: change.subState ?? null, reason: change.reason ?? null, operationUuid: change.operationUuid ?? null, allocationId: change.allocation?.id ?? null,
      },
    });
    const payload: ServerEventPayload = {
      server: { id: server.id, hostname: server.hostname, locationId: server.locationId, instanceTypeId: server.instanceTypeId },
      command: change.command, from: change.from, to: change.to, actor: change.actor.name,
      subState: change.subState ?? null, reason: change.reason ?? null, operationUuid: change.operationUuid ?? null,
      allocation: eventAllocation(change.allocation),
    };
    await this.outbox.write(tx, change.events.map((type) => ({
      type, serverId: server.id, serverEventId: audit.id,
      payload: type === EventType.BaselineRequested && change.baselineCause ? { ...payload, baseline: { cause: change.baselineCause } } : payload,
    })));
    return updated;
  }
}
