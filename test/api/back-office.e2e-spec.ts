import { createClient, createContract, createPool, Pool } from '../support/factories';
import { invariantViolations, NO_VIOLATIONS } from '@app/server-commands';
import { serverCommands, ServerCommandsClient } from '../support/server-commands-client';
import { startTestApp, TestApp } from '../support/test-app';

const DEFAULT_ON_DEMAND_LIMIT = 5;

/**
 * The staff back office on a small fleet whose figures are worked out by hand in each test:
 * capacity and usage reports, clients and contracts, servers added, described and retired.
 */
describe('The staff back office', () => {
  let t: TestApp;
  let api: ServerCommandsClient;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp({ ON_DEMAND_DEFAULT_LIMIT: String(DEFAULT_ON_DEMAND_LIMIT) });
    key = await t.apiKey();
    api = serverCommands(t, key);
  });
  afterAll(() => t.close());

  const get = (path: string) => t.http.get(path).set('X-Api-Key', key);
  const send = (method: 'post' | 'put' | 'patch', path: string, body: object) =>
    t.http[method](path).set('X-Api-Key', key).send(body);
  const where = (pool: Pool) => ({ locationId: pool.locationId, instanceTypeId: pool.instanceTypeId });
  const capacityOf = async (pool: Pool) =>
    (await get(`/api/capacity?instanceTypeId=${pool.instanceTypeId}`).expect(200)).body[0];

  /** Pool P1 of 10 and P2 of 4; client A (limit 3) commits 4 in P1 and 1 in P2; client B (default limit) commits 2 in P1. */
  async function fleet() {
    const [p1, p2] = [await createPool(t.prisma, 10), await createPool(t.prisma, 4)];
    const a = await createClient(t.prisma, 3);
    const b = await createClient(t.prisma);
    const contractA = `CA-${a}`;
    await send('post', '/api/contracts', {
      contractId: contractA,
      clientId: a,
      startsAt: '2026-01-01T00:00:00Z',
      commitments: [
        { ...where(p1), quantity: 4 },
        { ...where(p2), quantity: 1 },
      ],
    }).expect(201);
    const contractB = await createContract(t.prisma, b, p1, 2);
    return { p1, p2, a, b, contractA, contractB };
  }

  describe('capacity and usage', () => {
    it('reports each pool from its counters, before and after allocations, de-allocation, isolation and a contract change', async () => {
      const { p1, a, b, contractA } = await fleet();
      expect(await capacityOf(p1)).toEqual({
        ...where(p1),
        instanceTypeName: expect.any(String),
        servers: { available: 10, allocated: 0, baselining: 0, isolated: 0, quarantined: 0, retired: 0 },
        committed: 6,
        committedInUse: 0,
        reserved: 6,
        onDemandInUse: 0,
        onDemandHeadroom: 4,
        pendingMaintenance: 0,
        pendingRetirement: 0,
      });

      const first = await api.allocate({ ...where(p1), clientId: a, contractId: contractA }).expect(200);
      await api.allocate({ ...where(p1), clientId: a, contractId: contractA }).expect(200);
      await api.allocate({ ...where(p1), clientId: b }).expect(200);
      await api.deallocate(a, first.body.server.id).expect(200);
      await api.isolate(p1.serverIds[9], { subState: 'brokenHardware' }).expect(200);
      // A holds 1 committed, B 1 on-demand; reserved = (4 - 1) + (2 - 0) = 5; headroom = 6 available - 5.
      expect(await capacityOf(p1)).toMatchObject({
        servers: { available: 6, allocated: 2, baselining: 1, isolated: 1, quarantined: 0, retired: 0 },
        committed: 6,
        committedInUse: 1,
        reserved: 5,
        onDemandInUse: 1,
        onDemandHeadroom: 1,
      });

      // A's commitment in P1 lowered to 0 below its use of 1: nothing taken away, reported, and the reserve follows at once.
      const { body: changed } = await send('patch', `/api/contracts/${contractA}`, {
        commitments: [{ ...where(p1), quantity: 0 }],
      }).expect(200);
      expect(changed.overcommitted).toEqual([{ ...where(p1), committed: 0, inUse: 1 }]);
      expect(await capacityOf(p1)).toMatchObject({ committed: 2, committedInUse: 1, reserved: 2, onDemandHeadroom: 4 });
      expect(await invariantViolations(t.prisma, DEFAULT_ON_DEMAND_LIMIT)).toEqual(NO_VIOLATIONS);
    });

    it('filters pools by location and instance type and pages them', async () => {
      const { p1, p2 } = await fleet();
      const { body, headers } = await get(`/api/capacity?locationId=${p2.locationId}`).expect(200);
      expect(body.map((r: { instanceTypeId: number }) => r.instanceTypeId)).toEqual([p2.instanceTypeId]);
      expect(headers['ranged-data']).toBe('start=0,results=1,total=1');
      const paged = await get('/api/capacity').set('RANGED-DATA', 'start=0,results=1').expect(200);
      expect(paged.body).toHaveLength(1);
      expect(Number(/total=(\d+)/.exec(paged.headers['ranged-data'])![1])).toBeGreaterThanOrEqual(2);
      expect(
        (await get(`/api/capacity?instanceTypeId=${p1.instanceTypeId}&locationId=${p2.locationId}`).expect(200)).body,
      ).toEqual([]);
      expect((await get('/api/capacity?locationId=abc').expect(400)).body.code).toBe('VALIDATION_FAILED');
    });

    it('reports what a client commits, uses and has free per contract and pool, and its on-demand', async () => {
      const { p1, p2, a, contractA } = await fleet();
      await api.allocate({ ...where(p1), clientId: a, contractId: contractA }).expect(200);
      await api.allocate({ ...where(p2), clientId: a, contractId: contractA }).expect(200);
      await api.allocate({ ...where(p1), clientId: a }).expect(200);
      const { body } = await get(`/api/client/${a}/capacity`).expect(200);
      expect(body).toEqual({
        clientId: a,
        name: `Client ${a}`,
        contracts: [
          {
            contractId: contractA,
            startsAt: '2026-01-01T00:00:00.000Z',
            endsAt: null,
            active: true,
            pools: [
              { ...where(p1), committed: 4, used: 1, free: 3 },
              { ...where(p2), committed: 1, used: 1, free: 0 },
            ].sort((x, y) => x.locationId - y.locationId),
          },
        ],
        onDemand: { used: 1, limit: 3 },
      });
      expect((await get('/api/client/999999/capacity').expect(404)).body.code).toBe('CLIENT_NOT_FOUND');
    });

    it("lists a client's allocations over a period for billing, compensated ones marked and never billed", async () => {
      const { p1, a, contractA } = await fleet();
      const kept = await api.allocate({ ...where(p1), clientId: a, contractId: contractA }).expect(200);
      const compensated = await api.allocate({ ...where(p1), clientId: a, contractId: contractA }).expect(200);
      await api.compensate(a, compensated.body.server.id).expect(200);
      const all = await get(`/api/client/${a}/allocations`).expect(200);
      expect(
        all.body.map((x: { id: number; billable: boolean; endedBy: string | null }) => [x.id, x.billable, x.endedBy]),
      ).toEqual([
        [kept.body.allocation.id, true, null],
        [compensated.body.allocation.id, false, 'COMPENSATED'],
      ]);
      expect(
        (await get(`/api/client/${a}/allocations?state=open`).expect(200)).body.map((x: { id: number }) => x.id),
      ).toEqual([kept.body.allocation.id]);
      expect(
        (await get(`/api/client/${a}/allocations?state=ended`).expect(200)).body.map((x: { id: number }) => x.id),
      ).toEqual([compensated.body.allocation.id]);
      expect((await get(`/api/client/${a}/allocations?to=2026-01-01T00:00:00Z`).expect(200)).body).toEqual([]);
      expect(
        (await get(`/api/client/${a}/allocations?from=2099-01-01T00:00:00Z`).expect(200)).body.map(
          (x: { id: number }) => x.id,
        ),
      ).toEqual([kept.body.allocation.id]);
      expect((await get(`/api/client/${a}/allocations?from=yesterday`).expect(400)).body.code).toBe(
        'VALIDATION_FAILED',
      );
    });
  });

  describe('clients and contracts', () => {
    it('creates and updates a client, audited', async () => {
      const id = 990_001;
      expect((await send('put', `/api/clients/${id}`, { name: 'New customer' }).expect(201)).body).toEqual({
        id,
        name: 'New customer',
        onDemandLimit: null,
        onDemandInUse: 0,
      });
      expect(
        (await send('put', `/api/clients/${id}`, { name: 'Renamed', onDemandLimit: 7 }).expect(200)).body,
      ).toMatchObject({ name: 'Renamed', onDemandLimit: 7 });
      expect((await get(`/api/clients/${id}`).expect(200)).body.onDemandLimit).toBe(7);
      const { body: history } = await get(`/api/clients/${id}/history`).expect(200);
      expect(
        history.map((h: { action: string; before: { name?: string } | null; after: { name: string } }) => [
          h.action,
          h.before?.name ?? null,
          h.after.name,
        ]),
      ).toEqual([
        ['updated', 'New customer', 'Renamed'],
        ['created', null, 'New customer'],
      ]);
      expect(history[0].actor).toMatch(/^test-/);
      expect((await send('put', `/api/clients/${id}`, { name: '' }).expect(400)).body.code).toBe('VALIDATION_FAILED');
      expect((await get('/api/clients').expect(200)).body.some((c: { id: number }) => c.id === id)).toBe(true);
    });

    it('creates a contract once, refuses what it cannot be, and keeps its history', async () => {
      const { p1, a, contractA } = await fleet();
      const body = {
        contractId: `NEW-${a}`,
        clientId: a,
        startsAt: '2026-06-01T00:00:00Z',
        endsAt: '2027-06-01T00:00:00Z',
        commitments: [{ ...where(p1), quantity: 2 }],
      };
      const { body: created } = await send('post', '/api/contracts', body).expect(201);
      expect(created).toEqual({
        contract: {
          contractId: body.contractId,
          clientId: a,
          startsAt: '2026-06-01T00:00:00.000Z',
          endsAt: '2027-06-01T00:00:00.000Z',
          active: true,
          commitments: [{ ...where(p1), quantity: 2, inUse: 0 }],
        },
        overcommitted: [],
      });
      expect((await send('post', '/api/contracts', body).expect(409)).body.code).toBe('CONTRACT_EXISTS');
      expect(
        (await send('post', '/api/contracts', { ...body, contractId: 'X-1', clientId: 999_999 }).expect(404)).body.code,
      ).toBe('CLIENT_NOT_FOUND');
      expect(
        (
          await send('post', '/api/contracts', {
            ...body,
            contractId: 'X-2',
            commitments: [{ locationId: p1.locationId, instanceTypeId: 999_999, quantity: 1 }],
          }).expect(404)
        ).body.code,
      ).toBe('INSTANCE_TYPE_NOT_FOUND');
      expect(
        (
          await send('post', '/api/contracts', { ...body, contractId: 'X-3', endsAt: '2026-01-01T00:00:00Z' }).expect(
            400,
          )
        ).body.code,
      ).toBe('VALIDATION_FAILED');
      expect((await send('post', '/api/contracts', { ...body, contractId: 'lower-case' }).expect(400)).body.code).toBe(
        'VALIDATION_FAILED',
      );
      expect(
        (
          await send('post', '/api/contracts', {
            ...body,
            contractId: 'X-4',
            commitments: [
              { ...where(p1), quantity: 1 },
              { ...where(p1), quantity: 2 },
            ],
          }).expect(400)
        ).body.code,
      ).toBe('VALIDATION_FAILED');
      expect(await t.prisma.contract.count({ where: { contractId: { startsWith: 'X-' } } })).toBe(0);

      expect(
        (await get(`/api/contracts?clientId=${a}`).expect(200)).body.map((c: { contractId: string }) => c.contractId),
      ).toEqual([contractA, body.contractId]);
      expect((await get(`/api/contracts/${body.contractId}`).expect(200)).body.commitments).toEqual([
        { ...where(p1), quantity: 2, inUse: 0 },
      ]);
      expect((await get('/api/contracts/NOPE').expect(404)).body.code).toBe('CONTRACT_NOT_FOUND');
      expect((await get('/api/contracts/bad%20id').expect(400)).body.code).toBe('VALIDATION_FAILED');
      expect((await get(`/api/contracts/${body.contractId}/history`).expect(200)).body).toEqual([
        expect.objectContaining({ action: 'created', before: null, after: created.contract }),
      ]);
    });

    it('ends a contract that holds servers without taking them away, and the guarantee follows at once', async () => {
      const { p2, a, b, contractA } = await fleet();
      await api.allocate({ ...where(p2), clientId: b }).expect(200); // 4 servers, 1 reserved for A: on-demand takes up to 3
      await api.allocate({ ...where(p2), clientId: b }).expect(200);
      await api.allocate({ ...where(p2), clientId: b }).expect(200);
      expect((await api.allocate({ ...where(p2), clientId: b }).expect(409)).body.code).toBe('NO_CAPACITY');
      const held = await api.allocate({ ...where(p2), clientId: a, contractId: contractA }).expect(200);
      await api
        .deallocate(
          b,
          (
            await t.prisma.server.findFirstOrThrow({
              where: { instanceTypeId: p2.instanceTypeId, currentAllocation: { clientId: b } },
            })
          ).id,
        )
        .expect(200);
      await api
        .available(
          (
            await t.prisma.server.findFirstOrThrow({
              where: { instanceTypeId: p2.instanceTypeId, status: 'baselining' },
            })
          ).id,
        )
        .expect(200);

      const now = new Date(Date.now() - 1000).toISOString();
      const { body } = await send('patch', `/api/contracts/${contractA}`, { endsAt: now }).expect(200);
      expect(body.contract.active).toBe(false);
      expect(body.overcommitted).toEqual([{ ...where(p2), committed: 0, inUse: 1 }]);
      expect((await get(`/api/servers/${held.body.server.id}`).expect(200)).body.allocation.clientId).toBe(a);
      expect((await api.allocate({ ...where(p2), clientId: a, contractId: contractA }).expect(409)).body.code).toBe(
        'CONTRACT_NOT_ACTIVE',
      );
      expect(await capacityOf(p2)).toMatchObject({ committed: 0, reserved: 0, onDemandHeadroom: 1 });
      const history = (await get(`/api/contracts/${contractA}/history`).expect(200)).body;
      expect(history[0]).toMatchObject({
        action: 'updated',
        before: { endsAt: null },
        after: { endsAt: expect.any(String), active: false },
      });
    });

    it('keeps admin changes to admin keys', async () => {
      const reader = await t.apiKey('inventory:read');
      await t.http.put('/api/clients/990002').set('X-Api-Key', reader).send({ name: 'x' }).expect(403);
      await t.http.post('/api/contracts').set('X-Api-Key', reader).send({}).expect(403);
    });
  });

  it('leaves every invariant true, staff changes included', async () => {
    expect(await invariantViolations(t.prisma, DEFAULT_ON_DEMAND_LIMIT)).toEqual(NO_VIOLATIONS);
  });

  describe('servers', () => {
    it("adds servers through Back to Baseline, all or none, with the import's rules", async () => {
      const pool = await createPool(t.prisma, 1);
      const servers = [900_001, 900_002].map((id) => ({ id, hostname: `new${id}.test`, ...where(pool), rack: 'R9' }));
      const { body } = await send('post', '/api/servers', { servers }).expect(201);
      expect(body.map((s: { id: number; status: string }) => [s.id, s.status])).toEqual([
        [900_001, 'baselining'],
        [900_002, 'baselining'],
      ]);
      const events = await t.prisma.outboxEvent.findMany({ where: { serverId: 900_001 } });
      expect(events.map((e) => [e.type, (e.payload as { baseline: { cause: string } }).baseline.cause])).toEqual([
        ['server.baseline.requested', 'added'],
      ]);
      expect((await capacityOf(pool)).servers).toMatchObject({ available: 1, baselining: 2 });

      const bad = await send('post', '/api/servers', {
        servers: [
          { id: 900_003, hostname: 'new900003.test', ...where(pool) },
          { ...servers[0] },
          { id: 900_004, hostname: 'new900001.test', ...where(pool) },
        ],
      }).expect(400);
      expect(bad.body.details.problems.map((p: { field: string }) => p.field).sort()).toEqual(['hostname', 'id']);
      expect(await t.prisma.server.count({ where: { id: { in: [900_003, 900_004] } } })).toBe(0);
      expect(
        (
          await send('post', '/api/servers', {
            servers: [{ id: 900_005, hostname: 'x.test', locationId: pool.locationId, instanceTypeId: 999_999 }],
          }).expect(400)
        ).body.details.problems[0].field,
      ).toBe('instanceTypeId');
      expect((await send('post', '/api/servers', { servers: [] }).expect(400)).body.code).toBe('VALIDATION_FAILED');
    });

    it('describes a server, never its lifecycle', async () => {
      const pool = await createPool(t.prisma, 2);
      const [first, second] = pool.serverIds;
      const { body } = await send('patch', `/api/servers/${first}`, { rack: 'R7', serviceTag: null }).expect(200);
      expect(body).toMatchObject({ id: first, rack: 'R7', serviceTag: null, status: 'available' });
      expect(
        (await send('patch', `/api/servers/${first}`, { hostname: `server${second}.test` }).expect(409)).body.code,
      ).toBe('HOSTNAME_IN_USE');
      expect((await send('patch', `/api/servers/${first}`, { status: 'allocated' }).expect(400)).body.code).toBe(
        'VALIDATION_FAILED',
      );
      expect(
        (await send('patch', `/api/servers/${first}`, { hostname: null }).expect(400)).body.details.fields[0].field,
      ).toBe('hostname'); // found by the fuzzer: was a 500
      expect((await send('patch', '/api/servers/999999999', { rack: 'R1' }).expect(404)).body.code).toBe(
        'SERVER_NOT_FOUND',
      );
    });

    it('retires a server for good: never allocated again, counted as retired only, history kept', async () => {
      const pool = await createPool(t.prisma, 3);
      const clientId = await createClient(t.prisma, 5);
      const [inUse, broken, idle] = pool.serverIds;
      await api.isolate(broken, { subState: 'brokenHardware', reason: 'PSU' }).expect(200);
      await api.allocate({ ...where(pool), clientId }).expect(200);
      expect((await api.retire(idle, { reason: 'old' }).expect(200)).body.server.status).toBe('retired');
      const { body: marked } = await api.retire(inUse, { reason: 'old' }).expect(200);
      expect(marked).toMatchObject({ changed: true, server: { status: 'allocated' } });
      const { body } = await api
        .retire(broken, { reason: 'Motherboard failure', disposal: 'disksDestroyed' })
        .expect(200);
      expect(body.server).toMatchObject({ status: 'retired', subState: null });
      expect((await api.retire(broken, { reason: 'again' }).expect(409)).body.code).toBe('RETIRED');
      expect(await capacityOf(pool)).toMatchObject({
        servers: { available: 0, allocated: 1, retired: 2 },
        pendingRetirement: 1,
      });
      expect((await api.allocate({ ...where(pool), clientId }).expect(409)).body.code).toBe('NO_CAPACITY');
      const history = (await get(`/api/servers/${broken}/history`).expect(200)).body;
      expect(history[0]).toMatchObject({
        command: 'retire',
        from: 'isolated',
        to: 'retired',
        reason: 'Motherboard failure (disposal: disksDestroyed)',
      });
      expect(await t.prisma.outboxEvent.count({ where: { serverId: broken, type: 'server.retired' } })).toBe(1);
      expect((await api.retire(broken, {}).expect(400)).body.code).toBe('VALIDATION_FAILED');
    });
  });
});
