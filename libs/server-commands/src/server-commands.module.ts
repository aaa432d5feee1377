import { Module } from '@nestjs/common';
import { EventsModule } from '@app/events';
import { InventoryModule } from '@app/inventory';
import { QuotaRepository } from '@app/quota';
import { BaselineWatchdog } from './baseline-watchdog';
import { CommandRunner } from './command-runner';
import { IdempotencyKeySweeper } from './idempotency';
import { ServerCommandsService } from './server-commands.service';
import { ServerStateRepository } from './server-state.repository';
import { AllocateServers } from './usecases/allocate-servers';
import { CheckQuota } from './usecases/check-quota';
import { AddServers } from './usecases/add-servers';

@Module({
  imports: [EventsModule, InventoryModule],
  providers: [
    QuotaRepository,
    ServerStateRepository,
    IdempotencyKeySweeper,
    CommandRunner,
    ServerCommandsService,
    AllocateServers,
    CheckQuota,
    AddServers,
    BaselineWatchdog,
  ],
  exports: [ServerCommandsService, AllocateServers, CheckQuota, AddServers, BaselineWatchdog],
})
export class ServerCommandsModule {}
