import { isContractValidAt } from './contract-validity';

export interface CommitmentInput {
  locationId: number;
  instanceTypeId: number;
  quantity: number;
}

export interface ContractView {
  contractId: string;
  clientId: number;
  startsAt: Date;
  endsAt: Date | null;
  /** Valid now. */
  active: boolean;
  commitments: (CommitmentInput & { inUse: number })[];
}

export const WITH_COMMITMENTS = {
  commitments: { orderBy: [{ locationId: 'asc' as const }, { instanceTypeId: 'asc' as const }] },
};

type ContractRow = {
  contractId: string;
  clientId: number;
  startsAt: Date;
  endsAt: Date | null;
  commitments: (CommitmentInput & { inUse: number })[];
};

export function view(row: ContractRow, now: Date): ContractView {
  return {
    contractId: row.contractId,
    clientId: row.clientId,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    active: isContractValidAt(row, now),
    commitments: row.commitments.map(({ locationId, instanceTypeId, quantity, inUse }) => ({
      locationId,
      instanceTypeId,
      quantity,
      inUse,
    })),
  };
}

/** A pool where the contract holds more committed servers than it now commits (nothing is taken away). */
export interface Overcommitment {
  locationId: number;
  instanceTypeId: number;
  committed: number;
  inUse: number;
}

/** What the contract commits now (nothing once it has ended), against what it holds. */
export function overcommitted(contract: ContractView): Overcommitment[] {
  return contract.commitments
    .map((c) => ({
      locationId: c.locationId,
      instanceTypeId: c.instanceTypeId,
      committed: contract.active ? c.quantity : 0,
      inUse: c.inUse,
    }))
    .filter((c) => c.inUse > c.committed);
}
