import { ErrorCode } from '@app/errors';
import { assessQuota, decideQuota, QuotaFigures } from './quota-rules';
import { QUOTA_CASES } from './quota-rules.cases';

const figures = (over: Partial<QuotaFigures> = {}): QuotaFigures => ({
  onDemand: { limit: 10, used: 0 },
  pool: { available: 10, unusedCommitments: 0 },
  ...over,
});
const contract = (committed: number, used: number) => ({ contractId: 'K-1', committed, used });
const one = (overflow = false) => ({ overflow, amount: 1 });
const code = (run: () => unknown) => {
  try {
    run();
    return 'allowed';
  } catch (error) {
    return (error as { code: ErrorCode }).code;
  }
};

describe('decideQuota, one server', () => {
  it('charges the contract while its commitment in the pool lasts', () => {
    expect(decideQuota(one(), figures({ contract: contract(2, 1) }))).toEqual({ committed: 1, onDemand: 0, contractId: 'K-1' });
  });

  it('lets a committed allocation take any Available server, reserved or not', () => {
    expect(decideQuota(one(), figures({ contract: contract(3, 0), pool: { available: 1, unusedCommitments: 3 } })).committed).toBe(1);
    expect(code(() => decideQuota(one(), figures({ contract: contract(3, 0), pool: { available: 0, unusedCommitments: 3 } })))).toBe(ErrorCode.NO_CAPACITY);
  });

  it('refuses when the commitment is used up, with the figures, unless overflow is set', () => {
    const exhausted = figures({ contract: contract(2, 2) });
    expect(() => decideQuota(one(), exhausted)).toThrow(expect.objectContaining({
      code: ErrorCode.QUOTA_EXCEEDED, details: { quota: 'COMMITTED', contractId: 'K-1', committed: 2, used: 2, requested: 1 },
    }));
    expect(decideQuota(one(true), exhausted)).toEqual({ committed: 0, onDemand: 1, contractId: null });
  });

  it('treats a contract that commits nothing in the pool as used up', () => {
    expect(code(() => decideQuota(one(), figures({ contract: contract(0, 0) })))).toBe(ErrorCode.QUOTA_EXCEEDED);
    expect(decideQuota(one(true), figures({ contract: contract(0, 0) })).onDemand).toBe(1);
  });

  it('charges on-demand without a contract, up to the client limit', () => {
    expect(decideQuota(one(), figures()).onDemand).toBe(1);
    expect(() => decideQuota(one(), figures({ onDemand: { limit: 3, used: 3 } }))).toThrow(expect.objectContaining({
      code: ErrorCode.QUOTA_EXCEEDED, details: { quota: 'ON_DEMAND', limit: 3, used: 3, requested: 1 },
    }));
    expect(code(() => decideQuota(one(true), figures({ contract: contract(1, 1), onDemand: { limit: 0, used: 0 } })))).toBe(ErrorCode.QUOTA_EXCEEDED);
  });

  it('keeps committed capacity for the contracts: on-demand only takes what is not reserved', () => {
    expect(decideQuota(one(), figures({ pool: { available: 4, unusedCommitments: 3 } })).onDemand).toBe(1);
    expect(() => decideQuota(one(), figures({ pool: { available: 3, unusedCommitments: 3 } }))).toThrow(expect.objectContaining({
      code: ErrorCode.NO_CAPACITY, details: { available: 3, reserved: 3, requested: 1 },
    }));
    expect(code(() => decideQuota(one(true), figures({ contract: contract(1, 1), pool: { available: 2, unusedCommitments: 2 } })))).toBe(ErrorCode.NO_CAPACITY);
  });
});

/**
 * An order of N is charged as N single allocations one after another would be: each case gives the
 * figures, the order, and the outcome, which one-by-one allocation (`oneByOne`) must give too.
 */
describe('decideQuota, an order of N servers', () => {
  /** N single decisions, each on the figures the previous one left. */
  function oneByOne(start: QuotaFigures, amount: number, overflow: boolean): string {
    let f = structuredClone(start);
    let committed = 0;
    for (let i = 0; i < amount; i++) {
      const assessment = assessQuota({ amount: 1, overflow }, f);
      if (!assessment.allowed) return assessment.refusal.code;
      const c = assessment.charge.committed;
      committed += c;
      f = {
        contract: f.contract && { ...f.contract, used: f.contract.used + c },
        onDemand: { ...f.onDemand, used: f.onDemand.used + (1 - c) },
        pool: { available: f.pool.available - 1, unusedCommitments: f.pool.unusedCommitments - c },
      };
    }
    return `${committed}+${amount - committed}`;
  }

  const outcome = (run: () => { committed: number; onDemand: number }) => {
    try {
      const charge = run();
      return `${charge.committed}+${charge.onDemand}`;
    } catch (error) {
      return (error as { code: string }).code;
    }
  };

  it.each(QUOTA_CASES)('$name: $expected', ({ figures: f, amount, overflow, expected }) => {
    expect(outcome(() => decideQuota({ amount, overflow }, f))).toBe(expected);
    expect(oneByOne(f, amount, overflow)).toBe(expected);
  });

  it('reports what the request asks of each quota', () => {
    expect(assessQuota({ amount: 5, overflow: true }, figures({ contract: contract(5, 3) })).requested).toEqual({ committed: 2, onDemand: 3 });
    expect(assessQuota({ amount: 5, overflow: false }, figures({ contract: contract(5, 3) })).requested).toEqual({ committed: 5, onDemand: 0 });
    expect(assessQuota({ amount: 5, overflow: true }, figures()).requested).toEqual({ committed: 0, onDemand: 5 });
  });
});
