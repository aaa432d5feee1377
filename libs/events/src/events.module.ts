import { Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { DATABASE_URL } from '@app/database';
import { HookTargetPolicy } from './hooks/hook-target-policy';
import { DeliveryQueueRepository } from './dispatcher/delivery-queue.repository';
import { EventDispatcher } from './dispatcher/event-dispatcher';
import { HooksService } from './hooks/hooks.service';
import { ServerHistory } from './server-history';

@Module({
  providers: [
    {
      provide: HookTargetPolicy,
      useFactory: (config: AppConfig, databaseUrl: string) =>
        HookTargetPolicy.fromConfig(config.hookAllowedTargets, databaseUrl),
      inject: [AppConfig, DATABASE_URL],
    },
    DeliveryQueueRepository,
    EventDispatcher,
    HooksService,
    ServerHistory,
  ],
  exports: [DeliveryQueueRepository, EventDispatcher, HooksService, ServerHistory],
})
export class EventsModule {}
