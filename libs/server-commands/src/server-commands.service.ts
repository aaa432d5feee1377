import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { IsolationSubState } from '@app/database';
import { DomainError, ErrorCode, InvalidFieldError } from '@app/errors';
import { EventType } from '@app/events';
import { CommandResult } from './command-result';
import { ChangePlan, CommandRunner } from './command-runner';
import { Actor, LockedServer } from './server-state.repository';

export interface RetireRequest {
  reason: string;
  /** `wiped` (the default): a final Back to Baseline first when it is isolated; `disksDestroyed`: staff state so. */
  disposal?: 'wiped' | 'disksDestroyed';
}

/** The server leaves the fleet: nothing of its isolation, wipe or mark to retire stays on it. */
function intoRetirement(message: string, reason?: string, events = [EventType.ServerRetired]): ChangePlan {
  return {
    set: { subState: null, isolationReason: null, baselineStartedAt: null, retiring: false },
    reason,
    events,
    message,
  };
}

/** A server of an open maintenance that would go back to clients is isolated in it instead. */
function intoMaintenance(server: LockedServer, message: string): ChangePlan {
  const reason = `in maintenance ${server.maintenanceId}`;
  return {
    set: { subState: 'maintenance', isolationReason: reason, baselineStartedAt: null },
    subState: 'maintenance',
    reason,
    events: [EventType.ServerIsolated],
    message,
  };
}

export interface IsolateRequest {
  subState: IsolationSubState;
  reason?: string | null;
  operationUuid?: string | null;
}

function isolationPlan(server: LockedServer, request: IsolateRequest): ChangePlan {
  return {
    endAllocation: server.status === 'allocated' ? 'ISOLATED' : undefined,
    set: { subState: request.subState, isolationReason: request.reason ?? null, baselineStartedAt: null },
    subState: request.subState,
    reason: request.reason ?? null,
    operationUuid: request.operationUuid ?? null,
    events: [EventType.ServerIsolated],
    message:
      server.status === 'isolated'
        ? `Isolation of server ${server.id} updated: ${request.subState}`
        : `Server ${server.id} isolated: ${request.subState}${server.status === 'allocated' ? '; its allocation ended and its quota was given back' : ''}`,
  };
}

/** The server commands of seed 003 other than allocate (see usecases/allocate-servers.ts). */
@Injectable()
export class ServerCommandsService {
  constructor(
    private readonly runner: CommandRunner,
    private readonly config: AppConfig,
  ) {}

  deallocate(clientId: number, serverId: number, actor: Actor): Promise<CommandResult> {
    return this.runner.run(
      serverId,
      'deallocate',
      actor,
      (server, now) =>
        server.currentAllocation?.clientId !== clientId
          ? { alreadyDone: `Client ${clientId} holds no allocation of server ${serverId}: already de-allocated` }
          : {
              endAllocation: 'RELEASED',
              set: { baselineStartedAt: now },
              events: [EventType.ServerDeallocated, EventType.BaselineRequested],
              baselineCause: 'deallocated',
              message: `Server ${serverId} de-allocated from client ${clientId}; Back to Baseline requested`,
            },
      { clientId, presume: { from: 'allocated', heldBy: clientId } },
    );
  }

