import { Module } from '@nestjs/common';
import { EventsModule } from '@app/events';
import { QuotaRepository } from '@app/quota';
import { BaselineWatchdog } from './baseline-watchdog';
import { CommandRunner } from './command-runner';
import { IdempotencyRepository } from './idempotency.repository';
import { ServerCommandsService } from './server-commands.service';
import { ServerStateRepository } from './server-state.repository';
import { AllocateServers } from './usecases/allocate-servers';
import { CheckQuota } from './usecases/check-quota';

@Module({
  imports: [EventsModule],
  providers: [QuotaRepository, ServerStateRepository, IdempotencyRepository, CommandRunner, ServerCommandsService, AllocateServers, CheckQuota, BaselineWatchdog],
  exports: [ServerCommandsService, AllocateServers, CheckQuota, BaselineWatchdog],
})
export class ServerCommandsModule {}
