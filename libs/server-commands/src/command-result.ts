import { Allocation } from '@app/database';
import { AllocationView, ServerView, toAllocationView, toServerView } from '@app/inventory';
import { ServerCommand } from '@app/lifecycle';
import { LockedServer } from './server-state.repository';

/** What every server command answers: the server's resulting state, and whether the call changed it. */
export interface CommandResult {
  command: ServerCommand;
  /** False when the call found its work already done (a repeat). */
  changed: boolean;
  message: string;
  server: ServerView;
  /** The allocation the command started or ended, if any. */
  allocation: AllocationView | null;
}

export function commandResult(
  command: ServerCommand,
  changed: boolean,
  message: string,
  server: LockedServer,
  allocation: Allocation | null,
): CommandResult {
  return {
    command,
    changed,
    message,
    server: toServerView(server),
    allocation: allocation && toAllocationView(allocation),
  };
}
