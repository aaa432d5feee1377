import { isDatabaseUnavailable } from './database-outage';

describe('isDatabaseUnavailable', () => {
  it('takes a write refused by a standby (25006), as pg and as Prisma report it, for an outage', () => {
    expect(isDatabaseUnavailable({ code: '25006', message: 'cannot execute INSERT in a read-only transaction' })).toBe(
      true,
    );
    const prisma = { code: 'P2010', meta: { driverAdapterError: { cause: { kind: 'postgres', code: '25006' } } } };
    expect(isDatabaseUnavailable(prisma)).toBe(true);
  });

  it('takes an administrator shutdown and a crash (57P01-57P03) for an outage, not a constraint', () => {
    for (const code of ['57P01', '57P02', '57P03']) expect(isDatabaseUnavailable({ code })).toBe(true);
    expect(isDatabaseUnavailable({ code: '23505' })).toBe(false);
    expect(isDatabaseUnavailable({ code: '23514', message: 'check violation' })).toBe(false);
  });
});
