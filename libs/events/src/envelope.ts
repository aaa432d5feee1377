import { OutboxEvent } from '@app/database';
import { EventType, ServerEventPayload } from './event-types';

/** The JSON body of every delivery; `id` stays the same across retries, so receivers deduplicate on it. */
export interface EventEnvelope {
  id: string;
  type: EventType;
  occurredAt: string;
  /** Null for an event of the fleet rather than of one server (maintenance.started, maintenance.ended). */
  serverId: number | null;
  payload: ServerEventPayload;
}

export function envelopeOf(
  event: Pick<OutboxEvent, 'id' | 'type' | 'occurredAt' | 'serverId' | 'payload'>,
): EventEnvelope {
  return {
    id: event.id,
    type: event.type as EventType,
    occurredAt: event.occurredAt.toISOString(),
    serverId: event.serverId,
    payload: event.payload as unknown as ServerEventPayload,
  };
}
