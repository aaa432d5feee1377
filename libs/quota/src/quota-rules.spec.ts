import { ErrorCode } from '@app/errors';
import { decideQuota, QuotaFigures } from './quota-rules';

const figures = (over: Partial<QuotaFigures> = {}): QuotaFigures => ({
  onDemand: { limit: 10, used: 0 },
  pool: { available: 10, unusedCommitments: 0 },
  ...over,
});
const contract = (committed: number, used: number) => ({ contractId: 'K-1', committed, used });
const code = (run: () => unknown) => {
  try {
    run();
    return 'allowed';
  } catch (error) {
    return (error as { code: ErrorCode }).code;
  }
};

describe('decideQuota', () => {
  it('charges the contract while its commitment in the pool lasts', () => {
    expect(decideQuota({ overflow: false }, figures({ contract: contract(2, 1) }))).toEqual({ quota: 'COMMITTED', contractId: 'K-1' });
  });

  it('lets a committed allocation take any Available server, reserved or not', () => {
    expect(decideQuota({ overflow: false }, figures({ contract: contract(3, 0), pool: { available: 1, unusedCommitments: 3 } })).quota).toBe('COMMITTED');
    expect(code(() => decideQuota({ overflow: false }, figures({ contract: contract(3, 0), pool: { available: 0, unusedCommitments: 3 } })))).toBe(ErrorCode.NO_CAPACITY);
  });

  it('refuses when the commitment is used up, with the figures, unless overflow is set', () => {
    const exhausted = figures({ contract: contract(2, 2) });
    expect(() => decideQuota({ overflow: false }, exhausted)).toThrow(expect.objectContaining({
      code: ErrorCode.QUOTA_EXCEEDED, details: { quota: 'COMMITTED', contractId: 'K-1', committed: 2, used: 2, requested: 1 },
    }));
    expect(decideQuota({ overflow: true }, exhausted)).toEqual({ quota: 'ON_DEMAND', contractId: null });
  });

  it('treats a contract that commits nothing in the pool as used up', () => {
    expect(code(() => decideQuota({ overflow: false }, figures({ contract: contract(0, 0) })))).toBe(ErrorCode.QUOTA_EXCEEDED);
    expect(decideQuota({ overflow: true }, figures({ contract: contract(0, 0) })).quota).toBe('ON_DEMAND');
  });

  it('charges on-demand without a contract, up to the client limit', () => {
    expect(decideQuota({ overflow: false }, figures()).quota).toBe('ON_DEMAND');
    expect(() => decideQuota({ overflow: false }, figures({ onDemand: { limit: 3, used: 3 } }))).toThrow(expect.objectContaining({
      code: ErrorCode.QUOTA_EXCEEDED, details: { quota: 'ON_DEMAND', limit: 3, used: 3, requested: 1 },
    }));
    expect(code(() => decideQuota({ overflow: true }, figures({ contract: contract(1, 1), onDemand: { limit: 0, used: 0 } })))).toBe(ErrorCode.QUOTA_EXCEEDED);
  });

  it('keeps committed capacity for the contracts: on-demand only takes what is not reserved', () => {
    expect(decideQuota({ overflow: false }, figures({ pool: { available: 4, unusedCommitments: 3 } })).quota).toBe('ON_DEMAND');
    expect(() => decideQuota({ overflow: false }, figures({ pool: { available: 3, unusedCommitments: 3 } }))).toThrow(expect.objectContaining({
      code: ErrorCode.NO_CAPACITY, details: { available: 3, reserved: 3 },
    }));
    expect(code(() => decideQuota({ overflow: true }, figures({ contract: contract(1, 1), pool: { available: 2, unusedCommitments: 2 } })))).toBe(ErrorCode.NO_CAPACITY);
  });
});
