import type { Status } from '@app/lifecycle';

/** The inventory import/export format; field names follow seeds 000 and 001. */
export interface InventoryFile {
  locations?: LocationRecord[];
  instanceTypes?: InstanceTypeRecord[];
  servers?: ServerRecord[];
  clients?: ClientRecord[];
  contracts?: ContractRecord[];
}

export interface LocationRecord {
  id: number;
  name: string;
  shortName: string;
  displayName?: string;
  countryId?: number | null;
  countryName: string;
  countryShortName: string;
}

export interface InstanceTypeRecord {
  id: number;
  locationId: number;
  name: string;
  sockets: number;
  cores: number;
  memory: number;
  memoryType: string;
  storage: number;
  storageType: string;
  instanceTypeGenerationId?: number | null;
  generationName: string;
  pricePerHour: number;
  currencyId?: number;
}

/** Statuses a server may be loaded in; the others only come from the server commands. */
export const IMPORTABLE_STATUSES: readonly Status[] = ['available', 'baselining', 'isolated'];

export interface ServerRecord {
  id: number;
  hostname: string;
  locationId: number;
  instanceTypeId: number;
  rack?: string | null;
  serviceTag?: string | null;
  status?: Status;
  subState?: string | null;
  isolationReason?: string | null;
}

export interface ClientRecord {
  id: number;
  name: string;
  onDemandLimit?: number | null;
}

export interface CommitmentRecord {
  locationId: number;
  instanceTypeId: number;
  quantity: number;
}

export interface ContractRecord {
  contractId: string;
  clientId: number;
  startsAt: string;
  endsAt?: string | null;
  commitments: CommitmentRecord[];
}
