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

/** Writes events in the caller's transaction, so that they exist exactly when the state change does. */
@Injectable()
export class OutboxRepository {
  async write(tx: TransactionClient, events: NewOutboxEvent[]): Promise<string[]> {
    const rows = events.map((event) => ({ id: randomUUID(), ...event, payload: event.payload as object }));
    // One at a time: the sequence must follow the order of the list (createMany does not promise it).
    for (const row of rows) await tx.outboxEvent.create({ data: row });
    return rows.map((row) => row.id);
  }
}
