import { createClient, createContract, createPool, Pool } from '../support/factories';
import { invariantViolations, NO_VIOLATIONS } from '@app/server-commands';
import { serverCommands, ServerCommandsClient } from '../support/server-commands-client';
import { startTestApp, TestApp } from '../support/test-app';

const DEFAULT_ON_DEMAND_LIMIT = 6;

/** POST /api/server/allocate/batch: an order of N servers of one pool, all or nothing. */
describe('Orders of N servers', () => {
  let t: TestApp;
  let api: ServerCommandsClient;

  beforeAll(async () => {
    t = await startTestApp({ ON_DEMAND_DEFAULT_LIMIT: String(DEFAULT_ON_DEMAND_LIMIT), DATABASE_POOL_SIZE: '12' });
    api = serverCommands(t, await t.apiKey());
  });
  afterAll(() => t.close());

  const where = (pool: Pool) => ({ locationId: pool.locationId, instanceTypeId: pool.instanceTypeId });
  const allocatedIn = (pool: Pool) =>
    t.prisma.server.count({ where: { instanceTypeId: pool.instanceTypeId, status: 'allocated' } });

  it('allocates all the servers asked for, the lowest ids first, one audit row and one event each', async () => {
    const pool = await createPool(t.prisma, 6);
    const clientId = await createClient(t.prisma, 10);
    const { body } = await api.allocateBatch({ ...where(pool), clientId, amount: 4 }).expect(200);
    expect(body).toMatchObject({
      command: 'allocate',
      changed: true,
      amount: 4,
      charged: { committed: 0, onDemand: 4 },
    });
    expect(body.servers.map((s: { id: number }) => s.id)).toEqual(pool.serverIds.slice(0, 4));
    expect(
      body.servers.every(
        (s: { status: string; allocation: { clientId: number } }) =>
          s.status === 'allocated' && s.allocation.clientId === clientId,
      ),
    ).toBe(true);
    expect(body.allocations.map((a: { serverId: number }) => a.serverId)).toEqual(pool.serverIds.slice(0, 4));
    const ids = { in: pool.serverIds.slice(0, 4) };
    expect(await t.prisma.serverEvent.count({ where: { serverId: ids, command: 'allocate' } })).toBe(4);
    expect(await t.prisma.outboxEvent.count({ where: { serverId: ids, type: 'server.allocated' } })).toBe(4);
  });

  it('charges the contract first and overflows the rest to on-demand, as single allocations one after another would', async () => {
    const pool = await createPool(t.prisma, 10);
    const clientId = await createClient(t.prisma, 10);
    const contractId = await createContract(t.prisma, clientId, pool, 3);
    await api.allocate({ ...where(pool), clientId, contractId }).expect(200);
    const { body } = await api
      .allocateBatch({ ...where(pool), clientId, contractId, overflow: true, amount: 4 })
      .expect(200);
    expect(body.charged).toEqual({ committed: 2, onDemand: 2 });
    expect(body.allocations.map((a: { quota: string }) => a.quota).sort()).toEqual([
      'COMMITTED',
      'COMMITTED',
      'ON_DEMAND',
      'ON_DEMAND',
    ]);
  });

  it('allocates nothing when the whole order does not fit the quota: 409 QUOTA_EXCEEDED with requested = amount', async () => {
    const pool = await createPool(t.prisma, 10);
    const clientId = await createClient(t.prisma, 10);
    const contractId = await createContract(t.prisma, clientId, pool, 3);
    const { body } = await api.allocateBatch({ ...where(pool), clientId, contractId, amount: 4 }).expect(409);
    expect(body).toMatchObject({
      code: 'QUOTA_EXCEEDED',
      details: { quota: 'COMMITTED', contractId, committed: 3, used: 0, requested: 4 },
    });
    expect(await allocatedIn(pool)).toBe(0);
    const onDemand = await api
      .allocateBatch({ ...where(pool), clientId: await createClient(t.prisma, 2), amount: 3 })
      .expect(409);
    expect(onDemand.body).toMatchObject({
      code: 'QUOTA_EXCEEDED',
      details: { quota: 'ON_DEMAND', limit: 2, used: 0, requested: 3 },
    });
    expect(await allocatedIn(pool)).toBe(0);
  });

  it('never takes capacity reserved for other contracts, and allocates nothing then: 409 NO_CAPACITY', async () => {
    const pool = await createPool(t.prisma, 6);
    await createContract(t.prisma, await createClient(t.prisma), pool, 4);
    const clientId = await createClient(t.prisma, 10);
    const { body } = await api.allocateBatch({ ...where(pool), clientId, amount: 3 }).expect(409);
    expect(body).toMatchObject({ code: 'NO_CAPACITY', details: { available: 6, reserved: 4, requested: 3 } });
    expect(await allocatedIn(pool)).toBe(0);
    expect((await api.allocateBatch({ ...where(pool), clientId, amount: 2 }).expect(200)).body.amount).toBe(2);
  });

  it('allocates nothing when the pool has fewer servers than asked for', async () => {
    const pool = await createPool(t.prisma, 3);
    const clientId = await createClient(t.prisma, 10);
    expect((await api.allocateBatch({ ...where(pool), clientId, amount: 4 }).expect(409)).body).toMatchObject({
      code: 'NO_CAPACITY',
      details: { available: 3, requested: 4 },
    });
    expect(await allocatedIn(pool)).toBe(0);
  });

  it('with spread "rack", takes the servers from as many distinct racks as the pool allows', async () => {
    const pool = await createPool(t.prisma, 12, 4);
    const clientId = await createClient(t.prisma, 10);
    const racksOf = (body: { servers: { rack: string }[] }) => body.servers.map((s) => s.rack);
    const spread = await api.allocateBatch({ ...where(pool), clientId, amount: 4, spread: 'rack' }).expect(200);
    expect(new Set(racksOf(spread.body)).size).toBe(4);
    const moreThanRacks = await api.allocateBatch({ ...where(pool), clientId, amount: 6, spread: 'rack' }).expect(200);
    const perRack = Object.values(
      racksOf(moreThanRacks.body).reduce<Record<string, number>>((n, r) => ({ ...n, [r]: (n[r] ?? 0) + 1 }), {}),
    );
    expect(perRack.sort()).toEqual([1, 1, 2, 2]);
    const lowest = await api
      .allocateBatch({
        ...where(await createPool(t.prisma, 8, 4)),
        clientId: await createClient(t.prisma, 10),
        amount: 2,
      })
      .expect(200);
    expect(new Set(racksOf(lowest.body)).size).toBe(2);
  });

  it('answers a repeated order with the same Idempotency-Key with the same servers', async () => {
    const pool = await createPool(t.prisma, 6);
    const clientId = await createClient(t.prisma, 10);
    const first = await api.allocateBatch({ ...where(pool), clientId, amount: 3 }, 'order-1').expect(200);
    const again = await api.allocateBatch({ ...where(pool), clientId, amount: 3 }, 'order-1').expect(200);
    expect(again.body.changed).toBe(false);
    expect(again.body.allocations.map((a: { id: number }) => a.id)).toEqual(
      first.body.allocations.map((a: { id: number }) => a.id),
    );
    expect(await allocatedIn(pool)).toBe(3);
    expect((await api.allocateBatch({ ...where(pool), clientId, amount: 2 }, 'order-1').expect(422)).body.code).toBe(
      'IDEMPOTENCY_KEY_REUSED',
    );
  });

  it.each([
    [{ amount: 0 }, 'amount'],
    [{ amount: 1001 }, 'amount'],
    [{ amount: 2.5 }, 'amount'],
    [{ amount: '3' }, 'amount'],
    [{}, 'amount'],
    [{ amount: 2, spread: 'zone' }, 'spread'],
  ])('answers 400 naming the field for %j', async (extra, field) => {
    const pool = await createPool(t.prisma, 2);
    const { body } = await api
      .allocateBatch({ ...where(pool), clientId: await createClient(t.prisma), ...extra } as never)
      .expect(400);
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(body.details)).toContain(field);
    expect(await allocatedIn(pool)).toBe(0);
  });

  it('keeps every quota and the guarantee when orders and single allocations race for a small pool', async () => {
    const pool = await createPool(t.prisma, 24, 3);
    const contracts = await Promise.all(
      [6, 4].map(async (quantity) => {
        const clientId = await createClient(t.prisma, 4);
        return { clientId, contractId: await createContract(t.prisma, clientId, pool, quantity) };
      }),
    );
    const onDemand = await Promise.all([null, null, 3].map((limit) => createClient(t.prisma, limit)));
    const calls = [
      ...contracts.flatMap(({ clientId, contractId }) => [
        api.allocateBatch({ ...where(pool), clientId, contractId, amount: 3, overflow: true }),
        api.allocateBatch({ ...where(pool), clientId, contractId, amount: 2, spread: 'rack' }),
        ...Array.from({ length: 4 }, () => api.allocate({ ...where(pool), clientId, contractId, overflow: true })),
      ]),
      ...onDemand.flatMap((clientId) => [
        api.allocateBatch({ ...where(pool), clientId, amount: 3 }),
        api.allocateBatch({ ...where(pool), clientId, amount: 2, spread: 'rack' }),
        api.allocate({ ...where(pool), clientId }),
      ]),
    ];
    const answers = await Promise.all(calls.map(async (c) => c));
    expect(
      answers.filter(
        (a) => a.status !== 200 && !(a.status === 409 && ['QUOTA_EXCEEDED', 'NO_CAPACITY'].includes(a.body.code)),
      ),
    ).toEqual([]);
    const allocated = answers
      .filter((a) => a.status === 200)
      .flatMap((a) => (a.body.servers ?? [a.body.server]).map((s: { id: number }) => s.id));
    expect(new Set(allocated).size).toBe(allocated.length);
    expect(await allocatedIn(pool)).toBe(allocated.length);
    expect(await invariantViolations(t.prisma, DEFAULT_ON_DEMAND_LIMIT)).toEqual(NO_VIOLATIONS);
  });
});
