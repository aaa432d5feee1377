import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Allocation, AllocationEnd, isTransientConflict, IsolationSubState, PrismaService } from '@app/database';
import { ErrorCode, NotFoundError } from '@app/errors';
import { BaselineCause, EventType } from '@app/events';
import {
  Condition,
  divertingConditions,
  restoredStatus,
  ServerCommand,
  Status,
  Transition,
  transitionFor,
} from '@app/lifecycle';
import { CommandResult, commandResult } from './command-result';
import { DestructiveLimit } from './destructive-limit';
import {
  Actor,
  ClientAllocation,
  LockedServer,
  Presumption,
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

/** What a caller presumes; the marks that would divert the command are read from the lifecycle table. */
type PresumedState = Omit<Presumption, 'unmarked'>;

export interface RunOptions {
  /** The client the command names (de-allocate, compensate), 404 when it does not exist. */
  clientId?: number;
  /** Read the named client's latest allocation of the server for the planner (compensate needs it). */
  withClientAllocation?: boolean;
  /** What staff state with the command (its disks are destroyed), besides the server's own marks. */
  conditions?: Condition[];
  /**
   * The state the command usually finds the server in (MetalWorks' de-allocate and available): it is first written
   * without a read, on a server in that state without the marks that would lead it elsewhere, and read and decided
   * as usual when the server is otherwise. A planner given a presumption reads only what it states.
   */
  presume?: PresumedState;
}

/** The server as a command presumes it: its status and what `presumption` states; no mark, nothing else known. */
function presumedServer(serverId: number, presumption: PresumedState): LockedServer {
  const { from, heldBy, baselineId = null } = presumption;
  const currentAllocation = heldBy === undefined ? null : ({ clientId: heldBy, endedAt: null } as Allocation);
  return {
    id: serverId,
    status: from,
    retiring: false,
    maintenanceId: null,
    baselineId,
    currentAllocation,
  } as LockedServer;
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

/** A change to write, the message that answers it, and whether it ends an open allocation (DESTRUCTIVE_LIMIT). */
interface Write {
  change: StateChange;
  message: string;
  endsOpenAllocation: boolean;
}

/** What a command decided for the server it found: an answer with nothing written, or a change to write. */
type Decision = { answer: CommandResult } | Write;

interface Found {
  server: LockedServer;
  conditions: Condition[];
  clientAllocation: ClientAllocation | null;
}

/** Asks the planner and the lifecycle table what `command` does to `server`; throws the refusal (409) if anything. */
function decide(command: ServerCommand, actor: Actor, plan: Planner, found: Found, clientId?: number): Decision {
  const { server, conditions, clientAllocation } = found;
  const now = new Date();
  const transitionOf = () => transitionFor(server.status, command, server.id, conditions);
  const destinationOf = (to: Transition['to']) =>
    to === 'restore' ? restoredStatus(server.quarantinedFrom as Status, conditions) : to;
  const planned = plan(server, now, { clientAllocation, destination: () => destinationOf(transitionOf().to) });
  // Another client's allocation is not this caller's to see.
  if ('alreadyDone' in planned)
    return { answer: commandResult(command, false, planned.alreadyDone, visibleTo(server, clientId), null) };
  const transition = planned.keepsStatus ? { from: server.status, command, to: server.status } : transitionOf();
  if ('noop' in transition && transition.noop) {
    const message = `Server ${server.id} is already ${server.status}: nothing to do`;
    return { answer: commandResult(command, false, message, server, null) };
  }
  return changeFor(command, actor, server, planned, destinationOf(transition.to), now);
}

/** The change `planned` makes to `server`, with its audit row and events. */
function changeFor(
  command: ServerCommand,
  actor: Actor,
  server: LockedServer,
  planned: ChangePlan,
  to: Status,
  now: Date,
): Write {
  const baselineId = baselineRunOf(server, to);
  // The allocation the plan names is one that ended already; else it ends the server's current one.
  const ending = planned.endAllocation ? (planned.ending ?? server.currentAllocation) : null;
  const endsCurrent = ending !== null && planned.ending === undefined;
  const change: StateChange = {
    command,
    from: server.status,
    to,
    actor,
    at: now,
    set: { ...planned.set, baselineId, ...(endsCurrent && { currentAllocationId: null }) },
    subState: planned.subState,
    reason: planned.reason,
    operationUuid: planned.operationUuid,
    endAllocation: ending ? { allocationId: ending.id, as: planned.endAllocation! } : undefined,
    events: planned.events.map((type) => ({
      type,
      extra:
        type === EventType.BaselineRequested && planned.baselineCause
          ? { baseline: { cause: planned.baselineCause, id: baselineId } }
          : undefined,
    })),
  };
  return { change, message: planned.message, endsOpenAllocation: ending !== null && ending.endedAt === null };
}

/** A deadlock (with the import, say, which locks pools before servers) rolled the statement back: decide again. */
const unlessTransient = (error: unknown) => {
  if (isTransientConflict(error)) return null;
  throw error;
};

/** Far more than two commands racing for one server ever need; a bound, not a policy. */
const MAX_ATTEMPTS = 50;

/**
 * Runs a command on one server: reads it, asks the lifecycle table, and writes the new state with its
 * audit row and events in one statement that applies only if the server is still as it was read.
 * When another command got there first, it reads again and decides again, so the second of two
 * commands always sees what the first one did. Two round trips, and no lock held in between; one when the server
 * is as the command presumed.
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
    { clientId, withClientAllocation = false, conditions: stated = [], presume }: RunOptions = {},
  ): Promise<CommandResult> {
    const presumed = presume && (await this.runPresumed(serverId, command, actor, plan, presume));
    if (presumed) return presumed;
    let slotTaken = false;
    for (let attempt = 1; ; attempt++) {
      const { server, conditions, clientExists, clientAllocation } = await this.states.read(
        this.prisma.sql,
        serverId,
        clientId,
        withClientAllocation,
      );
      if (!clientExists) throw new NotFoundError(ErrorCode.CLIENT_NOT_FOUND, 'Client', clientId!);
      if (!server) throw new NotFoundError(ErrorCode.SERVER_NOT_FOUND, 'Server', serverId);
      const found = { server, conditions: [...conditions, ...stated], clientAllocation };
      const decision = decide(command, actor, plan, found, clientId);
      if ('answer' in decision) return decision.answer;
      if (decision.endsOpenAllocation && !slotTaken) {
        await this.destructiveLimit.takeSlot(actor, decision.change.at);
        slotTaken = true;
      }
      const target = { version: server.version };
      const written = await this.states
        .apply(this.prisma.sql, serverId, decision.change, target)
        .catch(unlessTransient);
      if (written) return commandResult(command, true, decision.message, written.server, written.ended);
      if (attempt >= MAX_ATTEMPTS) throw new Error(`Server ${serverId} kept changing under command ${command}`);
    }
  }

  /** The command written on the server as presumed, without reading it; null when the server is otherwise. */
  private async runPresumed(
    serverId: number,
    command: ServerCommand,
    actor: Actor,
    plan: Planner,
    presume: PresumedState,
  ): Promise<CommandResult | null> {
    const found = { server: presumedServer(serverId, presume), conditions: [], clientAllocation: null };
    const decision = decide(command, actor, plan, found);
    // Only a write is answered from a presumption, and only one that takes no slot of the destructive limit.
    if ('answer' in decision || (decision.endsOpenAllocation && this.destructiveLimit.applies(actor))) return null;
    const target = { presumed: { ...presume, unmarked: divertingConditions(presume.from, command) } };
    const written = await this.states.apply(this.prisma.sql, serverId, decision.change, target).catch(unlessTransient);
    return written && commandResult(command, true, decision.message, written.server, written.ended);
  }
}
