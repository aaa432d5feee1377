import { QUOTA_CASES } from '../../libs/quota/src/quota-rules.cases';
import { startTestApp, TestApp } from '../support/test-app';

/** The SQL statement of the quota rules (quota_decision, run by allocate_servers) answers the TypeScript rules' table of cases. */
describe('quota_decision in SQL', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it.each(QUOTA_CASES)('$name: $expected', async ({ figures, amount, overflow, expected }) => {
    const { contract, onDemand, pool } = figures;
    const [decision] = await t.prisma.sql.rows<{ refusal: string | null; charged_committed: number; charged_on_demand: number }>(
      'SELECT * FROM "quota_decision"($1, $2, $3, $4, $5, $6, $7, $8, $9)',
      [amount, overflow, Boolean(contract), contract?.committed ?? 0, contract?.used ?? 0, onDemand.limit, onDemand.used, pool.available, pool.unusedCommitments],
    );
    expect(decision.refusal ?? `${decision.charged_committed}+${decision.charged_on_demand}`).toBe(expected);
  });
});
