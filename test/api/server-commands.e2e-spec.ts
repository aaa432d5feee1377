import { createClient, createContractedPool, createPool } from '../support/factories';
import { serverCommands, ServerCommandsClient } from '../support/server-commands-client';
import { startTestApp, TestApp } from '../support/test-app';

/** Seed 003 "Server Commands", endpoint by endpoint, over HTTP on a real PostgreSQL. */
describe('Server Commands (seed 003)', () => {
  let t: TestApp;
  let api: ServerCommandsClient;

  beforeAll(async () => {
    t = await startTestApp();
    api = serverCommands(t, await t.apiKey());
  });
  afterAll(() => t.close());

  const setUp = (servers?: number, committed?: number) => createContractedPool(t.prisma, servers, committed);

  const events = (serverId: number) =>
    t.prisma.outboxEvent.findMany({ where: { serverId }, orderBy: { sequence: 'asc' } });
  const audit = (serverId: number) => t.prisma.serverEvent.findMany({ where: { serverId }, orderBy: { id: 'asc' } });

  describe('POST /api/server/allocate', () => {
    it('allocates a server of the pool to the client and answers 200 with the server, the allocation and the quota charged', async () => {
      const { pool, clientId, contractId, body } = await setUp();
      const { body: result } = await api.allocate(body).expect(200);
      expect(result).toMatchObject({
        command: 'allocate',
        changed: true,
        server: {
          id: pool.serverIds[0],
          locationId: pool.locationId,
          instanceTypeId: pool.instanceTypeId,
          status: 'allocated',
          allocation: { clientId, contractId, quota: 'COMMITTED' },
        },
        allocation: {
          id: expect.any(Number),
          serverId: pool.serverIds[0],
          clientId,
          contractId,
          quota: 'COMMITTED',
          endedAt: null,
          endedBy: null,
        },
      });
      expect(result.server.hostname).toBe(`server${pool.serverIds[0]}.test`);
    });

    it('writes the audit row and the server.allocated event with the state change', async () => {
      const { pool, body } = await setUp();
      const { body: result } = await api.allocate(body).expect(200);
      expect(await audit(pool.serverIds[0])).toEqual([
        expect.objectContaining({
          command: 'allocate',
          fromStatus: 'available',
          toStatus: 'allocated',
          actor: 'test-all',
          allocationId: result.allocation.id,
        }),
      ]);
      const [event] = await events(pool.serverIds[0]);
      expect(event).toMatchObject({
        type: 'server.allocated',
        payload: {
          command: 'allocate',
          from: 'available',
          to: 'allocated',
          allocation: { id: result.allocation.id, quota: 'COMMITTED' },
        },
      });
    });

    it.each([
      ['absent', {}],
      ['null', { contractId: null }],
      ['an empty string', { contractId: '' }],
    ])('charges on-demand quota when contractId is %s', async (_, contract) => {
      const { pool, clientId } = await setUp(3, 0);
      const { body: result } = await api
        .allocate({ locationId: pool.locationId, instanceTypeId: pool.instanceTypeId, clientId, ...contract })
        .expect(200);
      expect(result.allocation).toMatchObject({ quota: 'ON_DEMAND', contractId: null });
    });

    it('answers 404 for an unknown location, instance type, client or contract', async () => {
      const { pool, clientId, body } = await setUp();
      const other = await createPool(t.prisma, 1);
      const cases: [object, string][] = [
        [{ ...body, locationId: 999999 }, 'LOCATION_NOT_FOUND'],
        [{ ...body, instanceTypeId: 999999 }, 'INSTANCE_TYPE_NOT_FOUND'],
        [{ ...body, instanceTypeId: other.instanceTypeId }, 'INSTANCE_TYPE_NOT_FOUND'],
        [{ ...body, clientId: 999999 }, 'CLIENT_NOT_FOUND'],
        [
          {
            locationId: pool.locationId,
            instanceTypeId: pool.instanceTypeId,
            clientId,
            contractId: 'NO-SUCH-CONTRACT',
          },
          'CONTRACT_NOT_FOUND',
        ],
      ];
      for (const [request, code] of cases)
        expect((await api.allocate(request as never).expect(404)).body.code).toBe(code);
      expect(await t.prisma.allocation.count({ where: { clientId } })).toBe(0);
    });

    it.each([
      ['a negative id', { locationId: -1 }, 'locationId'],
      ['a zero id', { instanceTypeId: 0 }, 'instanceTypeId'],
      ['a non-integer', { clientId: 1.5 }, 'clientId'],
      ['a numeric string', { clientId: '12345' }, 'clientId'],
      ['an id past 32 bits', { locationId: 2 ** 31 }, 'locationId'],
      ['a lower-case contractId', { contractId: 'my-contract' }, 'contractId'],
      ['a contractId of 241 characters', { contractId: 'A'.repeat(241) }, 'contractId'],
      ['a numeric contractId', { contractId: 123 }, 'contractId'],
      ['a non-boolean overflow', { overflow: 'yes' }, 'overflow'],
      ['an unknown field', { priority: 'high' }, 'priority'],
    ])('answers 400 naming the field for %s, and allocates nothing', async (_, change, field) => {
      const { clientId, body } = await setUp();
      const response = await api.allocate({ ...body, ...change }).expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.details.fields.map((f: { field: string }) => f.field)).toContain(field);
      expect(await t.prisma.allocation.count({ where: { clientId } })).toBe(0);
    });

    it('answers 400 for missing fields and for a body that is not JSON', async () => {
      const missing = await api.allocate({} as never).expect(400);
      expect(missing.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual([
        'clientId',
        'instanceTypeId',
        'locationId',
      ]);
      const broken = await t.http
        .post('/api/server/allocate')
        .set('X-Api-Key', await t.apiKey('server:allocate'))
        .set('content-type', 'application/json')
        .send('{"locationId":')
        .expect(400);
      expect(broken.body).toEqual({
        statusCode: 400,
        code: 'VALIDATION_FAILED',
        message: 'The request body could not be read: Unexpected end of JSON input',
        requestId: expect.any(String),
      });
    });
  });

  describe('DELETE /api/client/{clientId}/server/{serverId}/allocate', () => {
    it('ends the allocation as RELEASED, starts Back to Baseline and emits server.deallocated and server.baseline.requested', async () => {
      const { clientId, body } = await setUp();
      const { body: allocated } = await api.allocate(body).expect(200);
      const serverId = allocated.server.id;
      const { body: result } = await api.deallocate(clientId, serverId).expect(200);
      expect(result).toMatchObject({
        command: 'deallocate',
        changed: true,
        server: { status: 'baselining', allocation: null },
        allocation: { id: allocated.allocation.id, endedBy: 'RELEASED' },
      });
      expect(result.allocation.endedAt).not.toBeNull();
      const emitted = await events(serverId);
      expect(emitted.map((e) => e.type)).toEqual([
        'server.allocated',
        'server.deallocated',
        'server.baseline.requested',
      ]);
      expect(emitted[2].payload).toMatchObject({
        baseline: { cause: 'deallocated' },
        allocation: { id: allocated.allocation.id, endedBy: 'RELEASED' },
      });
    });

    it('answers 200 and changes nothing when the client holds no allocation of the server (already de-allocated)', async () => {
      const { clientId, body } = await setUp();
      const serverId = (await api.allocate(body).expect(200)).body.server.id;
      await api.deallocate(clientId, serverId).expect(200);
      const again = await api.deallocate(clientId, serverId).expect(200);
      expect(again.body).toMatchObject({ changed: false, message: expect.stringContaining('already de-allocated') });
      expect((await events(serverId)).length).toBe(3);
    });

    it("never touches another client's allocation", async () => {
      const { body } = await setUp();
      const stranger = await createClient(t.prisma);
      const serverId = (await api.allocate(body).expect(200)).body.server.id;
      expect((await api.deallocate(stranger, serverId).expect(200)).body.changed).toBe(false);
      expect((await t.prisma.server.findUniqueOrThrow({ where: { id: serverId } })).status).toBe('allocated');
    });

    it('answers 404 for an unknown client or server, 400 for bad ids', async () => {
      const { clientId, pool } = await setUp();
      expect((await api.deallocate(999999, pool.serverIds[0]).expect(404)).body.code).toBe('CLIENT_NOT_FOUND');
      expect((await api.deallocate(clientId, 999999).expect(404)).body.code).toBe('SERVER_NOT_FOUND');
      await t.http
        .delete('/api/client/-1/server/abc/allocate')
        .set('X-Api-Key', await t.apiKey())
        .expect(400);
    });
  });

  describe('DELETE /api/client/{clientId}/server/{serverId}/allocate/compensate', () => {
    it('ends the allocation as COMPENSATED (quota given back), starts Back to Baseline, and a repeat is a no-op', async () => {
      const { clientId, contractId, body } = await setUp(3, 1);
      const serverId = (await api.allocate(body).expect(200)).body.server.id;
      const { body: result } = await api.compensate(clientId, serverId).expect(200);
      expect(result).toMatchObject({
        changed: true,
        server: { status: 'baselining' },
        allocation: { endedBy: 'COMPENSATED' },
      });
      expect((await events(serverId)).map((e) => e.type)).toEqual([
        'server.allocated',
        'server.compensated',
        'server.baseline.requested',
      ]);
      expect((await api.compensate(clientId, serverId).expect(200)).body.changed).toBe(false);
      const again = await api.allocate(body).expect(200);
      expect(again.body.allocation).toMatchObject({ quota: 'COMMITTED', contractId });
    });
  });

  describe('POST /api/server/{serverId}/isolate', () => {
    it('isolates an Available server with its subState, reason and operationUuid', async () => {
      const { pool } = await setUp();
      const operationUuid = '0b6f3f8e-4a57-4f2a-9f57-3c1d2a8b9e10';
      const { body: result } = await api
        .isolate(pool.serverIds[0], { subState: 'brokenHardware', reason: 'Failed to IPMI boot', operationUuid })
        .expect(200);
      expect(result.server).toMatchObject({
        status: 'isolated',
        subState: 'brokenHardware',
        isolationReason: 'Failed to IPMI boot',
      });
      expect(await audit(pool.serverIds[0])).toEqual([
        expect.objectContaining({
          command: 'isolate',
          subState: 'brokenHardware',
          reason: 'Failed to IPMI boot',
          operationUuid,
        }),
      ]);
    });

    it('ends the allocation of an allocated server as ISOLATED and gives its quota back', async () => {
      const { clientId, body } = await setUp(3, 1);
      const serverId = (await api.allocate(body).expect(200)).body.server.id;
      const { body: result } = await api.isolate(serverId, { subState: 'failedDelivery' }).expect(200);
      expect(result).toMatchObject({
        server: { status: 'isolated', allocation: null },
        allocation: { clientId, endedBy: 'ISOLATED' },
      });
      expect((await api.allocate(body).expect(200)).body.allocation.quota).toBe('COMMITTED');
    });

    it('updates the reason of an isolated server', async () => {
      const { pool } = await setUp();
      await api.isolate(pool.serverIds[0], { subState: 'networkIssue', reason: 'uplink flaps' }).expect(200);
      const { body: result } = await api
        .isolate(pool.serverIds[0], { subState: 'brokenHardware', reason: 'NIC replaced' })
        .expect(200);
      expect(result.server).toMatchObject({
        status: 'isolated',
        subState: 'brokenHardware',
        isolationReason: 'NIC replaced',
      });
    });

    it.each([
      ['an unknown subState', { subState: 'tired' }, 'subState'],
      ['no subState', { reason: 'x' }, 'subState'],
      ['a non-UUID operationUuid', { subState: 'other', operationUuid: 'op-42' }, 'operationUuid'],
      ['an unknown field', { subState: 'other', severity: 3 }, 'severity'],
      ['a reason that is not text', { subState: 'other', reason: 42 }, 'reason'],
    ])('answers 400 for %s and changes nothing', async (_, body, field) => {
      const { pool } = await setUp();
      const response = await api.isolate(pool.serverIds[0], body).expect(400);
      expect(response.body.details.fields.map((f: { field: string }) => f.field)).toContain(field);
      expect((await t.prisma.server.findUniqueOrThrow({ where: { id: pool.serverIds[0] } })).status).toBe('available');
    });
  });

  describe('DELETE /api/server/{serverId}/isolate', () => {
    it('moves the server out of isolation into Back to Baseline', async () => {
      const { pool } = await setUp();
      const serverId = pool.serverIds[0];
      await api.isolate(serverId, { subState: 'maintenance' }).expect(200);
      const { body: result } = await api.unisolate(serverId).expect(200);
      expect(result.server).toMatchObject({ status: 'baselining', subState: null, isolationReason: null });
      expect(
        (await events(serverId))
          .slice(-2)
          .map((e) => [e.type, (e.payload as { baseline?: { cause: string } }).baseline?.cause]),
      ).toEqual([
        ['server.unisolated', undefined],
        ['server.baseline.requested', 'unisolated'],
      ]);
    });

    it('answers 409 NOT_ISOLATED for a server that is not isolated', async () => {
      const { pool } = await setUp();
      expect((await api.unisolate(pool.serverIds[0]).expect(409)).body.code).toBe('NOT_ISOLATED');
    });
  });

  describe('POST /api/server/{serverId}/available', () => {
    it('makes a server Available after Back to Baseline; already Available is a no-op 200', async () => {
      const { clientId, body } = await setUp();
      const serverId = (await api.allocate(body).expect(200)).body.server.id;
      await api.deallocate(clientId, serverId).expect(200);
      expect((await api.available(serverId).expect(200)).body).toMatchObject({
        changed: true,
        server: { status: 'available' },
      });
      expect((await api.available(serverId).expect(200)).body.changed).toBe(false);
    });

    it('answers 409 NOT_BASELINING for an allocated server', async () => {
      const { body } = await setUp();
      const serverId = (await api.allocate(body).expect(200)).body.server.id;
      expect((await api.available(serverId).expect(409)).body).toMatchObject({
        code: 'NOT_BASELINING',
        details: { status: 'allocated', command: 'available' },
      });
    });
  });

  describe('POST and DELETE /api/server/{serverId}/quarantine', () => {
    it('freezes the server exactly as it is, refuses every command, and lifting restores it', async () => {
      const { clientId, body } = await setUp();
      const { body: allocated } = await api.allocate(body).expect(200);
      const serverId = allocated.server.id;
      expect((await api.quarantine(serverId).expect(200)).body.server).toMatchObject({
        status: 'quarantined',
        quarantinedFrom: 'allocated',
        allocation: { id: allocated.allocation.id },
      });

      expect((await api.deallocate(clientId, serverId).expect(409)).body.code).toBe('QUARANTINED');
      expect((await api.isolate(serverId, { subState: 'other' }).expect(409)).body.code).toBe('QUARANTINED');
      expect((await api.available(serverId).expect(409)).body.code).toBe('QUARANTINED');
      expect((await api.quarantine(serverId).expect(200)).body.changed).toBe(false);

      const lifted = await api.unquarantine(serverId).expect(200);
      expect(lifted.body.server).toMatchObject({
        status: 'allocated',
        quarantinedFrom: null,
        allocation: { id: allocated.allocation.id },
      });
      expect((await events(serverId)).map((e) => e.type)).toEqual([
        'server.allocated',
        'server.quarantined',
        'server.unquarantined',
      ]);
    });

    it('answers 409 NOT_QUARANTINED when lifting a quarantine that is not there', async () => {
      const { pool } = await setUp();
      expect((await api.unquarantine(pool.serverIds[0]).expect(409)).body.code).toBe('NOT_QUARANTINED');
    });

    it('answers 404 for an unknown server', async () => {
      expect((await api.quarantine(999999).expect(404)).body.code).toBe('SERVER_NOT_FOUND');
    });
  });
});
