import { Module } from '@nestjs/common';
import { DeliveryQueueRepository } from './dispatcher/delivery-queue.repository';
import { EventDispatcher } from './dispatcher/event-dispatcher';
import { HooksService } from './hooks/hooks.service';
import { ServerHistory } from './server-history';

@Module({
  providers: [DeliveryQueueRepository, EventDispatcher, HooksService, ServerHistory],
  exports: [EventDispatcher, HooksService, ServerHistory],
})
export class EventsModule {}
