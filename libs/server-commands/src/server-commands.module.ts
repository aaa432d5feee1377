import { Module } from '@nestjs/common';
import { EventsModule } from '@app/events';
import { InventoryModule } from '@app/inventory';
import { QuotaRepository } from '@app/quota';
import { BaselinePacer } from './baseline-pacer';
import { BaselineWatchdog } from './baseline-watchdog';
import { CommandRunner } from './command-runner';
import { DestructiveLimit } from './destructive-limit';
import { IdempotencyKeySweeper } from './idempotency';
import { ServerCommandsService } from './server-commands.service';
import { ServerStateRepository } from './server-state.repository';
import { AllocateServers } from './usecases/allocate-servers';
import { CheckQuota } from './usecases/check-quota';
import { AddServers } from './usecases/add-servers';
import { ReplaceServer } from './usecases/replace-server';

@Module({
  imports: [EventsModule, InventoryModule],
  providers: [
    QuotaRepository,
    ServerStateRepository,
    IdempotencyKeySweeper,
    CommandRunner,
    DestructiveLimit,
    ServerCommandsService,
    AllocateServers,
    CheckQuota,
    AddServers,
    ReplaceServer,
    BaselineWatchdog,
    BaselinePacer,
  ],
  exports: [
    ServerCommandsService,
    AllocateServers,
    CheckQuota,
    AddServers,
    ReplaceServer,
    BaselineWatchdog,
    BaselinePacer,
  ],
})
export class ServerCommandsModule {}
