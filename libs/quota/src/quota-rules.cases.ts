import { ErrorCode } from '@app/errors';
import { QuotaFigures } from './quota-rules';

/**
 * The table of cases both statements of the quota rules answer: `decideQuota` (quota-rules.spec.ts)
 * and the SQL function `quota_decision` that allocate_servers runs (test/quota-rules-sql.e2e-spec.ts).
 * `expected` is `committed+onDemand` when allowed, else the refusal's code.
 */
export interface QuotaCase {
  name: string;
  figures: QuotaFigures;
  amount: number;
  overflow: boolean;
  expected: string;
}

const figures = (over: Partial<QuotaFigures> = {}): QuotaFigures => ({ onDemand: { limit: 10, used: 0 }, pool: { available: 10, unusedCommitments: 0 }, ...over });
const contract = (committed: number, used: number) => ({ contractId: 'K-1', committed, used });

export const QUOTA_CASES: QuotaCase[] = [
  { name: 'one server within the commitment', figures: figures({ contract: contract(2, 1) }), amount: 1, overflow: false, expected: '1+0' },
  { name: 'one server, commitment used up', figures: figures({ contract: contract(2, 2) }), amount: 1, overflow: false, expected: ErrorCode.QUOTA_EXCEEDED },
  { name: 'one server, commitment used up, overflow', figures: figures({ contract: contract(2, 2) }), amount: 1, overflow: true, expected: '0+1' },
  { name: 'a contract committing nothing in the pool', figures: figures({ contract: contract(0, 0) }), amount: 1, overflow: false, expected: ErrorCode.QUOTA_EXCEEDED },
  { name: 'committed may take a reserved server', figures: figures({ contract: contract(3, 0), pool: { available: 1, unusedCommitments: 3 } }), amount: 1, overflow: false, expected: '1+0' },
  { name: 'committed, pool empty', figures: figures({ contract: contract(3, 0), pool: { available: 0, unusedCommitments: 3 } }), amount: 1, overflow: false, expected: ErrorCode.NO_CAPACITY },
  { name: 'on-demand at its limit', figures: figures({ onDemand: { limit: 3, used: 3 } }), amount: 1, overflow: false, expected: ErrorCode.QUOTA_EXCEEDED },
  { name: 'on-demand into the reserve', figures: figures({ pool: { available: 3, unusedCommitments: 3 } }), amount: 1, overflow: false, expected: ErrorCode.NO_CAPACITY },
  { name: 'an order that fits the commitment', figures: figures({ contract: contract(5, 1) }), amount: 4, overflow: false, expected: '4+0' },
  { name: 'one more than the commitment, no overflow', figures: figures({ contract: contract(5, 1) }), amount: 5, overflow: false, expected: ErrorCode.QUOTA_EXCEEDED },
  { name: 'an order overflowing into on-demand', figures: figures({ contract: contract(5, 3) }), amount: 5, overflow: true, expected: '2+3' },
  { name: 'overflow beyond the on-demand limit', figures: figures({ contract: contract(5, 3), onDemand: { limit: 4, used: 2 } }), amount: 5, overflow: true, expected: ErrorCode.QUOTA_EXCEEDED },
  { name: 'an on-demand order that would eat the reserve', figures: figures({ pool: { available: 6, unusedCommitments: 3 } }), amount: 4, overflow: false, expected: ErrorCode.NO_CAPACITY },
  { name: 'an on-demand order that leaves the reserve', figures: figures({ pool: { available: 7, unusedCommitments: 3 } }), amount: 4, overflow: false, expected: '0+4' },
  { name: 'own commitment taken first frees reserve for the overflow', figures: figures({ contract: contract(3, 0), pool: { available: 5, unusedCommitments: 3 } }), amount: 5, overflow: true, expected: '3+2' },
  { name: 'more than the pool has', figures: figures({ contract: contract(20, 0), pool: { available: 4, unusedCommitments: 20 } }), amount: 5, overflow: false, expected: ErrorCode.NO_CAPACITY },
];
