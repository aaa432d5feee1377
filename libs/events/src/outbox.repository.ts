import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionClient } from '@app/database';
import { EventType, ServerEventPayload } from './event-types';

export interface NewOutboxEvent {
  type: EventType;
  serverId: number;
  serverEventId: bigint;
  payload: ServerEventPayload;
}

/**
 * Writes events in the caller's transaction, so that they exist exactly when the state change does,
 * and one delivery per enabled hook that wants each of them: nothing to deliver is ever lost between
 * a commit and the dispatcher.
 */
@Injectable()
export class OutboxRepository {
  async write(tx: TransactionClient, events: NewOutboxEvent[]): Promise<string[]> {
    const ids: string[] = [];
    // One at a time: the sequence must follow the order of the list (createMany does not promise it).
    for (const event of events) {
      const row = await tx.outboxEvent.create({ data: { id: randomUUID(), ...event, payload: event.payload as object } });
      await tx.$executeRaw`
        INSERT INTO "HookDelivery" ("hookId", "eventId", "serverId", "sequence")
        SELECT h."id", ${row.id}::uuid, ${row.serverId}, ${row.sequence}
        FROM "Hook" h
        WHERE h."enabled" AND (cardinality(h."eventTypes") = 0 OR ${row.type} = ANY(h."eventTypes"))`;
      ids.push(row.id);
    }
    return ids;
  }
}
