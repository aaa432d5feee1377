import { createClient, createContract, createPool } from '../support/factories';
import { serverCommands, ServerCommandsClient } from '../support/server-commands-client';
import { startTestApp, TestApp } from '../support/test-app';

/** Quota accounting by contract (seeds 000 and 003), rule by rule, over HTTP. */
describe('Quota accounting by contract', () => {
  let t: TestApp;
  let api: ServerCommandsClient;

  beforeAll(async () => {
    t = await startTestApp({ ON_DEMAND_DEFAULT_LIMIT: '2' });
    api = serverCommands(t, await t.apiKey());
  });
  afterAll(() => t.close());

  const DAY = 86_400_000;

  async function poolWithContract(servers: number, committed: number, onDemandLimit: number | null = 10) {
    const pool = await createPool(t.prisma, servers);
    const clientId = await createClient(t.prisma, onDemandLimit);
    const contractId = await createContract(t.prisma, clientId, pool, committed);
    const request = (extra: object = {}) =>
      api.allocate({
        locationId: pool.locationId,
        instanceTypeId: pool.instanceTypeId,
        clientId,
        contractId,
        ...extra,
      });
    return { pool, clientId, contractId, request };
  }

  it('charges the contract while its commitment lasts, then answers 409 QUOTA_EXCEEDED with the figures', async () => {
    const { contractId, request } = await poolWithContract(5, 2);
    for (let i = 0; i < 2; i++)
      expect((await request().expect(200)).body.allocation).toMatchObject({ quota: 'COMMITTED', contractId });
    const { body } = await request().expect(409);
    expect(body).toMatchObject({
      code: 'QUOTA_EXCEEDED',
      details: { quota: 'COMMITTED', contractId, committed: 2, used: 2, requested: 1 },
    });
  });

  it('overflows to on-demand quota when overflow is true', async () => {
    const { request } = await poolWithContract(5, 1);
    expect((await request({ overflow: true }).expect(200)).body.allocation.quota).toBe('COMMITTED');
    expect((await request({ overflow: true }).expect(200)).body.allocation).toMatchObject({
      quota: 'ON_DEMAND',
      contractId: null,
    });
  });

  it('treats a contract without commitment in the pool as used up', async () => {
    const { pool, clientId, contractId } = await poolWithContract(3, 1);
    const elsewhere = await createPool(t.prisma, 3);
    const body = { locationId: elsewhere.locationId, instanceTypeId: elsewhere.instanceTypeId, clientId, contractId };
    expect((await api.allocate(body).expect(409)).body.details).toMatchObject({ committed: 0, used: 0 });
    expect((await api.allocate({ ...body, overflow: true }).expect(200)).body.allocation.quota).toBe('ON_DEMAND');
    expect(pool.serverIds).toHaveLength(3);
  });

  it("stops on-demand at the client's own limit, and at the default limit for clients without one", async () => {
    const own = await poolWithContract(6, 0, 1);
    expect((await own.request({ contractId: null }).expect(200)).body.allocation.quota).toBe('ON_DEMAND');
    expect((await own.request({ contractId: null }).expect(409)).body).toMatchObject({
      code: 'QUOTA_EXCEEDED',
      details: { quota: 'ON_DEMAND', limit: 1, used: 1, requested: 1 },
    });

    const byDefault = await poolWithContract(6, 0, null);
    await byDefault.request({ contractId: '' }).expect(200);
    await byDefault.request({ contractId: '' }).expect(200);
    expect((await byDefault.request({ contractId: '' }).expect(409)).body.details).toMatchObject({
      quota: 'ON_DEMAND',
      limit: 2,
      used: 2,
    });
  });

  it('counts on-demand servers across pools', async () => {
    const first = await poolWithContract(3, 0, 1);
    const other = await createPool(t.prisma, 3);
    await first.request({ contractId: null }).expect(200);
    const elsewhere = await api
      .allocate({ locationId: other.locationId, instanceTypeId: other.instanceTypeId, clientId: first.clientId })
      .expect(409);
    expect(elsewhere.body.code).toBe('QUOTA_EXCEEDED');
  });

  it('keeps committed capacity: on-demand may not take the servers contracts still have a right to', async () => {
    const { pool, clientId, contractId, request } = await poolWithContract(3, 2);
    const bystander = await createClient(t.prisma, 10);
    const onDemand = () =>
      api.allocate({ locationId: pool.locationId, instanceTypeId: pool.instanceTypeId, clientId: bystander });
    expect((await onDemand().expect(200)).body.allocation.quota).toBe('ON_DEMAND');
    expect((await onDemand().expect(409)).body).toMatchObject({
      code: 'NO_CAPACITY',
      details: { available: 2, reserved: 2 },
    });
    expect((await request().expect(200)).body.allocation).toMatchObject({ quota: 'COMMITTED', contractId });
    expect((await request().expect(200)).body.allocation.quota).toBe('COMMITTED');
    expect((await request({ overflow: true }).expect(409)).body.code).toBe('NO_CAPACITY');
    expect(await t.prisma.allocation.count({ where: { clientId, endedAt: null } })).toBe(2);
  });

  it('gives committed quota back when an allocation ends', async () => {
    const { clientId, request } = await poolWithContract(3, 1);
    const serverId = (await request().expect(200)).body.server.id;
    await request().expect(409);
    await api.deallocate(clientId, serverId).expect(200);
    expect((await request().expect(200)).body.allocation.quota).toBe('COMMITTED');
  });

  it("refuses another client's contract with 403 CONTRACT_OF_ANOTHER_CLIENT, charging nothing", async () => {
    const { pool, contractId } = await poolWithContract(3, 3);
    const intruder = await createClient(t.prisma, 10);
    const { body } = await api
      .allocate({
        locationId: pool.locationId,
        instanceTypeId: pool.instanceTypeId,
        clientId: intruder,
        contractId,
        overflow: true,
      })
      .expect(403);
    expect(body).toMatchObject({ code: 'CONTRACT_OF_ANOTHER_CLIENT', details: { contractId, clientId: intruder } });
    expect(await t.prisma.allocation.count({ where: { clientId: intruder } })).toBe(0);
  });

  it.each([
    ['expired', { startsAt: new Date(Date.now() - 10 * DAY), endsAt: new Date(Date.now() - DAY) }],
    ['not yet started', { startsAt: new Date(Date.now() + DAY), endsAt: null }],
  ])('refuses an %s contract with 409 CONTRACT_NOT_ACTIVE, even with overflow', async (_, validity) => {
    const pool = await createPool(t.prisma, 3);
    const clientId = await createClient(t.prisma, 10);
    const contractId = await createContract(t.prisma, clientId, pool, 3, validity);
    const { body } = await api
      .allocate({
        locationId: pool.locationId,
        instanceTypeId: pool.instanceTypeId,
        clientId,
        contractId,
        overflow: true,
      })
      .expect(409);
    expect(body.code).toBe('CONTRACT_NOT_ACTIVE');
    expect(await t.prisma.allocation.count({ where: { clientId } })).toBe(0);
  });

  it('does not reserve capacity for contracts that are not valid now', async () => {
    const pool = await createPool(t.prisma, 1);
    const owner = await createClient(t.prisma, 10);
    await createContract(t.prisma, owner, pool, 1, {
      startsAt: new Date(Date.now() - 10 * DAY),
      endsAt: new Date(Date.now() - DAY),
    });
    const other = await createClient(t.prisma, 10);
    expect(
      (
        await api
          .allocate({ locationId: pool.locationId, instanceTypeId: pool.instanceTypeId, clientId: other })
          .expect(200)
      ).body.allocation.quota,
    ).toBe('ON_DEMAND');
  });

  it('records start, end and how each allocation ended, for billing', async () => {
    const { clientId, request } = await poolWithContract(4, 3);
    const ids = await Promise.all(
      [request(), request(), request()].map(async (r) => (await r.expect(200)).body.server.id as number),
    );
    await api.deallocate(clientId, ids[0]).expect(200);
    await api.compensate(clientId, ids[1]).expect(200);
    await api.isolate(ids[2], { subState: 'brokenHardware' }).expect(200);
    const rows = await t.prisma.allocation.findMany({ where: { clientId }, orderBy: { serverId: 'asc' } });
    expect(rows.map((r) => [r.serverId, r.quota, r.endedBy, r.endedAt !== null && r.endedAt >= r.startedAt])).toEqual(
      [...ids]
        .sort((a, b) => a - b)
        .map((id) => [
          id,
          'COMMITTED',
          { [ids[0]]: 'RELEASED', [ids[1]]: 'COMPENSATED', [ids[2]]: 'ISOLATED' }[id],
          true,
        ]),
    );
  });
});
