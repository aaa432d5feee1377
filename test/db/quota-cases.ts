import { ErrorCode } from '@app/errors';

/** What the quota decision is asked: figures as quota_decision takes them, and the request. */
export interface DecisionInput {
  amount: number;
  overflow: boolean;
  /** The named contract's commitment in the pool and what of it is in use; absent: on-demand only. */
  contract?: { committed: number; used: number };
  onDemand: { limit: number; used: number };
  /** Available servers, and committed servers not yet taken over every valid contract (the named one's included). */
  pool: { available: number; reserved: number };
}

/** A case of the quota rules; `expected` is `committed+onDemand` when allowed, else the refusal's code. */
export interface QuotaCase extends DecisionInput {
  name: string;
  expected: string;
}

const base = { onDemand: { limit: 10, used: 0 }, pool: { available: 10, reserved: 0 } };
const contract = (committed: number, used: number) => ({ committed, used });
const c = (name: string, over: Partial<DecisionInput> & { amount: number; expected: string }): QuotaCase => ({
  name,
  overflow: false,
  ...base,
  ...over,
});

export const QUOTA_CASES: QuotaCase[] = [
  c('one server within the commitment', {
    contract: contract(2, 1),
    pool: { available: 10, reserved: 1 },
    amount: 1,
    expected: '1+0',
  }),
  c('one server, commitment used up', { contract: contract(2, 2), amount: 1, expected: ErrorCode.QUOTA_EXCEEDED }),
  c('one server, commitment used up, overflow', {
    contract: contract(2, 2),
    amount: 1,
    overflow: true,
    expected: '0+1',
  }),
  c('a contract committing nothing in the pool', {
    contract: contract(0, 0),
    amount: 1,
    expected: ErrorCode.QUOTA_EXCEEDED,
  }),
  c('committed may take a reserved server', {
    contract: contract(3, 0),
    pool: { available: 1, reserved: 3 },
    amount: 1,
    expected: '1+0',
  }),
  c('committed, pool empty', {
    contract: contract(3, 0),
    pool: { available: 0, reserved: 3 },
    amount: 1,
    expected: ErrorCode.NO_CAPACITY,
  }),
  c('on-demand at its limit', { onDemand: { limit: 3, used: 3 }, amount: 1, expected: ErrorCode.QUOTA_EXCEEDED }),
  c('on-demand into the reserve', { pool: { available: 3, reserved: 3 }, amount: 1, expected: ErrorCode.NO_CAPACITY }),
  c('an order that fits the commitment', {
    contract: contract(5, 1),
    pool: { available: 10, reserved: 4 },
    amount: 4,
    expected: '4+0',
  }),
  c('one more than the commitment, no overflow', {
    contract: contract(5, 1),
    amount: 5,
    expected: ErrorCode.QUOTA_EXCEEDED,
  }),
  c('an order overflowing into on-demand', {
    contract: contract(5, 3),
    pool: { available: 10, reserved: 2 },
    amount: 5,
    overflow: true,
    expected: '2+3',
  }),
  c('overflow beyond the on-demand limit', {
    contract: contract(5, 3),
    onDemand: { limit: 4, used: 2 },
    amount: 5,
    overflow: true,
    expected: ErrorCode.QUOTA_EXCEEDED,
  }),
  c('an on-demand order that would eat the reserve', {
    pool: { available: 6, reserved: 3 },
    amount: 4,
    expected: ErrorCode.NO_CAPACITY,
  }),
  c('an on-demand order that leaves the reserve', { pool: { available: 7, reserved: 3 }, amount: 4, expected: '0+4' }),
  c('own commitment taken first frees reserve for the overflow', {
    contract: contract(3, 0),
    pool: { available: 5, reserved: 3 },
    amount: 5,
    overflow: true,
    expected: '3+2',
  }),
  c('more than the pool has', {
    contract: contract(20, 0),
    pool: { available: 4, reserved: 20 },
    amount: 5,
    expected: ErrorCode.NO_CAPACITY,
  }),
  c('a commitment staff lowered below its use, with overflow', {
    contract: contract(1, 3),
    amount: 2,
    overflow: true,
    expected: '0+2',
  }),
  c('quota is refused before capacity', {
    contract: contract(5, 3),
    onDemand: { limit: 4, used: 2 },
    pool: { available: 3, reserved: 2 },
    amount: 5,
    overflow: true,
    expected: ErrorCode.QUOTA_EXCEEDED,
  }),
];
