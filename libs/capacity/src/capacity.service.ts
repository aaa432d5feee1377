import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { Page, Slice } from '@app/database';
import { ErrorCode, NotFoundError } from '@app/errors';
import {
  AllocationPeriod,
  AllocationRecord,
  CapacityRepository,
  PoolCapacity,
  PoolFilter,
  BaselineRuns,
} from './capacity.repository';

export interface ContractCapacity {
  contractId: string;
  startsAt: Date;
  endsAt: Date | null;
  /** Valid now: only then does it reserve capacity and take allocations. */
  active: boolean;
  pools: { locationId: number; instanceTypeId: number; committed: number; used: number; free: number }[];
}

/** What a client has committed and uses (the data behind seed 001's `GET /v3/flexMetal/capacity/commit`). */
export interface ClientCapacity {
  clientId: number;
  name: string;
  contracts: ContractCapacity[];
  onDemand: { used: number; limit: number };
}

/** An allocation as billing reads it: compensated ones are listed, and never billed. */
export interface BilledAllocation extends AllocationRecord {
  billable: boolean;
}

/** The staff's capacity and usage reports. */
@Injectable()
export class CapacityService {
  constructor(
    private readonly capacity: CapacityRepository,
    private readonly config: AppConfig,
  ) {}

  /** Per location, the Back to Baseline runs under way and waiting, the cap they share and the watchdog's timeout. */
  async baselineRuns(): Promise<(BaselineRuns & { maxInFlight: number; timeoutSeconds: number })[]> {
    return (await this.capacity.baselineRuns()).map((runs) => ({
      ...runs,
      maxInFlight: this.config.baselineMaxInFlight,
      timeoutSeconds: this.config.baselineTimeoutSeconds,
    }));
  }

  pools(filter: PoolFilter, slice: Slice, now = new Date()): Promise<Page<PoolCapacity>> {
    return this.capacity.pools(filter, now, slice);
  }

  async client(clientId: number, now = new Date()): Promise<ClientCapacity> {
    const client = await this.capacity.client(clientId);
    if (!client) throw new NotFoundError(ErrorCode.CLIENT_NOT_FOUND, 'Client', clientId);
    const contracts = new Map<string, ContractCapacity>();
    for (const c of await this.capacity.commitmentsOf(clientId, now)) {
      const contract = contracts.get(c.contractId) ?? {
        contractId: c.contractId,
        startsAt: c.startsAt,
        endsAt: c.endsAt,
        active: c.active,
        pools: [],
      };
      contract.pools.push({
        locationId: c.locationId,
        instanceTypeId: c.instanceTypeId,
        committed: c.committed,
        used: c.used,
        free: Math.max(c.committed - c.used, 0),
      });
      contracts.set(c.contractId, contract);
    }
    return {
      clientId,
      name: client.name,
      contracts: [...contracts.values()],
      onDemand: { used: client.onDemandInUse, limit: client.onDemandLimit ?? this.config.defaultOnDemandLimit },
    };
  }

  async allocations(clientId: number, period: AllocationPeriod, slice: Slice): Promise<Page<BilledAllocation>> {
    if (!(await this.capacity.client(clientId)))
      throw new NotFoundError(ErrorCode.CLIENT_NOT_FOUND, 'Client', clientId);
    const page = await this.capacity.allocationsOf(clientId, period, slice);
    return { total: page.total, items: page.items.map((a) => ({ ...a, billable: a.endedBy !== 'COMPENSATED' })) };
  }
}
