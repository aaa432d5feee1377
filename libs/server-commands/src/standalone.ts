import { AppConfig } from '@app/config';
import { PrismaService } from '@app/database';
import { InventoryImporter } from '@app/inventory';
import { CommandRunner } from './command-runner';
import { DestructiveLimit } from './destructive-limit';
import { ServerCommandsService } from './server-commands.service';
import { ServerStateRepository } from './server-state.repository';
import { AddServers } from './usecases/add-servers';

/** The same services the HTTP service injects, for the admin command line, which runs without Nest's container. */
export function standaloneServerCommands(prisma: PrismaService, config: AppConfig) {
  return {
    commands: new ServerCommandsService(
      new CommandRunner(prisma, new ServerStateRepository(), new DestructiveLimit(prisma, config)),
      config,
    ),
    adder: new AddServers(prisma, new InventoryImporter(prisma)),
  };
}
