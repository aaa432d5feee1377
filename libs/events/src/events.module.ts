import { Module } from '@nestjs/common';
import { DeliveryQueueRepository } from './dispatcher/delivery-queue.repository';
import { EventDispatcher } from './dispatcher/event-dispatcher';
import { HooksService } from './hooks/hooks.service';
import { OutboxRepository } from './outbox.repository';
import { ServerHistory } from './server-history';

@Module({
  providers: [OutboxRepository, DeliveryQueueRepository, EventDispatcher, HooksService, ServerHistory],
  exports: [OutboxRepository, EventDispatcher, HooksService, ServerHistory],
})
export class EventsModule {}
