import { invariantViolations, NO_VIOLATIONS } from '@app/server-commands';
import { createClient, createContract, createPool, Pool } from '../support/factories';
import { footprint, serverCommands, ServerCommandsClient } from '../support/server-commands-client';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Maintenances of many servers at once: the guarantee check, all or nothing, no allocation on a server a
 * maintenance took, and every server wiped before it returns to clients or leaves the fleet.
 */
describe('Maintenances', () => {
  let t: TestApp;
  let api: ServerCommandsClient;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.apiKey('admin', 'inventory:read');
    api = serverCommands(t, await t.apiKey());
  });
  afterAll(() => t.close());

  const start = (body: object) => t.http.post('/api/maintenances').set('X-Api-Key', admin).send(body);
  const end = (id: number) => t.http.post(`/api/maintenances/${id}/end`).set('X-Api-Key', admin);
  const show = (id: number) => t.http.get(`/api/maintenances/${id}`).set('X-Api-Key', admin);
  const capacityOf = async (pool: Pool) =>
    (await t.http.get(`/api/capacity?instanceTypeId=${pool.instanceTypeId}`).set('X-Api-Key', admin).expect(200))
      .body[0];
  const statusOf = async (serverId: number) =>
    (await t.prisma.server.findUniqueOrThrow({ where: { id: serverId } })).status;
  const historyOf = async (serverId: number) =>
    (await t.prisma.serverEvent.findMany({ where: { serverId }, orderBy: { id: 'asc' } })).map(
      (e) => `${e.command}:${e.fromStatus}->${e.toStatus}`,
    );
  const expectInvariants = async () => expect(await invariantViolations(t.prisma, 10)).toEqual(NO_VIOLATIONS);

  /** A pool, a client with a contract committing `committed` of its servers, and the allocate body. */
  async function contracted(servers: number, committed: number, racks = 1) {
    const pool = await createPool(t.prisma, servers, racks);
    const clientId = await createClient(t.prisma, 1000);
    const contractId = await createContract(t.prisma, clientId, pool, committed);
    const body = { locationId: pool.locationId, instanceTypeId: pool.instanceTypeId, clientId, contractId };
    return { pool, clientId, contractId, body };
  }

  it('takes an allocated server after its release and Back to Baseline, and gives it back wiped at the end', async () => {
    const { pool, clientId, body } = await contracted(2, 1);
    const serverId = (await api.allocate(body).expect(200)).body.server.id as number;
    const idle = pool.serverIds.find((id) => id !== serverId)!;

    const { body: plan } = await start({
      selector: { serverIds: [serverId, idle] },
      reason: 'BIOS wave',
      then: 'return',
    }).expect(200);
    expect(plan).toMatchObject({ changed: true, dryRun: false, forced: false });
    expect(plan.servers.map((s: { id: number; then: string }) => [s.id, s.then])).toEqual(
      [
        [serverId, 'afterRelease'],
        [idle, 'isolatedNow'],
      ].sort((a, b) => (a[0] as number) - (b[0] as number)),
    );
    expect(await statusOf(idle)).toBe('isolated');
    expect(await capacityOf(pool)).toMatchObject({ pendingMaintenance: 1, servers: { available: 0, isolated: 1 } });

    const { body: released } = await api.deallocate(clientId, serverId).expect(200);
    const { body: wiped } = await api.available(serverId, released.server.baselineId).expect(200);
    expect(wiped.server).toMatchObject({ status: 'isolated', subState: 'maintenance' });
    expect(await capacityOf(pool)).toMatchObject({ pendingMaintenance: 0, servers: { isolated: 2 } });
    await api.allocate(body).expect(409);

    const { body: ended } = await end(plan.maintenanceId).expect(200);
    expect(ended).toMatchObject({ changed: true });
    expect(ended.servers.map((s: { to: string }) => s.to)).toEqual(['baselining', 'baselining']);
    expect((await end(plan.maintenanceId).expect(200)).body.changed).toBe(false);

    const { body: back } = await api.available(serverId).expect(200);
    expect(back.server.status).toBe('available');
    expect(await historyOf(serverId)).toEqual([
      'allocate:available->allocated',
      'maintenance:allocated->allocated',
      'deallocate:allocated->baselining',
      'available:baselining->isolated',
      'endMaintenance:isolated->baselining',
      'available:baselining->available',
    ]);
    const { body: detail } = await show(plan.maintenanceId).expect(200);
    expect(detail).toMatchObject({ reason: 'BIOS wave', then: 'return', endedBy: expect.any(String) });
    expect(detail.servers.find((s: { id: number }) => s.id === serverId)).toMatchObject({
      joinedAs: 'allocated',
      status: 'available',
      inMaintenance: false,
    });
    const events = await t.prisma.outboxEvent.findMany({
      where: { type: { in: ['maintenance.started', 'maintenance.ended'] } },
      orderBy: { sequence: 'asc' },
    });
    expect(
      events.filter((e) => (e.payload as { maintenance: { id: number } }).maintenance.id === plan.maintenanceId),
    ).toHaveLength(2);
    await expectInvariants();
  });

  it('with then: retire, retires each server once it is wiped', async () => {
    const { pool } = await contracted(2, 0);
    const { body: plan } = await start({
      selector: { locationId: pool.locationId, instanceTypeId: pool.instanceTypeId },
      reason: 'end of life',
      then: 'retire',
    }).expect(200);
    await end(plan.maintenanceId).expect(200);
    for (const serverId of pool.serverIds) {
      expect(await statusOf(serverId)).toBe('baselining');
      expect((await api.available(serverId).expect(200)).body.server.status).toBe('retired');
    }
    expect(await capacityOf(pool)).toMatchObject({ pendingRetirement: 0, servers: { retired: 2 } });
    await expectInvariants();
  });

  it('refuses a maintenance that would uncover a commitment, with the shortfall; dry run and force', async () => {
    const { pool } = await contracted(4, 3);
    const request = { selector: { serverIds: pool.serverIds.slice(0, 2) }, reason: 'PDU swap', then: 'return' };
    const before = await capacityOf(pool);

    const { body: refused } = await start(request).expect(409);
    expect(refused).toMatchObject({
      code: 'GUARANTEE_AT_RISK',
      details: { shortfall: [{ instanceTypeId: pool.instanceTypeId, availableLeft: 2, reserved: 3, shortfall: 1 }] },
    });
    expect(await capacityOf(pool)).toEqual(before);

    const { body: dry } = await start({ ...request, dryRun: true }).expect(200);
    expect(dry).toMatchObject({ maintenanceId: null, changed: false, dryRun: true, forced: false });
    expect(dry.message).toContain('pool ' + pool.instanceTypeId + ' short of 1');
    expect(dry.pools).toEqual([expect.objectContaining({ available: 4, isolatedNow: 2, reserved: 3, shortfall: 1 })]);
    expect(await capacityOf(pool)).toEqual(before);

    const { body: forced } = await start({ ...request, force: true }).expect(200);
    expect(forced).toMatchObject({ changed: true, forced: true, maintenanceId: expect.any(Number) });
    expect(await capacityOf(pool)).toMatchObject({ servers: { available: 2, isolated: 2 } });
    const audit = await t.prisma.auditEntry.findFirst({
      where: { entity: 'maintenance', entityId: String(forced.maintenanceId) },
    });
    expect(audit).toMatchObject({ action: 'started', after: expect.objectContaining({ forced: true }) });
    await expectInvariants();
  });

  it('answers a repeat of the request that started a maintenance with that maintenance, and changes nothing', async () => {
    const { pool } = await contracted(2, 0, 2);
    const request = { selector: { locationId: pool.locationId, rack: 'R1' }, reason: 'switch', then: 'return' };
    const { body: first } = await start(request).expect(200);
    const before = await footprint(t, pool.serverIds[0]);
    const { body: again } = await start(request).expect(200);
    expect(again).toMatchObject({ maintenanceId: first.maintenanceId, changed: false });
    expect(await footprint(t, pool.serverIds[0])).toEqual(before);

    const { body: other } = await start({ ...request, reason: 'another' }).expect(409);
    expect(other).toMatchObject({
      code: 'IN_MAINTENANCE',
      details: { servers: [{ serverId: pool.serverIds[0], maintenanceId: first.maintenanceId }] },
    });
  });

  it('says what is wrong with a bad request, and changes nothing', async () => {
    const { pool } = await contracted(2, 0);
    const [a, b] = pool.serverIds;
    const before = await footprint(t, a);
    const cases: [object, number, string][] = [
      [{ selector: { serverIds: [a] }, then: 'return' }, 400, 'VALIDATION_FAILED'],
      [{ selector: { serverIds: [a] }, reason: 'x' }, 400, 'VALIDATION_FAILED'],
      [{ selector: { serverIds: [a] }, reason: 'x', then: 'later' }, 400, 'VALIDATION_FAILED'],
      [{ selector: {}, reason: 'x', then: 'return' }, 400, 'VALIDATION_FAILED'],
      [
        { selector: { serverIds: [a], locationId: pool.locationId }, reason: 'x', then: 'return' },
        400,
        'VALIDATION_FAILED',
      ],
      [{ selector: { rack: 'R1' }, reason: 'x', then: 'return' }, 400, 'VALIDATION_FAILED'],
      [{ selector: { serverIds: [] }, reason: 'x', then: 'return' }, 400, 'VALIDATION_FAILED'],
      [{ selector: { serverIds: [a, 999_999_999] }, reason: 'x', then: 'return' }, 404, 'SERVER_NOT_FOUND'],
      [{ selector: { locationId: 999_999_999 }, reason: 'x', then: 'return' }, 404, 'LOCATION_NOT_FOUND'],
      [{ selector: { locationId: pool.locationId, rack: 'R99' }, reason: 'x', then: 'return' }, 404, 'RACK_NOT_FOUND'],
      [
        { selector: { locationId: pool.locationId, instanceTypeId: 999_999_999 }, reason: 'x', then: 'return' },
        404,
        'INSTANCE_TYPE_NOT_FOUND',
      ],
    ];
    for (const [body, status, code] of cases) {
      const { body: answer } = await start(body).expect(status);
      expect({ body, code: answer.code, message: typeof answer.message }).toEqual({ body, code, message: 'string' });
    }
    expect(await footprint(t, a)).toEqual(before);
    expect(await t.prisma.maintenance.count({ where: { reason: 'x' } })).toBe(0);

    await api.retire(b, { reason: 'gone' }).expect(200);
    await api.retire(a, { reason: 'gone' }).expect(200);
    const { body: none } = await start({ selector: { serverIds: [a, b] }, reason: 'x', then: 'return' }).expect(400);
    expect(none.code).toBe('NO_SERVER_SELECTED');
    await end(999_999).expect(404);
  });

  it('keeps every server of an open maintenance away from clients, whatever staff do to it meanwhile', async () => {
    const { pool } = await contracted(3, 0);
    const [frozen, repaired, kept] = pool.serverIds;
    await api.quarantine(frozen).expect(200);
    const { body: plan } = await start({
      selector: { serverIds: pool.serverIds },
      reason: 'audit',
      then: 'return',
    }).expect(200);
    expect(plan.servers.map((s: { then: string }) => s.then)).toEqual(['joinsAsItIs', 'isolatedNow', 'isolatedNow']);

    // Lifted, the quarantined idle server joins the maintenance instead of going back to the pool.
    expect((await api.unquarantine(frozen).expect(200)).body.server).toMatchObject({
      status: 'isolated',
      subState: 'maintenance',
    });
    // Un-isolated, a server is wiped, and the wipe brings it back into the maintenance.
    await api.unisolate(repaired).expect(200);
    expect((await api.available(repaired).expect(200)).body.server).toMatchObject({ status: 'isolated' });
    // Retired with its disks destroyed, it leaves the fleet; the end finds it retired and leaves it so.
    await api.retire(kept, { reason: 'dead', disposal: 'disksDestroyed' }).expect(200);
    expect(await capacityOf(pool)).toMatchObject({ servers: { available: 0, isolated: 2, retired: 1 } });

    // Two staff members end it at once: one ends it, the other finds it ended.
    const ends = await Promise.all([end(plan.maintenanceId), end(plan.maintenanceId)]);
    expect(ends.map((e) => [e.status, e.body.changed]).sort()).toEqual([
      [200, false],
      [200, true],
    ]);
    expect(await statusOf(kept)).toBe('retired');
    expect(await statusOf(frozen)).toBe('baselining');
    await expectInvariants();
  });

  it('lets one of two overlapping maintenances started at once take the servers; the other is refused', async () => {
    const { pool } = await contracted(4, 0);
    const [first, second] = await Promise.all([
      start({ selector: { serverIds: pool.serverIds.slice(0, 3) }, reason: 'one', then: 'return' }),
      start({ selector: { serverIds: pool.serverIds.slice(1) }, reason: 'two', then: 'return' }),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    expect([first.body.code, second.body.code]).toContain('IN_MAINTENANCE');
    expect(await t.prisma.maintenance.count({ where: { reason: { in: ['one', 'two'] } } })).toBe(1);
    await expectInvariants();
  });

  it('100 parallel allocations while a maintenance of half the racks commits: none lands on its servers', async () => {
    const { pool, body } = await contracted(120, 0, 4);
    const client = await createClient(t.prisma, 1000);
    const onDemand = { locationId: pool.locationId, instanceTypeId: pool.instanceTypeId, clientId: client };
    const maintenance = start({
      selector: { serverIds: pool.serverIds.filter((_, i) => i % 4 < 2) },
      reason: 'racks R1 and R2: firmware',
      then: 'return',
    });
    const allocations = Array.from({ length: 100 }, (_, i) => api.allocate(i % 2 ? body : onDemand));
    const [{ body: plan, status }, ...answers] = await Promise.all([maintenance, ...allocations]);
    expect(status).toBe(200);
    expect(answers.filter((a) => a.status !== 200 && a.status !== 409)).toEqual([]);

    const taken = new Set(plan.servers.map((s: { id: number }) => s.id));
    const afterRelease = plan.servers
      .filter((s: { then: string }) => s.then === 'afterRelease')
      .map((s: { id: number }) => s.id);
    const allocatedLater = answers
      .filter((a) => a.status === 200)
      .map((a) => a.body.server.id as number)
      .filter((id) => taken.has(id) && !afterRelease.includes(id));
    expect(allocatedLater).toEqual([]);
    const inIt = await t.prisma.server.findMany({ where: { maintenanceId: plan.maintenanceId } });
    expect(inIt.filter((s) => s.status === 'available')).toEqual([]);
    expect(inIt).toHaveLength(60);
    await expectInvariants();
  });
});

