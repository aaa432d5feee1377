import { Allocation, Prisma, Server } from '@app/database';

/** A server as the API shows it: its lifecycle state and who holds it. */
export interface ServerView {
  id: number;
  hostname: string;
  locationId: number;
  instanceTypeId: number;
  rack: string | null;
  serviceTag: string | null;
  status: Server['status'];
  subState: Server['subState'];
  isolationReason: string | null;
  quarantinedFrom: Server['quarantinedFrom'];
  /** The Back to Baseline under way: set exactly while the server is baselining. */
  baselineId: string | null;
  /** When that run was let out to MetalWorks; null while it waits for a slot (BASELINE_MAX_IN_FLIGHT). */
  baselineDispatchedAt: Date | null;
  /** The open maintenance the server is in. */
  maintenanceId: number | null;
  /** Marked to retire: its next Back to Baseline ends in retired. */
  retiring: boolean;
  allocation: AllocationView | null;
  updatedAt: Date;
}

export interface AllocationView {
  id: number;
  serverId: number;
  clientId: number;
  contractId: string | null;
  quota: Allocation['quota'];
  startedAt: Date;
  endedAt: Date | null;
  endedBy: Allocation['endedBy'];
  /** The allocation this one replaced (replace). */
  replacesId: number | null;
}

/** What a query must include to build a ServerView. */
export const SERVER_VIEW_INCLUDE = { currentAllocation: true } satisfies Prisma.ServerInclude;

export function toAllocationView(a: Allocation): AllocationView {
  return {
    id: a.id,
    serverId: a.serverId,
    clientId: a.clientId,
    contractId: a.contractId,
    quota: a.quota,
    startedAt: a.startedAt,
    endedAt: a.endedAt,
    endedBy: a.endedBy,
    replacesId: a.replacesId ?? null,
  };
}

export function toServerView(server: Server & { currentAllocation: Allocation | null }): ServerView {
  return {
    id: server.id,
    hostname: server.hostname,
    locationId: server.locationId,
    instanceTypeId: server.instanceTypeId,
    rack: server.rack,
    serviceTag: server.serviceTag,
    status: server.status,
    subState: server.subState,
    isolationReason: server.isolationReason,
    quarantinedFrom: server.quarantinedFrom,
    baselineId: server.baselineId,
    baselineDispatchedAt: server.baselineDispatchedAt,
    maintenanceId: server.maintenanceId,
    retiring: server.retiring,
    allocation: server.currentAllocation ? toAllocationView(server.currentAllocation) : null,
    updatedAt: server.updatedAt,
  };
}
