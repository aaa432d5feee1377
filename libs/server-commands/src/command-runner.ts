import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Allocation, AllocationEnd, isTransientConflict, IsolationSubState, PrismaService } from '@app/database';
import { ErrorCode, NotFoundError } from '@app/errors';
import { BaselineCause, EventType } from '@app/events';
import { Condition, restoredStatus, ServerCommand, Status, Transition, transitionFor } from '@app/lifecycle';
import { CommandResult, commandResult } from './command-result';
import { DestructiveLimit } from './destructive-limit';
import {
  Actor,
  ClientAllocation,
  LockedServer,
  ServerFields,
  ServerStateRepository,
  StateChange,
} from './server-state.repository';

/** What a command does to the server it found, decided before anything is written. */
export interface ChangePlan {
  set?: ServerFields;
  /** End the server's current allocation this way (or `ending`, an allocation of the server that ended already). */
  endAllocation?: AllocationEnd;
  ending?: Allocation;
  /**
   * Not a lifecycle transition: the server keeps its status (a compensation of an allocation that ended
   * already corrects billing, and leaves the server where it is). Audited and evented like any command.
   */
  keepsStatus?: true;
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

export type Planner = (
  server: LockedServer,
  now: Date,
  named: {
    clientAllocation: ClientAllocation | null;
    /** Where the lifecycle table sends the command from this server (409 when nowhere). */
    destination: () => Status;
  },
) => ChangePlan | AlreadyDone;

export interface RunOptions {
  /** The client the command names (de-allocate, compensate), 404 when it does not exist. */
  clientId?: number;
  /** Read the named client's latest allocation of the server for the planner (compensate needs it). */
  withClientAllocation?: boolean;
  /** What staff state with the command (its disks are destroyed), besides the server's own marks. */
  conditions?: Condition[];
}

/** The server's marks that decide, with its status, where a command leads (libs/lifecycle). */
export function conditionsOf(server: Pick<LockedServer, 'retiring' | 'maintenanceId'>): Condition[] {
  return [
    ...(server.retiring ? (['markedToRetire'] as const) : []),
    ...(server.maintenanceId !== null ? (['inMaintenance'] as const) : []),
  ];
}

/** The allocation a plan ends, and how: the one it names, else the server's current one. */
function endingOf(server: LockedServer, plan: ChangePlan): { allocation: Allocation; as: AllocationEnd } | undefined {
  const allocation = plan.ending ?? server.currentAllocation;
  return plan.endAllocation && allocation ? { allocation, as: plan.endAllocation } : undefined;
}

/** The server as a caller naming `clientId` may see it: without an allocation that is another client's. */
function visibleTo(server: LockedServer, clientId: number | undefined): LockedServer {
  const foreign = clientId !== undefined && server.currentAllocation && server.currentAllocation.clientId !== clientId;
  return foreign ? { ...server, currentAllocation: null } : server;
}

/**
 * A Back to Baseline run exists exactly while the server is baselining (a CHECK holds it): entering the
 * state starts a new run, with a new id; leaving it ends the run.
 */
function baselineRunOf(server: LockedServer, to: Status): string | null {
  if (to !== 'baselining') return null;
  return server.status === 'baselining' ? server.baselineId : randomUUID();
}

/** Far more than two commands racing for one server ever need; a bound, not a policy. */
const MAX_ATTEMPTS = 50;

/**
 * Runs a command on one server: reads it, asks the lifecycle table, and writes the new state with its
 * audit row and events in one statement that applies only if the server is still as it was read.
 * When another command got there first, it reads again and decides again, so the second of two
 * commands always sees what the first one did. Two round trips, and no lock held in between.
 */
@Injectable()
export class CommandRunner {
  constructor(
    private readonly prisma: PrismaService,
    private readonly states: ServerStateRepository,
    private readonly destructiveLimit: DestructiveLimit,
  ) {}

  async run(
    serverId: number,
    command: ServerCommand,
    actor: Actor,
    plan: Planner,
    { clientId, withClientAllocation = false, conditions: stated = [] }: RunOptions = {},
  ): Promise<CommandResult> {
    let slotTaken = false;
    for (let attempt = 1; ; attempt++) {
      const { server, clientExists, clientAllocation } = await this.states.read(
        this.prisma.sql,
        serverId,
        clientId,
        withClientAllocation,
      );
      if (!clientExists) throw new NotFoundError(ErrorCode.CLIENT_NOT_FOUND, 'Client', clientId!);
      if (!server) throw new NotFoundError(ErrorCode.SERVER_NOT_FOUND, 'Server', serverId);
      const now = new Date();
      const conditions = [...conditionsOf(server), ...stated];
      const transitionOf = () => transitionFor(server.status, command, serverId, conditions);
      const destinationOf = (to: Transition['to']) =>
        to === 'restore' ? restoredStatus(server.quarantinedFrom as Status, conditions) : to;
      const planned = plan(server, now, { clientAllocation, destination: () => destinationOf(transitionOf().to) });
      // Another client's allocation is not this caller's to see.
      if ('alreadyDone' in planned)
        return commandResult(command, false, planned.alreadyDone, visibleTo(server, clientId), null);
      const transition = planned.keepsStatus ? { from: server.status, command, to: server.status } : transitionOf();
      if ('noop' in transition && transition.noop)
        return commandResult(
          command,
          false,
          `Server ${serverId} is already ${server.status}: nothing to do`,
          server,
          null,
        );
      const to = destinationOf(transition.to);
      const baselineId = baselineRunOf(server, to);

      const ending = endingOf(server, planned);
      if (ending && ending.allocation.endedAt === null && !slotTaken) {
        await this.destructiveLimit.takeSlot(actor, now);
        slotTaken = true;
      }
      const change: StateChange = {
        command,
        from: server.status,
        to,
        actor,
        at: now,
        set: { ...planned.set, baselineId },
        subState: planned.subState,
        reason: planned.reason,
        operationUuid: planned.operationUuid,
        endAllocation: ending,
        events: planned.events.map((type) => ({
          type,
          extra:
            type === EventType.BaselineRequested && planned.baselineCause
              ? { baseline: { cause: planned.baselineCause, id: baselineId } }
              : undefined,
        })),
      };
      // A deadlock (with the import, say, which locks pools before servers) rolled the statement back: decide again.
      const written = await this.states.apply(this.prisma.sql, server, change).catch((error: unknown) => {
        if (isTransientConflict(error)) return null;
        throw error;
      });
      if (written) return commandResult(command, true, planned.message, written.server, written.ended);
      if (attempt >= MAX_ATTEMPTS) throw new Error(`Server ${serverId} kept changing under command ${command}`);
    }
  }
}
