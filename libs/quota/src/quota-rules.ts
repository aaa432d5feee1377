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
  /** Servers asked for at once (an order of N); 1 for a single allocation. */
  amount: number;
}

/** How many of the servers go to each quota. */
export interface Charge {
  committed: number;
  onDemand: number;
  /** The contract charged, when `committed` > 0. */
  contractId: string | null;
}

/** What the request asks of each quota: of the contract first, of on-demand for the rest (with overflow, or without a contract). */
export interface Requested {
  committed: number;
  onDemand: number;
}

export type QuotaAssessment = { allowed: true; charge: Charge; requested: Requested } | { allowed: false; refusal: DomainError; requested: Requested };

function requestedOf(request: QuotaRequest, figures: QuotaFigures): Requested {
  const { contract } = figures;
  if (!contract) return { committed: 0, onDemand: request.amount };
  if (!request.overflow) return { committed: request.amount, onDemand: 0 };
  const fromContract = Math.min(request.amount, Math.max(contract.committed - contract.used, 0));
  return { committed: fromContract, onDemand: request.amount - fromContract };
}

/**
 * Which quota each server of a request is charged to (seeds 000 and 003), exactly as single allocations
 * one after another would be: the named contract's commitment while it lasts; then, with `overflow`,
 * or when no contract is named, the client's on-demand quota, which may only take servers that no
 * contract has reserved. A committed allocation may take any Available server.
 */
export function assessQuota(request: QuotaRequest, figures: QuotaFigures): QuotaAssessment {
  const { contract, onDemand, pool } = figures;
  const requested = requestedOf(request, figures);
  const refuse = (refusal: DomainError): QuotaAssessment => ({ allowed: false, refusal, requested });

  if (contract && !request.overflow && contract.used + request.amount > contract.committed) {
    const left = Math.max(contract.committed - contract.used, 0);
    const why = left === 0 ? `has used all ${contract.committed} committed servers of this pool` : `has ${left} of its ${contract.committed} committed servers of this pool left, ${request.amount} requested`;
    return refuse(new DomainError(ErrorCode.QUOTA_EXCEEDED, `Contract ${contract.contractId} ${why}; set overflow to use on-demand quota`, {
      quota: 'COMMITTED', contractId: contract.contractId, committed: contract.committed, used: contract.used, requested: request.amount,
    }));
  }
  if (requested.onDemand > 0 && onDemand.used + requested.onDemand > onDemand.limit) {
    return refuse(new DomainError(ErrorCode.QUOTA_EXCEEDED, `The client holds ${onDemand.used} of its ${onDemand.limit} on-demand servers; ${requested.onDemand} more requested`, {
      quota: 'ON_DEMAND', limit: onDemand.limit, used: onDemand.used, requested: requested.onDemand,
    }));
  }
  if (requested.onDemand === 0 && pool.available < request.amount) {
    return refuse(noCapacity(request, figures, pool.available ? `only ${pool.available} servers of the pool are Available` : 'every server of the pool is in use or out of service'));
  }
  // Each on-demand server must leave the Available servers still covering what contracts reserve,
  // and the committed servers of this request use up their part of that reserve.
  if (requested.onDemand > 0 && pool.available - request.amount < pool.unusedCommitments - requested.committed) {
    return refuse(noCapacity(request, figures, `the ${pool.available} Available servers are reserved for ${pool.unusedCommitments} committed servers not yet taken`));
  }
  return { allowed: true, charge: { committed: requested.committed, onDemand: requested.onDemand, contractId: requested.committed ? contract!.contractId : null }, requested };
}

/** The charge of an allowed request; the refusal (a DomainError, 409) of any other. */
export function decideQuota(request: QuotaRequest, figures: QuotaFigures): Charge {
  const assessment = assessQuota(request, figures);
  if (!assessment.allowed) throw assessment.refusal;
  return assessment.charge;
}

function noCapacity(request: QuotaRequest, figures: QuotaFigures, why: string): DomainError {
  return new DomainError(ErrorCode.NO_CAPACITY, `No server can be allocated: ${why}`, {
    available: figures.pool.available, reserved: figures.pool.unusedCommitments, requested: request.amount,
  });
}
