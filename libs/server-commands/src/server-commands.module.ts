import { Module } from '@nestjs/common';
import { OutboxRepository } from '@app/events';
import { QuotaRepository } from '@app/quota';
import { CommandRunner } from './command-runner';
import { IdempotencyRepository } from './idempotency.repository';
import { ServerCommandsService } from './server-commands.service';
import { ServerStateRepository } from './server-state.repository';
import { AllocateServer } from './usecases/allocate-server';

@Module({
  providers: [OutboxRepository, QuotaRepository, ServerStateRepository, IdempotencyRepository, CommandRunner, ServerCommandsService, AllocateServer],
  exports: [ServerCommandsService, AllocateServer, CommandRunner],
})
export class ServerCommandsModule {}
