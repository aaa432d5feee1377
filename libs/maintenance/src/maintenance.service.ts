import { Injectable } from '@nestjs/common';
import { Actor, Maintenance, Page, Slice } from '@app/database';
import { DomainError, ErrorCode, NotFoundError } from '@app/errors';
import {
  MaintenanceMember,
  MaintenanceRepository,
  Plan,
  PoolCheck,
  StartOutcome,
  StartRequest,
} from './maintenance.repository';
import { checkSelector, Selector } from './selector';

export interface MaintenanceStarted extends Plan {
  /** Null for a dry run: nothing was written. */
  maintenanceId: number | null;
  /** False for a dry run, and for a repeat of the request that started the maintenance. */
  changed: boolean;
  dryRun: boolean;
  /** Started although the guarantee check found a shortfall (`force`). */
  forced: boolean;
  message: string;
}

export interface MaintenanceEnded {
  maintenanceId: number;
  changed: boolean;
  message: string;
  servers: { id: number; from: string; to: string; retiring: boolean }[];
}

export type MaintenanceSummary = Maintenance & { servers: number };
export type MaintenanceDetail = Maintenance & { servers: MaintenanceMember[] };

/** The refusals of start_maintenance that name a thing that does not exist: 404 saying what was looked for. */
function missing(refusal: string, detail: Record<string, unknown>): DomainError | undefined {
  switch (refusal) {
    case 'SERVER_NOT_FOUND': {
      const ids = detail.serverIds as number[];
      return new DomainError(ErrorCode.SERVER_NOT_FOUND, `No such server: ${ids.join(', ')}`, { id: ids[0] });
    }
    case 'LOCATION_NOT_FOUND':
      return new NotFoundError(ErrorCode.LOCATION_NOT_FOUND, 'Location', detail.locationId as number);
    case 'INSTANCE_TYPE_NOT_FOUND':
      return new DomainError(
        ErrorCode.INSTANCE_TYPE_NOT_FOUND,
        `Instance type ${detail.instanceTypeId as number} is not offered at location ${detail.locationId as number}`,
        detail,
      );
    case 'RACK_NOT_FOUND':
      return new DomainError(
        ErrorCode.RACK_NOT_FOUND,
        `No server of location ${detail.locationId as number} is in rack ${detail.rack as string}`,
        detail,
      );
  }
}

/** Why start_maintenance refused, in the API's words; nothing was written. */
function refusalOf(outcome: StartOutcome, selector: Selector, short: PoolCheck[], shortfall: string): Error {
  const detail = outcome.detail ?? {};
  switch (outcome.refusal) {
    case 'NO_SERVER_SELECTED':
      return new DomainError(
        ErrorCode.NO_SERVER_SELECTED,
        'The selector matches no server (retired servers are never selected)',
        { selector },
      );
    case 'IN_MAINTENANCE': {
      const busy = detail.servers as { serverId: number; maintenanceId: number }[];
      return new DomainError(
        ErrorCode.IN_MAINTENANCE,
        `Already in another open maintenance: ${busy.map((b) => `server ${b.serverId} (maintenance ${b.maintenanceId})`).join(', ')}`,
        { servers: busy },
      );
    }
    case 'GUARANTEE_AT_RISK':
      return new DomainError(
        ErrorCode.GUARANTEE_AT_RISK,
        `The maintenance would leave committed capacity uncovered: ${shortfall}; nothing changed (force: true starts it anyway)`,
        {
          shortfall: short.map(({ locationId, instanceTypeId, availableLeft, reserved, shortfall: n }) => ({
            locationId,
            instanceTypeId,
            availableLeft,
            reserved,
            shortfall: n,
          })),
        },
      );
  }
  return (
    missing(outcome.refusal!, detail) ?? new Error(`start_maintenance refused without a reason: ${outcome.refusal}`)
  );
}

/**
 * Maintenances of many servers at once (a rack, a pool, a list): planned with the guarantee check, started and
 * ended each in one transaction (prisma/sql/maintenance.sql); docs/operations.md walks through one.
 */
@Injectable()
export class MaintenanceService {
  constructor(private readonly maintenances: MaintenanceRepository) {}

  async start(request: StartRequest, actor: Actor): Promise<MaintenanceStarted> {
    checkSelector(request.selector);
    const outcome = await this.maintenances.start(request, actor, new Date());
    const short = (outcome.pools ?? []).filter((p) => p.shortfall > 0);
    const shortfall = short.map((p) => `pool ${p.instanceTypeId} short of ${p.shortfall}`).join(', ');
    if (outcome.refusal) throw refusalOf(outcome, request.selector, short, shortfall);
    const plan: Plan = { servers: outcome.servers!, pools: outcome.pools! };
    const maintenanceId = outcome.maintenanceId ?? null;
    const forced = maintenanceId !== null && short.length > 0;
    const risk = short.length ? `; the guarantee check finds a shortfall (${shortfall}): starting it needs force` : '';
    const isolated = plan.servers.filter((s) => s.then === 'isolatedNow').length;
    return {
      maintenanceId,
      changed: maintenanceId !== null && !outcome.repeated,
      dryRun: request.dryRun,
      forced,
      ...plan,
      message:
        maintenanceId === null
          ? `Dry run: ${plan.servers.length} servers would be taken (${isolated} at once); nothing changed${risk}`
          : outcome.repeated
            ? `Maintenance ${maintenanceId} was started by this very request already: nothing changed`
            : `Maintenance ${maintenanceId} started: ${plan.servers.length} servers, ${isolated} isolated at once, the others as they are released and wiped${forced ? '; the guarantee check found a shortfall (forced)' : ''}`,
    };
  }

  async end(id: number, actor: Actor): Promise<MaintenanceEnded> {
    const outcome = await this.maintenances.end(id, actor, new Date());
    if (outcome.refusal) throw new NotFoundError(ErrorCode.MAINTENANCE_NOT_FOUND, 'Maintenance', id);
    if (outcome.alreadyEnded) {
      return { maintenanceId: id, changed: false, message: `Maintenance ${id} has ended already`, servers: [] };
    }
    const servers = outcome.servers!;
    const wiped = servers.filter((s) => s.from === 'isolated').length;
    return {
      maintenanceId: id,
      changed: true,
      message: `Maintenance ${id} ended: ${wiped} servers sent through Back to Baseline, ${servers.length - wiped} left as they are`,
      servers,
    };
  }

  list(state: 'open' | 'ended' | undefined, slice: Slice): Promise<Page<MaintenanceSummary>> {
    return this.maintenances.list(state, slice);
  }

  async show(id: number): Promise<MaintenanceDetail> {
    const maintenance = await this.maintenances.find(id);
    if (!maintenance) throw new NotFoundError(ErrorCode.MAINTENANCE_NOT_FOUND, 'Maintenance', id);
    return { ...maintenance, servers: await this.maintenances.members(id) };
  }
}
