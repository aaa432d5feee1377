import { DomainError, ErrorCode } from '@app/errors';

/** What the database says about one allocate request, read under the pool's lock. */
export interface QuotaFigures {
  /** The contract named in the request and its commitment in this pool (0 when it commits nothing here). */
  contract?: { contractId: string; committed: number; used: number };
  /** On-demand servers the client holds (all pools) and may hold. */
  onDemand: { limit: number; used: number };
  pool: {
    /** Available servers in the pool. */
    available: number;
    /** Committed servers not yet taken, summed over every active contract in the pool: what is reserved. */
    unusedCommitments: number;
  };
}

export interface QuotaRequest {
  overflow: boolean;
}

export type QuotaDecision = { quota: 'COMMITTED'; contractId: string } | { quota: 'ON_DEMAND'; contractId: null };

/**
 * Which quota an allocation is charged to (seeds 000 and 003): the named contract's commitment
 * while it lasts; then, with `overflow`, or when no contract is named, the client's on-demand
 * quota, which may only take a server that no contract has reserved.
 */
export function decideQuota(request: QuotaRequest, figures: QuotaFigures): QuotaDecision {
  const { contract, onDemand, pool } = figures;
  if (contract && contract.used < contract.committed) {
    if (pool.available < 1) throw noCapacity(figures, 'every server of the pool is in use or out of service');
    return { quota: 'COMMITTED', contractId: contract.contractId };
  }
  if (contract && !request.overflow) {
    throw new DomainError(ErrorCode.QUOTA_EXCEEDED, `Contract ${contract.contractId} has used all ${contract.committed} committed servers of this pool; set overflow to use on-demand quota`, {
      quota: 'COMMITTED', contractId: contract.contractId, committed: contract.committed, used: contract.used, requested: 1,
    });
  }
  if (onDemand.used >= onDemand.limit) {
    throw new DomainError(ErrorCode.QUOTA_EXCEEDED, `The client holds ${onDemand.used} on-demand servers, its limit`, {
      quota: 'ON_DEMAND', limit: onDemand.limit, used: onDemand.used, requested: 1,
    });
  }
  if (pool.available - 1 < pool.unusedCommitments) {
    throw noCapacity(figures, `the ${pool.available} Available servers are reserved for ${pool.unusedCommitments} committed servers not yet taken`);
  }
  return { quota: 'ON_DEMAND', contractId: null };
}

function noCapacity(figures: QuotaFigures, why: string): DomainError {
  return new DomainError(ErrorCode.NO_CAPACITY, `No server can be allocated: ${why}`, { available: figures.pool.available, reserved: figures.pool.unusedCommitments });
}
