import { Module } from '@nestjs/common';
import { EventsModule } from '@app/events';
import { QuotaRepository } from '@app/quota';
import { BaselineWatchdog } from './baseline-watchdog';
import { CommandRunner } from './command-runner';
import { IdempotencyRepository } from './idempotency.repository';
import { ServerCommandsService } from './server-commands.service';
import { ServerStateRepository } from './server-state.repository';
import { AllocateServer } from './usecases/allocate-server';

@Module({
  imports: [EventsModule],
  providers: [QuotaRepository, ServerStateRepository, IdempotencyRepository, CommandRunner, ServerCommandsService, AllocateServer, BaselineWatchdog],
  exports: [ServerCommandsService, AllocateServer, BaselineWatchdog],
})
export class ServerCommandsModule {}