describe('Retiring a server in use', () => {
  let t: TestApp;
  let api: ServerCommandsClient;

  beforeAll(async () => {
    t = await startTestApp();
    api = serverCommands(t, await t.apiKey());
  });
  afterAll(() => t.close());

  it('marks an allocated server to retire; released, it goes through Back to Baseline and ends retired', async () => {
    const pool = await createPool(t.prisma, 1);
    const clientId = await createClient(t.prisma);
    const body = { locationId: pool.locationId, instanceTypeId: pool.instanceTypeId, clientId };
    const serverId = (await api.allocate(body).expect(200)).body.server.id as number;

    const { body: marked } = await api.retire(serverId, { reason: 'end of lease' }).expect(200);
    expect(marked).toMatchObject({ changed: true, server: { status: 'allocated' } });
    expect((await api.retire(serverId, { reason: 'end of lease' }).expect(200)).body.changed).toBe(false);

    const { body: released } = await api.deallocate(clientId, serverId).expect(200);
    expect(released.server.status).toBe('baselining');
    const { body: done } = await api.available(serverId, released.server.baselineId).expect(200);
    expect(done.server.status).toBe('retired');
    expect(await invariantViolations(t.prisma, 10)).toEqual(NO_VIOLATIONS);
  });

  it('wipes an isolated server before it leaves, unless staff state that its disks are destroyed', async () => {
    const pool = await createPool(t.prisma, 2);
    const [wiped, destroyed] = pool.serverIds;
    for (const id of pool.serverIds) await api.isolate(id, { subState: 'brokenHardware' }).expect(200);

    const { body: first } = await api.retire(wiped, { reason: 'dead board' }).expect(200);
    expect(first.server).toMatchObject({ status: 'baselining' });
    expect((await api.available(wiped).expect(200)).body.server.status).toBe('retired');

    const { body: second } = await api
      .retire(destroyed, { reason: 'shredded', disposal: 'disksDestroyed' })
      .expect(200);
    expect(second.server.status).toBe('retired');
    const audit = await t.prisma.serverEvent.findFirst({ where: { serverId: destroyed, command: 'retire' } });
    expect(audit?.reason).toBe('shredded (disposal: disksDestroyed)');

    const { body: bad } = await api.retire(wiped, { reason: 'x', disposal: 'burnt' }).expect(400);
    expect(bad.code).toBe('VALIDATION_FAILED');
    expect(await invariantViolations(t.prisma, 10)).toEqual(NO_VIOLATIONS);
  });
});
