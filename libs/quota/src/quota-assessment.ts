/** What an allocation (or a quota check) names. */
export interface QuotaSubject {
  locationId: number;
  instanceTypeId: number;
  clientId: number;
  /** Null: on-demand quota. */
  contractId: string | null;
}

export interface QuotaRequest {
  overflow: boolean;
  /** Servers asked for at once (an order of N); 1 for a single allocation. */
  amount: number;
}

/** The figures the decision read, under the pool's lock for allocate. */
export interface QuotaFigures {
  /** The contract named in the request: its client, validity and commitment in this pool (0 when it commits nothing here). */
  contract?: {
    contractId: string;
    clientId: number | null;
    startsAt: Date | null;
    endsAt: Date | null;
    committed: number;
    used: number;
  };
  /** On-demand servers the client holds (all pools) and may hold. */
  onDemand: { limit: number; used: number };
  pool: {
    /** Available servers in the pool. */
    available: number;
    /** Committed servers not yet taken, summed over every contract valid now in the pool: what is reserved. */
    unusedCommitments: number;
  };
}

/** What the request asks of each quota: of the contract first, of on-demand for the rest (with overflow, or without a contract). */
export interface Requested {
  committed: number;
  onDemand: number;
}

/**
 * The decision of the SQL function `quota_assessment` (prisma/sql/quota_assessment.sql), the one place
 * where references, contract and quota rules are decided: the refusal's error code (null: allowed), what
 * the request asks of each quota, and the figures it was decided on.
 */
export interface QuotaAssessment {
  refusal: string | null;
  requested: Requested;
  figures: QuotaFigures;
}

/** The columns of `quota_assessment` (and of a refusal of `allocate_servers`). */
export interface AssessmentRow {
  refusal: string | null;
  requested_committed: number;
  requested_on_demand: number;
  on_demand_limit: number;
  on_demand_used: number;
  contract_client: number | null;
  contract_starts: Date | null;
  contract_ends: Date | null;
  committed: number | null;
  committed_used: number | null;
  available: number;
  reserved: number;
}

export function assessmentOf(row: AssessmentRow, subject: QuotaSubject): QuotaAssessment {
  const { contractId } = subject;
  return {
    refusal: row.refusal,
    requested: { committed: row.requested_committed, onDemand: row.requested_on_demand },
    figures: {
      contract: contractId
        ? {
            contractId,
            clientId: row.contract_client,
            startsAt: row.contract_starts,
            endsAt: row.contract_ends,
            committed: row.committed ?? 0,
            used: row.committed_used ?? 0,
          }
        : undefined,
      onDemand: { limit: row.on_demand_limit, used: row.on_demand_used },
      pool: { available: row.available, unusedCommitments: row.reserved },
    },
  };
}
