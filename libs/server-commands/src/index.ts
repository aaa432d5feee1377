export { ServerCommandsModule } from './server-commands.module';
export { ServerCommandsService, type IsolateRequest } from './server-commands.service';
export { AllocateServer, type AllocateRequest } from './usecases/allocate-server';
export { BaselineWatchdog } from './baseline-watchdog';
export type { CommandResult } from './command-result';
export type { Actor } from './server-state.repository';
