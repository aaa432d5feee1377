import fc from 'fast-check';
import { isContractValidAt } from '@app/contracts';
import { DbFixture, openTestDatabase } from '../support/db';

/** "A contract is valid at t" has two forms, SQL for queries and TypeScript for rows read through Prisma: they agree. */
describe('contract_valid_at and isContractValidAt', () => {
  let f: DbFixture;

  beforeAll(async () => {
    f = await openTestDatabase();
  });
  afterAll(() => f.close());

  // Instants on a coarse grid, so that a start, an end and the moment asked often fall on one another.
  const instant = fc.integer({ min: 0, max: 40 }).map((minutes) => new Date(Date.UTC(2026, 0, 1, 0, minutes)));

  it('answer alike on random periods and instants, boundaries included', async () => {
    await fc.assert(
      fc.asyncProperty(instant, fc.option(instant, { nil: null }), instant, async (startsAt, endsAt, at) => {
        const [{ valid }] = await f.prisma.sql.rows<{ valid: boolean }>(
          'SELECT "contract_valid_at"($1::timestamp, $2::timestamp, $3::timestamp) AS valid',
          [startsAt.toISOString(), endsAt?.toISOString() ?? null, at.toISOString()],
        );
        expect(valid).toBe(isContractValidAt({ startsAt, endsAt }, at));
      }),
      { numRuns: 500, seed: 20261201 },
    );
  });
});