  /**
   * The delivery of the client's latest allocation of the server failed: it is not billed. Open, it ends
   * COMPENSATED and the server goes through Back to Baseline; already ended (isolated with failedDelivery, or
   * released), it is marked COMPENSATED and the server stays where it is. Once the server was allocated again
   * (to anyone), the allocation is history: 409 ALLOCATION_SUPERSEDED. A repeat is a no-op.
   */
  compensate(clientId: number, serverId: number, actor: Actor): Promise<CommandResult> {
    return this.runner.run(
      serverId,
      'compensate',
      actor,
      (server, now, { clientAllocation }) => {
        const latest = clientAllocation?.allocation;
        if (!latest) return { alreadyDone: `Client ${clientId} never held server ${serverId}: nothing to compensate` };
        if (latest.endedBy === 'COMPENSATED') {
          return {
            alreadyDone: `Allocation ${latest.id} of server ${serverId} to client ${clientId} is compensated already`,
          };
        }
        if (clientAllocation.allocatedSince) {
          throw new DomainError(
            ErrorCode.ALLOCATION_SUPERSEDED,
            `Server ${serverId} was allocated again after allocation ${latest.id} of client ${clientId}: that allocation can no longer be compensated`,
            { serverId, clientId, allocationId: latest.id },
          );
        }
        if (latest.endedAt === null) {
          return {
            endAllocation: 'COMPENSATED',
            set: { baselineStartedAt: now },
            events: [EventType.ServerCompensated, EventType.BaselineRequested],
            baselineCause: 'compensated',
            message: `Allocation of server ${serverId} to client ${clientId} compensated (not billed, quota given back); Back to Baseline requested`,
          };
        }
        return {
          endAllocation: 'COMPENSATED',
          ending: latest,
          keepsStatus: true,
          events: [EventType.ServerCompensated],
          message: `Allocation ${latest.id} of server ${serverId} to client ${clientId} (ended ${latest.endedBy}) compensated: not billed; the server stays ${server.status}`,
        };
      },
      { clientId, withClientAllocation: true },
    );
  }

  isolate(serverId: number, request: IsolateRequest, actor: Actor): Promise<CommandResult> {
    return this.runner.run(serverId, 'isolate', actor, (server) => isolationPlan(server, request));
  }

  /** The watchdog's isolate: re-checked under the row lock, so a baseline that just ended is left alone. */
  isolateStaleBaseline(serverId: number, dispatchedBefore: Date, actor: Actor): Promise<CommandResult> {
    return this.runner.run(serverId, 'isolate', actor, (server) =>
      server.status === 'baselining' && server.baselineDispatchedAt && server.baselineDispatchedAt < dispatchedBefore
        ? isolationPlan(server, {
            subState: 'baselineTimeout',
            reason: `Back to Baseline did not finish within the allowed time (dispatched ${server.baselineDispatchedAt.toISOString()})`,
          })
        : { alreadyDone: `Server ${serverId} is no longer in an overdue Back to Baseline` },
    );
  }

  unisolate(serverId: number, actor: Actor): Promise<CommandResult> {
    return this.runner.run(serverId, 'unisolate', actor, (_, now) => ({
      set: { subState: null, isolationReason: null, baselineStartedAt: now },
      events: [EventType.ServerUnisolated, EventType.BaselineRequested],
      baselineCause: 'unisolated',
      message: `Server ${serverId} out of isolation; Back to Baseline requested`,
    }));
  }

  /**
   * Back to Baseline succeeded. `baselineId` names the run that succeeded: a run that is no longer the
   * server's current one (a late or repeated callback, a replayed delivery) changes nothing, so that no server
   * reaches a client unwiped. Seed 003 sends no id; REQUIRE_BASELINE_ID makes it mandatory. A server marked to
   * retire is retired now; one of an open maintenance joins it (isolated) instead of going back to clients.
   */
  markAvailable(serverId: number, baselineId: string | undefined, actor: Actor): Promise<CommandResult> {
    if (!baselineId && this.config.requireBaselineId) {
      throw new InvalidFieldError(
        'baselineId',
        'is required (REQUIRE_BASELINE_ID): the id of the Back to Baseline run that succeeded',
      );
    }
    const presume = { from: 'baselining', baselineId } as const;
    return this.runner.run(
      serverId,
      'available',
      actor,
      (server, _, { destination }) => {
        if (server.status === 'baselining' && baselineId && baselineId !== server.baselineId) {
          throw new DomainError(
            ErrorCode.STALE_BASELINE,
            `Back to Baseline ${baselineId} is not the run under way on server ${serverId}: nothing changed`,
            { serverId, baselineId, currentBaselineId: server.baselineId },
          );
        }
        const to = destination();
        if (to === 'retired')
          return intoRetirement(
            `Server ${serverId} wiped and retired, as it was marked to`,
            'wiped after it was marked to retire',
          );
        if (to === 'isolated') return intoMaintenance(server, `Server ${serverId} wiped: it joins maintenance`);
        return {
          set: { baselineStartedAt: null },
          events: [EventType.ServerAvailable],
          message: `Server ${serverId} is Available`,
        };
      },
      { presume },
    );
  }

