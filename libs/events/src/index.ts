export { EventType, type BaselineCause, type EventAllocation, type EventServer, type ServerEventPayload } from './event-types';
export { OutboxRepository, type NewOutboxEvent } from './outbox.repository';
