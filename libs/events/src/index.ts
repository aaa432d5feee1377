export {
  EventType,
  type BaselineCause,
  type EventAllocation,
  type EventServer,
  type ServerEventPayload,
} from './event-types';
export { outboxCte } from './outbox-sql';
export { EventsModule } from './events.module';
export { EventDispatcher } from './dispatcher/event-dispatcher';
export { DeliveryQueueRepository } from './dispatcher/delivery-queue.repository';
export { HookTargetPolicy } from './hooks/hook-target-policy';
export {
  HooksService,
  type DeliveryFilter,
  type DeliveryHealth,
  type DeliveryView,
  type HookInput,
  type HookView,
} from './hooks/hooks.service';
export { ServerHistory, type HistoryEntry } from './server-history';
export { envelopeOf, type EventEnvelope } from './envelope';
