import { createClient, createContract, createPool, Pool } from '../support/factories';
import { serverCommands, ServerCommandsClient } from '../support/server-commands-client';
import { startTestApp, TestApp } from '../support/test-app';

const DAY = 86_400_000;

/** POST /api/quota/check: allocate's decision, reported without allocating. */
describe('Quota check', () => {
  let t: TestApp;
  let api: ServerCommandsClient;

  beforeAll(async () => {
    t = await startTestApp({ ON_DEMAND_DEFAULT_LIMIT: '3' });
    api = serverCommands(t, await t.apiKey());
  });
  afterAll(() => t.close());

  const where = (pool: Pool) => ({ locationId: pool.locationId, instanceTypeId: pool.instanceTypeId });

  /** Each situation: a fresh pool and client set up so, and the request to check and then to send. */
  const situations: { name: string; setUp: () => Promise<Record<string, unknown>>; expected: string }[] = [
    {
      name: 'committed quota left',
      expected: '200 1+0',
      setUp: async () => {
        const pool = await createPool(t.prisma, 4);
        const clientId = await createClient(t.prisma);
        return { ...where(pool), clientId, contractId: await createContract(t.prisma, clientId, pool, 2) };
      },
    },
    {
      name: 'commitment used up, no overflow',
      expected: '409 QUOTA_EXCEEDED',
      setUp: async () => {
        const pool = await createPool(t.prisma, 4);
        const clientId = await createClient(t.prisma);
        const contractId = await createContract(t.prisma, clientId, pool, 1);
        await api.allocate({ ...where(pool), clientId, contractId }).expect(200);
        return { ...where(pool), clientId, contractId };
      },
    },
    {
      name: 'commitment used up, overflow',
      expected: '200 0+1',
      setUp: async () => {
        const pool = await createPool(t.prisma, 4);
        const clientId = await createClient(t.prisma);
        const contractId = await createContract(t.prisma, clientId, pool, 1);
        await api.allocate({ ...where(pool), clientId, contractId }).expect(200);
        return { ...where(pool), clientId, contractId, overflow: true };
      },
    },
    {
      name: 'an order split between contract and on-demand',
      expected: '200 2+1',
      setUp: async () => {
        const pool = await createPool(t.prisma, 6);
        const clientId = await createClient(t.prisma);
        return {
          ...where(pool),
          clientId,
          contractId: await createContract(t.prisma, clientId, pool, 2),
          overflow: true,
          amount: 3,
        };
      },
    },
    {
      name: 'on-demand limit reached (service default)',
      expected: '409 QUOTA_EXCEEDED',
      setUp: async () => {
        const pool = await createPool(t.prisma, 6);
        return { ...where(pool), clientId: await createClient(t.prisma), amount: 4 };
      },
    },
    {
      name: 'capacity reserved for another contract',
      expected: '409 NO_CAPACITY',
      setUp: async () => {
        const pool = await createPool(t.prisma, 3);
        await createContract(t.prisma, await createClient(t.prisma), pool, 3);
        return { ...where(pool), clientId: await createClient(t.prisma) };
      },
    },
    {
      name: 'contract not started yet',
      expected: '409 CONTRACT_NOT_ACTIVE',
      setUp: async () => {
        const pool = await createPool(t.prisma, 3);
        const clientId = await createClient(t.prisma);
        return {
          ...where(pool),
          clientId,
          contractId: await createContract(t.prisma, clientId, pool, 1, { startsAt: new Date(Date.now() + DAY) }),
        };
      },
    },
    {
      name: 'contract of another client',
      expected: '403 CONTRACT_OF_ANOTHER_CLIENT',
      setUp: async () => {
        const pool = await createPool(t.prisma, 3);
        const contractId = await createContract(t.prisma, await createClient(t.prisma), pool, 1);
        return { ...where(pool), clientId: await createClient(t.prisma), contractId };
      },
    },
  ];

  it.each(situations)('agrees with allocate: $name ($expected)', async ({ setUp, expected }) => {
    const body = await setUp();
    const before = await t.prisma.allocation.count();
    const { body: check } = await api.checkQuota(body as never).expect(200);
    expect(await t.prisma.allocation.count()).toBe(before);

    const amount = (body.amount as number | undefined) ?? 1;
    const answer = amount > 1 ? await api.allocateBatch(body as never) : await api.allocate(body as never);
    const allocated = answer.status === 200 ? (answer.body.allocations ?? [answer.body.allocation]) : [];
    const outcome =
      answer.status === 200
        ? `200 ${allocated.filter((a: { quota: string }) => a.quota === 'COMMITTED').length}+${allocated.filter((a: { quota: string }) => a.quota === 'ON_DEMAND').length}`
        : `${answer.status} ${answer.body.code}`;
    expect(outcome).toBe(expected);
    expect(check.allowed).toBe(answer.status === 200);
    if (answer.status === 200) expect(`200 ${check.charged.committed}+${check.charged.onDemand}`).toBe(outcome);
    else expect(check.code).toBe(answer.body.code);
  });

  it('answers with the figures behind the decision', async () => {
    const pool = await createPool(t.prisma, 8);
    const clientId = await createClient(t.prisma, 5);
    const contractId = await createContract(t.prisma, clientId, pool, 3);
    await createContract(t.prisma, await createClient(t.prisma), pool, 2);
    await api.allocate({ ...where(pool), clientId, contractId }).expect(200);
    const { body } = await api
      .checkQuota({ ...where(pool), clientId, contractId, overflow: true, amount: 4 })
      .expect(200);
    expect(body).toEqual({
      allowed: true,
      amount: 4,
      charged: { committed: 2, onDemand: 2 },
      committed: { contractId, limit: 3, used: 1, requested: 2 },
      onDemand: { limit: 5, used: 0, requested: 2 },
      pool: { available: 7, reserved: 4 },
    });
    const refused = await api.checkQuota({ ...where(pool), clientId, contractId, amount: 4 }).expect(200);
    expect(refused.body).toMatchObject({
      allowed: false,
      charged: { committed: 0, onDemand: 0 },
      code: 'QUOTA_EXCEEDED',
      committed: { requested: 4 },
    });
    expect(refused.body.message).toContain(contractId);
  });

  it('answers 404 for what does not exist, as allocate does', async () => {
    const pool = await createPool(t.prisma, 1);
    expect((await api.checkQuota({ ...where(pool), clientId: 999_999 }).expect(404)).body.code).toBe(
      'CLIENT_NOT_FOUND',
    );
    expect(
      (
        await api
          .checkQuota({ ...where(pool), clientId: await createClient(t.prisma), contractId: 'NO-SUCH' })
          .expect(404)
      ).body.code,
    ).toBe('CONTRACT_NOT_FOUND');
    expect(
      (await api.checkQuota({ locationId: pool.locationId, instanceTypeId: 999_999, clientId: 1 }).expect(404)).body
        .code,
    ).toBe('INSTANCE_TYPE_NOT_FOUND');
  });

  it('takes a key with inventory:read or server:allocate, and no other', async () => {
    const pool = await createPool(t.prisma, 1);
    const body = { ...where(pool), clientId: await createClient(t.prisma) };
    for (const scope of ['inventory:read', 'server:allocate'] as const) {
      await t.http
        .post('/api/quota/check')
        .set('X-Api-Key', await t.apiKey(scope))
        .send(body)
        .expect(200);
    }
    const { body: refused } = await t.http
      .post('/api/quota/check')
      .set('X-Api-Key', await t.apiKey('server:isolate'))
      .send(body)
      .expect(403);
    expect(refused.code).toBe('FORBIDDEN');
  });
});
