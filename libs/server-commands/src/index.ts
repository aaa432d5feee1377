export { ServerCommandsModule } from './server-commands.module';
export { ServerCommandsService, type IsolateRequest } from './server-commands.service';
export {
  AllocateServers,
  type AllocateBatchRequest,
  type AllocateRequest,
  type BatchResult,
  type Caller,
} from './usecases/allocate-servers';
export { CheckQuota, type QuotaCheck, type QuotaCheckRequest } from './usecases/check-quota';
export { AddServers, type NewServer } from './usecases/add-servers';
export { ReplaceServer, type ReplaceRequest, type ReplaceResult } from './usecases/replace-server';
export type { Spread } from './allocation-query';
export { BaselinePacer } from './baseline-pacer';
export { BaselineWatchdog } from './baseline-watchdog';
export type { CommandResult } from './command-result';
export type { Actor } from './server-state.repository';
export { invariantViolations, NO_VIOLATIONS } from './fleet-invariants';
export { IdempotencyKeySweeper } from './idempotency';
export { standaloneServerCommands } from './standalone';
