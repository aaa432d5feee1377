import { randomUUID } from 'node:crypto';
import { invariantViolations, NO_VIOLATIONS } from '@app/server-commands';
import { createClient, createContract, createPool } from '../support/factories';
import { footprint, serverCommands, ServerCommandsClient } from '../support/server-commands-client';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Replace: a client's broken server is isolated and another of its pool allocated to it on the same quota, in one
 * transaction, all or nothing.
 */
describe('Replacing a broken server', () => {
  let t: TestApp;
  let api: ServerCommandsClient;

  beforeAll(async () => {
    t = await startTestApp();
    api = serverCommands(t, await t.apiKey());
  });
  afterAll(() => t.close());

  /** A pool of `servers`, a client whose contract commits `committed` of them, holding `held` on it. */
  async function holding(servers: number, committed: number, held: number) {
    const pool = await createPool(t.prisma, servers);
    const clientId = await createClient(t.prisma, 0);
    const contractId = await createContract(t.prisma, clientId, pool, committed);
    const order = { locationId: pool.locationId, instanceTypeId: pool.instanceTypeId, clientId, contractId };
    const { body } = await api.allocateBatch({ ...order, amount: held }).expect(200);
    return { pool, clientId, contractId, order, heldIds: body.servers.map((s: { id: number }) => s.id) as number[] };
  }

  const useOf = async (clientId: number, contractId: string) => ({
    open: await t.prisma.allocation.count({ where: { clientId, endedAt: null } }),
    committed: (await t.prisma.contractCommitment.findFirstOrThrow({ where: { contractId } })).inUse,
  });

  it('isolates the broken server and allocates another on the same contract, even from its own reserve', async () => {
    // The contract commits 3 and holds 2: the one Available server left is its own reserve.
    const { clientId, contractId, heldIds } = await holding(3, 3, 2);
    const [broken] = heldIds;
    const { body } = await api
      .replace(clientId, broken, { subState: 'brokenHardware', reason: 'PSU', operationUuid: randomUUID() })
      .expect(200);
    expect(body).toMatchObject({
      command: 'replace',
      changed: true,
      server: { id: broken, status: 'isolated', subState: 'brokenHardware', allocation: null },
      allocation: { endedBy: 'REPLACED', contractId, quota: 'COMMITTED' },
      replacement: {
        server: { status: 'allocated' },
        allocation: { clientId, contractId, quota: 'COMMITTED', replacesId: body.allocation.id },
      },
    });
    expect(await useOf(clientId, contractId)).toEqual({ open: 2, committed: 2 });
    const events = await t.prisma.outboxEvent.findMany({
      where: { serverId: { in: [broken, body.replacement.server.id] } },
      orderBy: { sequence: 'asc' },
    });
    expect(events.slice(-2).map((e) => e.type)).toEqual(['server.isolated', 'server.allocated']);
    expect(await invariantViolations(t.prisma, 10)).toEqual(NO_VIOLATIONS);
  });

  it('answers a retry with the same Idempotency-Key with the same replacement, and refuses it for another request', async () => {
    const { clientId, heldIds } = await holding(3, 3, 2);
    const key = randomUUID();
    const first = (await api.replace(clientId, heldIds[0], { subState: 'networkIssue' }, key).expect(200)).body;
    const again = (await api.replace(clientId, heldIds[0], { subState: 'networkIssue' }, key).expect(200)).body;
    expect(again).toMatchObject({ changed: false, replacement: { server: { id: first.replacement.server.id } } });
    const other = await api.replace(clientId, heldIds[1], { subState: 'networkIssue' }, key).expect(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('refuses, changing nothing: no Available server, another client, not allocated, unknown, bad input, missing scope', async () => {
    const { pool, clientId, heldIds } = await holding(2, 2, 2);
    const [broken] = heldIds;
    const other = await createClient(t.prisma);
    const before = await footprint(t, broken);
    const refusals: [() => ReturnType<ServerCommandsClient['replace']>, number, string][] = [
      [() => api.replace(clientId, broken, { subState: 'brokenHardware' }), 409, 'NO_CAPACITY'],
      [() => api.replace(other, broken, { subState: 'brokenHardware' }), 409, 'NOT_HELD_BY_CLIENT'],
      [() => api.replace(999_999_999, broken, { subState: 'brokenHardware' }), 404, 'CLIENT_NOT_FOUND'],
      [() => api.replace(clientId, 999_999_999, { subState: 'brokenHardware' }), 404, 'SERVER_NOT_FOUND'],
      [() => api.replace(clientId, broken, { subState: 'melted' }), 400, 'VALIDATION_FAILED'],
      [() => api.replace(clientId, broken, {}), 400, 'VALIDATION_FAILED'],
    ];
    for (const [send, status, code] of refusals) expect((await send().expect(status)).body.code).toBe(code);
    expect(await footprint(t, broken)).toEqual(before);

    await api.isolate(broken, { subState: 'brokenHardware' }).expect(200);
    const isolated = await footprint(t, broken);
    expect((await api.replace(clientId, broken, { subState: 'brokenHardware' }).expect(409)).body.code).toBe(
      'INVALID_STATE',
    );
    expect(await footprint(t, broken)).toEqual(isolated);

    const isolateOnly = serverCommands(t, await t.apiKey('server:isolate'));
    const forbidden = await isolateOnly.replace(clientId, heldIds[1], { subState: 'brokenHardware' }).expect(403);
    expect(forbidden.body.details.missingScopes).toEqual(['server:allocate']);
    expect(pool.serverIds).toContain(heldIds[1]);
  });

  it('50 replaces against 50 allocations with 30 Available servers: each all or nothing, the use unchanged', async () => {
    const { clientId, contractId, heldIds } = await holding(80, 50, 50);
    const answers = await Promise.all(
      heldIds.map((id) => api.replace(clientId, id, { subState: 'brokenHardware', reason: 'batch of bad DIMMs' })),
    );
    const done = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status !== 200);
    expect(done).toHaveLength(30);
    expect(refused.map((a) => [a.status, a.body.code])).toEqual(Array(20).fill([409, 'NO_CAPACITY']));
    expect(await useOf(clientId, contractId)).toEqual({ open: 50, committed: 50 });

    const statuses = await t.prisma.server.groupBy({ by: ['status'], where: { id: { in: heldIds } }, _count: true });
    expect(Object.fromEntries(statuses.map((s) => [s.status, s._count]))).toEqual({ isolated: 30, allocated: 20 });
    const replacements = done.map((a) => a.body.replacement.server.id as number);
    expect(new Set(replacements).size).toBe(30);
    expect(await invariantViolations(t.prisma, 10)).toEqual(NO_VIOLATIONS);
  });
});
