/** Every event the allocator emits; docs/events.md describes when and with what payload. */
export enum EventType {
  ServerAllocated = 'server.allocated',
  ServerDeallocated = 'server.deallocated',
  ServerCompensated = 'server.compensated',
  ServerIsolated = 'server.isolated',
  ServerUnisolated = 'server.unisolated',
  ServerAvailable = 'server.available',
  ServerQuarantined = 'server.quarantined',
  ServerUnquarantined = 'server.unquarantined',
  ServerRetired = 'server.retired',
  /** Marked to retire: its next Back to Baseline ends in retired. */
  ServerRetiring = 'server.retiring',
  BaselineRequested = 'server.baseline.requested',
  MaintenanceStarted = 'maintenance.started',
  MaintenanceEnded = 'maintenance.ended',
}

/** Why Back to Baseline must run, in `server.baseline.requested`. */
export type BaselineCause =
  'deallocated' | 'compensated' | 'unisolated' | 'unquarantined' | 'added' | 'retiring' | 'maintenanceEnded';

export interface EventServer {
  id: number;
  hostname: string;
  locationId: number;
  instanceTypeId: number;
}

export interface EventAllocation {
  id: number;
  clientId: number;
  contractId: string | null;
  quota: 'COMMITTED' | 'ON_DEMAND';
  startedAt: string;
  endedAt: string | null;
  endedBy: 'RELEASED' | 'COMPENSATED' | 'ISOLATED' | 'REPLACED' | null;
}

/** The payload of every event: the state change, who made it, and the allocation it started or ended. */
export interface ServerEventPayload {
  server: EventServer;
  command: string;
  from: string;
  to: string;
  actor: string;
  subState: string | null;
  reason: string | null;
  operationUuid: string | null;
  allocation: EventAllocation | null;
  /** Only in server.baseline.requested. */
  /** The run: its id comes back with available, so that a late callback of an earlier run is refused. */
  baseline?: { cause: BaselineCause; id: string };
}
