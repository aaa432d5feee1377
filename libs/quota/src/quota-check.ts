import { assessQuota, QuotaFigures, QuotaRequest } from './quota-rules';
import { contractRefusal, QuotaSubject, ReferenceFacts } from './references';

/** The answer of a quota check: what an allocation would be charged, or why it would be refused. */
export interface QuotaCheck {
  allowed: boolean;
  amount: number;
  charged: { committed: number; onDemand: number };
  committed: { contractId: string; limit: number; used: number; requested: number } | null;
  onDemand: { limit: number; used: number; requested: number };
  pool: { available: number; reserved: number };
  /** What allocate would answer instead of 200. */
  code?: string;
  message?: string;
}

/** The very decision allocate takes (references, contract, quota rules), reported instead of carried out. */
export function checkQuota(subject: QuotaSubject, request: QuotaRequest, facts: ReferenceFacts, figures: QuotaFigures, now: Date): QuotaCheck {
  const assessment = assessQuota(request, figures);
  const refusal = contractRefusal(subject, facts, now) ?? (assessment.allowed ? undefined : assessment.refusal);
  const charged = assessment.allowed && !refusal ? { committed: assessment.charge.committed, onDemand: assessment.charge.onDemand } : { committed: 0, onDemand: 0 };
  const { contract, onDemand, pool } = figures;
  return {
    allowed: !refusal,
    amount: request.amount,
    charged,
    committed: contract ? { contractId: contract.contractId, limit: contract.committed, used: contract.used, requested: assessment.requested.committed } : null,
    onDemand: { limit: onDemand.limit, used: onDemand.used, requested: assessment.requested.onDemand },
    pool: { available: pool.available, reserved: pool.unusedCommitments },
    ...(refusal && { code: refusal.code, message: refusal.message }),
  };
}