  quarantine(serverId: number, actor: Actor): Promise<CommandResult> {
    return this.runner.run(serverId, 'quarantine', actor, (server) => ({
      set: { quarantinedFrom: server.status },
      events: [EventType.ServerQuarantined],
      message: `Server ${serverId} quarantined as it was (${server.status}); no command changes it until the quarantine is lifted`,
    }));
  }

  /**
   * The server leaves the fleet for good, never with a client's data on it: at once when it is idle (Available, or
   * isolated with its disks destroyed); after a final Back to Baseline when it is isolated; and marked to retire
   * when it is allocated or in Back to Baseline, so that de-allocate or compensate sends it through Back to Baseline
   * and on to retired. Its allocations, audit trail and events stay.
   */
  retire(serverId: number, request: RetireRequest, actor: Actor): Promise<CommandResult> {
    const { reason, disposal = 'wiped' } = request;
    const conditions = disposal === 'disksDestroyed' ? (['disksDestroyed'] as const) : [];
    return this.runner.run(
      serverId,
      'retire',
      actor,
      (server, now, { destination }) => {
        const to = destination();
        const recorded = disposal === 'disksDestroyed' ? `${reason} (disposal: disksDestroyed)` : reason;
        if (to === 'retired') return intoRetirement(`Server ${serverId} retired: ${reason}`, recorded);
        if (server.retiring && server.status !== 'isolated')
          return { alreadyDone: `Server ${serverId} is marked to retire already` };
        if (to === 'baselining' && server.status === 'isolated') {
          return {
            set: { subState: null, isolationReason: null, baselineStartedAt: now, retiring: true },
            reason: recorded,
            events: [EventType.ServerRetiring, EventType.BaselineRequested],
            baselineCause: 'retiring',
            message: `Server ${serverId} marked to retire: Back to Baseline requested, it is retired once wiped`,
          };
        }
        return {
          set: { retiring: true },
          reason: recorded,
          events: [EventType.ServerRetiring],
          message: `Server ${serverId} marked to retire: it is retired once ${server.status === 'allocated' ? 'released and ' : ''}wiped`,
        };
      },
      { conditions: [...conditions] },
    );
  }

  liftQuarantine(serverId: number, actor: Actor): Promise<CommandResult> {
    return this.runner.run(serverId, 'unquarantine', actor, (server, now, { destination }) => {
      const to = destination();
      if (to === 'isolated') {
        const joined = intoMaintenance(server, `Quarantine of server ${serverId} lifted: it joins maintenance`);
        return { ...joined, set: { ...joined.set, quarantinedFrom: null }, events: [EventType.ServerUnquarantined] };
      }
      if (to === 'retired') {
        const retired = intoRetirement(
          `Quarantine of server ${serverId} lifted: it was idle and marked to retire, so it is retired`,
          undefined,
          [EventType.ServerUnquarantined, EventType.ServerRetired],
        );
        return { ...retired, set: { ...retired.set, quarantinedFrom: null } };
      }
      const rewipe = to === 'baselining';
      // A frozen Back to Baseline starts again as a new run (its request was superseded by the quarantine),
      // with its own clock, so that the watchdog does not count the quarantine.
      return {
        set: { quarantinedFrom: null, ...(rewipe && { baselineStartedAt: now }) },
        events: rewipe ? [EventType.ServerUnquarantined, EventType.BaselineRequested] : [EventType.ServerUnquarantined],
        baselineCause: rewipe ? 'unquarantined' : undefined,
        message: `Quarantine of server ${serverId} lifted: back to ${server.quarantinedFrom}${rewipe ? '; Back to Baseline requested anew' : ''}`,
      };
    });
  }
}
