import { Injectable } from '@nestjs/common';
import { AllocationEnd, inTransaction, IsolationSubState, PrismaService } from '@app/database';
import { ErrorCode, NotFoundError } from '@app/errors';
import { BaselineCause, EventType } from '@app/events';
import { ServerCommand, Status, transitionFor } from '@app/lifecycle';
import { CommandResult, commandResult } from './command-result';
import { Actor, LockedServer, ServerFields, ServerStateRepository } from './server-state.repository';

/** What a command does to the server it found, decided before anything is written. */
export interface ChangePlan {
  set?: ServerFields;
  /** End the server's current allocation this way. */
  endAllocation?: AllocationEnd;
  subState?: IsolationSubState;
  reason?: string | null;
  operationUuid?: string | null;
  events: EventType[];
  baselineCause?: BaselineCause;
  message: string;
}

/** The command finds its work already done: answered 200 with this message, nothing written. */
export interface AlreadyDone {
  alreadyDone: string;
}

export type Planner = (server: LockedServer, now: Date) => ChangePlan | AlreadyDone;

/**
 * Runs a command on one server: locks its row, asks the lifecycle table, and writes the new state
 * with its audit row and events, all in one transaction. Two commands on one server queue on the
 * row lock, so the second one sees what the first one did.
 */
@Injectable()
export class CommandRunner {
  constructor(
    private readonly prisma: PrismaService,
    private readonly states: ServerStateRepository,
  ) {}

  run(serverId: number, command: ServerCommand, actor: Actor, plan: Planner): Promise<CommandResult> {
    return inTransaction(this.prisma, async (tx) => {
      const server = await this.states.lock(tx, serverId);
      if (!server) throw new NotFoundError(ErrorCode.SERVER_NOT_FOUND, 'Server', serverId);
      const now = new Date();
      const planned = plan(server, now);
      if ('alreadyDone' in planned) return commandResult(command, false, planned.alreadyDone, server, null);
      const transition = transitionFor(server.status, command, serverId);
      if (transition.noop) return commandResult(command, false, `Server ${serverId} is already ${server.status}: nothing to do`, server, null);
      const to: Status = transition.to === 'restore' ? (server.quarantinedFrom as Status) : transition.to;

      const ended = planned.endAllocation && server.currentAllocation
        ? await this.states.endAllocation(tx, server.currentAllocation.id, planned.endAllocation, now)
        : null;
      const updated = await this.states.apply(tx, server, {
        command, from: server.status, to, actor,
        set: { ...planned.set, ...(ended && { currentAllocationId: null }) },
        subState: planned.subState, reason: planned.reason, operationUuid: planned.operationUuid,
        allocation: ended, events: planned.events, baselineCause: planned.baselineCause,
      });
      return commandResult(command, true, planned.message, updated, ended);
    });
  }
}
