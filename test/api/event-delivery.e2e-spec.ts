import { BaselineWatchdog } from '@app/server-commands';
import { createClient, createContract, createPool, Pool } from '../support/factories';
import { TestReceiver } from '../support/receiver';
import { waitFor } from '../support/wait';
import { serverCommands, ServerCommandsClient } from '../support/server-commands-client';
import { startTestApp, TestApp } from '../support/test-app';

const FAST_DELIVERY = {
  DISPATCHER: 'true',
  DISPATCH_INTERVAL: '50ms',
  DELIVERY_TIMEOUT: '1s',
  DELIVERY_MAX_ATTEMPTS: '6',
  DELIVERY_RETRY_BASE: '100ms',
  DELIVERY_RETRY_MAX: '300ms',
};

/** Hooks: signed, retried, dead-lettered, replayed, in order per server; and the server history and the watchdog. */
describe('Event hooks and delivery', () => {
  let t: TestApp;
  let api: ServerCommandsClient;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp(FAST_DELIVERY);
    api = serverCommands(t, await t.apiKey());
    admin = await t.apiKey('admin');
  });
  afterAll(() => t.close());

  let hookCount = 0;
  async function hookFor(receiver: TestReceiver, eventTypes?: string[]): Promise<number> {
    const name = `receiver-${++hookCount}`;
    const { body } = await t.http
      .put('/api/hooks')
      .set('X-Api-Key', admin)
      .send({ name, url: receiver.url, eventTypes, secret: 'whsec_test_secret_0123' })
      .expect(200);
    return body.hook.id;
  }

  async function allocatedServer(): Promise<{ pool: Pool; clientId: number; serverId: number }> {
    const pool = await createPool(t.prisma, 2);
    const clientId = await createClient(t.prisma);
    const contractId = await createContract(t.prisma, clientId, pool, 2);
    const { body } = await api
      .allocate({ locationId: pool.locationId, instanceTypeId: pool.instanceTypeId, clientId, contractId })
      .expect(200);
    return { pool, clientId, serverId: body.server.id };
  }

  const deliveriesOf = (hookId: number) =>
    t.prisma.hookDelivery.findMany({ where: { hookId }, orderBy: { sequence: 'asc' } });

  it('POSTs each event as a signed JSON envelope, in the order the events happened', async () => {
    const receiver = await new TestReceiver('whsec_test_secret_0123').start();
    await hookFor(receiver);
    const { clientId, serverId } = await allocatedServer();
    await api.deallocate(clientId, serverId).expect(200);
    await receiver.until((r) => r.length >= 3);
    await receiver.stop();

    expect(receiver.received.map((r) => r.envelope.type)).toEqual([
      'server.allocated',
      'server.deallocated',
      'server.baseline.requested',
    ]);
    expect(receiver.received.every((r) => r.signatureValid)).toBe(true);
    const baseline = receiver.received[2];
    expect(baseline.headers['x-event-id']).toBe(baseline.envelope.id);
    expect(baseline.envelope).toMatchObject({
      type: 'server.baseline.requested',
      serverId,
      occurredAt: expect.any(String),
      payload: {
        server: { id: serverId },
        from: 'allocated',
        to: 'baselining',
        baseline: { cause: 'deallocated' },
        allocation: { clientId, endedBy: 'RELEASED' },
      },
    });
  });

  it('delivers only the event types a hook asked for', async () => {
    const receiver = await new TestReceiver('whsec_test_secret_0123').start();
    await hookFor(receiver, ['server.baseline.requested']);
    const { clientId, serverId } = await allocatedServer();
    await api.deallocate(clientId, serverId).expect(200);
    await receiver.until((r) => r.length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await receiver.stop();
    expect(receiver.received.map((r) => r.envelope.type)).toEqual(['server.baseline.requested']);
  });

  it('retries a 500, and a receiver that hangs past the timeout, with the same event id', async () => {
    const receiver = await new TestReceiver('whsec_test_secret_0123').answer(500, 'hang').start();
    const hookId = await hookFor(receiver, ['server.allocated']);
    await allocatedServer();
    await waitFor(async () => (await deliveriesOf(hookId))[0]?.state === 'delivered');
    await receiver.stop();
    const [delivery] = await deliveriesOf(hookId);
    expect(delivery).toMatchObject({ state: 'delivered', attempts: 3, lastStatus: 200 });
    expect(receiver.received[0].headers['x-delivery-attempt']).toBe('3');
  });

  it('dead-letters a 400 at once, lists it, and delivers it when replayed', async () => {
    const receiver = await new TestReceiver('whsec_test_secret_0123').answer(400).start();
    const hookId = await hookFor(receiver, ['server.allocated']);
    await allocatedServer();
    await waitFor(async () => (await deliveriesOf(hookId))[0]?.state === 'dead');
    const [dead] = await deliveriesOf(hookId);
    expect(dead).toMatchObject({
      attempts: 1,
      lastStatus: 400,
      lastError: 'the receiver answered 400, which is not retried',
    });

    const { body: listed, headers } = await t.http
      .get(`/api/hooks/deliveries?state=dead&hookId=${hookId}`)
      .set('X-Api-Key', admin)
      .expect(200);
    expect(listed).toEqual([
      expect.objectContaining({
        id: dead.id.toString(),
        state: 'dead',
        eventType: 'server.allocated',
        hookName: expect.any(String),
      }),
    ]);
    expect(headers['ranged-data']).toBe('start=0,results=1,total=1');

    await t.http.post(`/api/hooks/deliveries/${dead.id}/replay`).set('X-Api-Key', admin).expect(200);
    await waitFor(async () => (await deliveriesOf(hookId))[0]?.state === 'delivered');
    await receiver.stop();
    expect(receiver.received).toHaveLength(1);
    expect((await deliveriesOf(hookId))[0]).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(
      (await t.http.post(`/api/hooks/deliveries/${dead.id}/replay`).set('X-Api-Key', admin).expect(409)).body.code,
    ).toBe('DELIVERY_NOT_DEAD');
  });

  it('takes delivery ids as text, as bodies show them, beyond 32 bits', async () => {
    const { body: missing } = await t.http
      .post('/api/hooks/deliveries/9007199254740993/replay')
      .set('X-Api-Key', admin)
      .expect(404);
    expect(missing).toMatchObject({ code: 'DELIVERY_NOT_FOUND', details: { id: '9007199254740993' } });
    const { body: invalid } = await t.http
      .post('/api/hooks/deliveries/0x10/replay')
      .set('X-Api-Key', admin)
      .expect(400);
    expect(invalid.details.fields).toEqual([
      { field: 'deliveryId', problems: [expect.stringContaining('(got "0x10")')] },
    ]);
  });

  it('dead-letters after the last attempt while the receiver is down', async () => {
    const receiver = new TestReceiver('whsec_test_secret_0123');
    await receiver.start();
    await receiver.stop();
    const hookId = await hookFor(receiver, ['server.allocated']);
    await allocatedServer();
    await waitFor(async () => (await deliveriesOf(hookId))[0]?.state === 'dead', 15_000);
    expect((await deliveriesOf(hookId))[0]).toMatchObject({
      attempts: 6,
      lastStatus: null,
      lastError: expect.stringContaining('no success after 6 attempts'),
    });
  });

  it('sends a disabled hook nothing new, and delivers the backlog in order per server when a receiver that was down comes back', async () => {
    const receiver = new TestReceiver('whsec_test_secret_0123');
    await receiver.start();
    await receiver.stop();
    const hookId = await hookFor(receiver);
    await t.http.post(`/api/hooks/${hookId}/disable`).set('X-Api-Key', admin).expect(200);
    const servers = await Promise.all([allocatedServer(), allocatedServer(), allocatedServer()]);
    expect(await deliveriesOf(hookId)).toEqual([]);
    await t.http.post(`/api/hooks/${hookId}/enable`).set('X-Api-Key', admin).expect(200);
    for (const { clientId, serverId } of servers) await api.deallocate(clientId, serverId).expect(200);
    // Back once the first event of each server has failed (the others wait behind it), well within the attempts left.
    await waitFor(
      async () => (await deliveriesOf(hookId)).filter((d) => d.attempts > 0).length >= 3,
      10_000,
      'a failed first attempt',
    );
    await receiver.start();
    await receiver.until((r) => r.length >= 6, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await receiver.stop();
    for (const { serverId } of servers) {
      expect(receiver.received.filter((r) => r.envelope.serverId === serverId).map((r) => r.envelope.type)).toEqual([
        'server.deallocated',
        'server.baseline.requested',
      ]);
    }
    expect(receiver.received).toHaveLength(6);
  });

  it('shows, in the server history, who did what and where each event went', async () => {
    const receiver = await new TestReceiver('whsec_test_secret_0123').start();
    const hookId = await hookFor(receiver, ['server.baseline.requested']);
    const { clientId, serverId } = await allocatedServer();
    await api.deallocate(clientId, serverId).expect(200);
    await waitFor(async () => (await deliveriesOf(hookId))[0]?.state === 'delivered');
    await receiver.stop();
    const { body, headers } = await t.http
      .get(`/api/servers/${serverId}/history`)
      .set('X-Api-Key', await t.apiKey('inventory:read'))
      .expect(200);
    expect(headers['ranged-data']).toBe('start=0,results=2,total=2');
    expect(
      body.map((e: { command: string; from: string; to: string; actor: string }) => [e.command, e.from, e.to, e.actor]),
    ).toEqual([
      ['deallocate', 'allocated', 'baselining', 'test-all'],
      ['allocate', 'available', 'allocated', 'test-all'],
    ]);
    const ours = (deliveries: { hookId: number }[]) => deliveries.filter((d) => d.hookId === hookId);
    expect(
      body[0].events.map((e: { type: string; deliveries: { hookId: number }[] }) => [e.type, ours(e.deliveries)]),
    ).toEqual([
      ['server.deallocated', []],
      [
        'server.baseline.requested',
        [
          expect.objectContaining({
            hookId,
            hookName: expect.any(String),
            state: 'delivered',
            attempts: 1,
            lastStatus: 200,
          }),
        ],
      ],
    ]);
  });

  it('isolates, through the watchdog, a server left in Back to Baseline too long since it was dispatched', async () => {
    const { clientId, serverId } = await allocatedServer();
    await api.deallocate(clientId, serverId).expect(200);
    const watchdog = t.app.get(BaselineWatchdog);
    expect(await watchdog.sweep()).not.toContain(serverId);
    const fiveHoursAgo = new Date(Date.now() - 5 * 3600_000);
    // Requested long ago, but still waiting for a slot: the clock has not started.
    await t.prisma.server.update({
      where: { id: serverId },
      data: { baselineStartedAt: fiveHoursAgo, baselineDispatchedAt: null },
    });
    expect(await watchdog.sweep()).not.toContain(serverId);
    await t.prisma.server.update({ where: { id: serverId }, data: { baselineDispatchedAt: fiveHoursAgo } });
    expect(await watchdog.sweep()).toContain(serverId);
    const server = await t.prisma.server.findUniqueOrThrow({ where: { id: serverId } });
    expect(server).toMatchObject({
      status: 'isolated',
      subState: 'baselineTimeout',
      baselineStartedAt: null,
      baselineDispatchedAt: null,
    });
    const [audit] = await t.prisma.serverEvent.findMany({ where: { serverId }, orderBy: { id: 'desc' }, take: 1 });
    expect(audit).toMatchObject({
      actor: 'baseline-watchdog',
      command: 'isolate',
      fromStatus: 'baselining',
      toStatus: 'isolated',
      subState: 'baselineTimeout',
    });
    expect(await t.prisma.outboxEvent.count({ where: { serverId, type: 'server.isolated' } })).toBe(1);
    expect(await watchdog.sweep()).not.toContain(serverId);
  });

  it('validates hooks: URL, event types, secret length; 404 for unknown ids', async () => {
    const put = (body: object) => t.http.put('/api/hooks').set('X-Api-Key', admin).send(body);
    expect((await put({ name: 'x', url: 'ftp://example.org' }).expect(400)).body.message).toContain('http or https');
    expect(
      (await put({ name: 'x', url: 'http://127.0.0.1:1/h', eventTypes: ['server.exploded'] }).expect(400)).body.details
        .fields[0].field,
    ).toBe('eventTypes');
    expect(
      (await put({ name: 'x', url: 'http://127.0.0.1:1/h', secret: 'short' }).expect(400)).body.details.fields[0].field,
    ).toBe('secret');
    expect((await t.http.delete('/api/hooks/999999').set('X-Api-Key', admin).expect(404)).body.code).toBe(
      'HOOK_NOT_FOUND',
    );
  });
});
