import { invariantViolations, NO_VIOLATIONS } from '@app/server-commands';
import { createContractedPool } from '../support/factories';
import { TestReceiver } from '../support/receiver';
import { footprint, serverCommands, ServerCommandsClient } from '../support/server-commands-client';
import { startTestApp, TestApp } from '../support/test-app';
import { waitFor } from '../support/wait';

const SECRET = 'whsec_test_secret_0123';
const FAST_DELIVERY = {
  DISPATCHER: 'true',
  DISPATCH_INTERVAL: '50ms',
  DELIVERY_TIMEOUT: '1s',
  DELIVERY_RETRY_BASE: '100ms',
};

/**
 * Each Back to Baseline run has an id: a late or repeated available of an earlier run, a request replayed after
 * its run ended, or a quarantine lifted mid-wipe can never let a server reach a client unwiped.
 */
describe('Back to Baseline runs', () => {
  let t: TestApp;
  let api: ServerCommandsClient;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp(FAST_DELIVERY);
    api = serverCommands(t, await t.apiKey());
    admin = await t.apiKey('admin');
  });
  afterAll(() => t.close());

  /** A server allocated, then de-allocated: its first run is under way. */
  async function inBaseline() {
    const { clientId, body } = await createContractedPool(t.prisma);
    const serverId = (await api.allocate(body).expect(200)).body.server.id as number;
    const { body: ended } = await api.deallocate(clientId, serverId).expect(200);
    return { clientId, body, serverId, firstRun: ended.server.baselineId as string };
  }

  /** A hook for server.baseline.requested to `receiver`, while `work` runs; the receiver stopped and the hook removed after. */
  async function withWipeHook(name: string, receiver: TestReceiver, work: (hookId: number) => Promise<void>) {
    const { body } = await t.http
      .put('/api/hooks')
      .set('X-Api-Key', admin)
      .send({ name, url: receiver.url, eventTypes: ['server.baseline.requested'], secret: SECRET })
      .expect(200);
    try {
      await work(body.hook.id);
    } finally {
      await receiver.stop();
      await t.http.delete(`/api/hooks/${body.hook.id}`).set('X-Api-Key', admin);
    }
  }

  const runOf = async (serverId: number) =>
    (await t.prisma.server.findUniqueOrThrow({ where: { id: serverId } })).baselineId;

  it('refuses a late available of an earlier run while a newer one is under way: 409 STALE_BASELINE, nothing changed', async () => {
    const { serverId, firstRun } = await inBaseline();
    await api.isolate(serverId, { subState: 'failedBaseline' }).expect(200);
    const { body: again } = await api.unisolate(serverId).expect(200);
    const secondRun = again.server.baselineId;
    expect([firstRun, secondRun].every((id) => /^[0-9a-f-]{36}$/.test(id))).toBe(true);
    expect(secondRun).not.toBe(firstRun);

    const before = await footprint(t, serverId);
    const { body: refused } = await api.available(serverId, firstRun).expect(409);
    expect(refused).toMatchObject({
      code: 'STALE_BASELINE',
      details: { serverId, baselineId: firstRun, currentBaselineId: secondRun },
    });
    expect(await footprint(t, serverId)).toEqual(before);

    const { body: done } = await api.available(serverId, secondRun).expect(200);
    expect(done.server).toMatchObject({ status: 'available', baselineId: null });
    expect((await api.available(serverId, secondRun).expect(200)).body.changed).toBe(false);
  });

  it('still takes available without a body, as seed 003 sends it', async () => {
    const { serverId } = await inBaseline();
    await api.available(serverId).expect(200);
    expect(await runOf(serverId)).toBeNull();
  });

  it('carries the run in server.baseline.requested; a quarantine lifted mid-wipe starts a new run, the old request is superseded, never sent', async () => {
    const receiver = await new TestReceiver(SECRET).answer(...Array<number>(100).fill(503)).start();
    await withWipeHook('metalworks-runs', receiver, async (hookId) => {
      const { serverId, firstRun } = await inBaseline();
      const deliveries = () =>
        t.prisma.hookDelivery.findMany({
          where: { hookId: hookId, serverId },
          include: { event: true },
          orderBy: { sequence: 'asc' },
        });
      await waitFor(async () => (await deliveries())[0]?.lastStatus === 503);
      expect((await deliveries())[0].event.payload).toMatchObject({ baseline: { cause: 'deallocated', id: firstRun } });

      await api.quarantine(serverId).expect(200); // MetalWorks could not be reached: the wipe request is still pending
      expect(await runOf(serverId)).toBeNull();
      const { body: lifted } = await api.unquarantine(serverId).expect(200);
      const newRun = lifted.server.baselineId;
      expect(lifted.server.status).toBe('baselining');
      expect(newRun).not.toBe(firstRun);

      receiver.recover(); // MetalWorks is back
      await waitFor(async () => (await deliveries()).at(-1)?.state === 'delivered');
      const states = (await deliveries()).map((d) => [
        (d.event.payload as { baseline: { id: string } }).baseline.id,
        d.state,
      ]);
      expect(states).toEqual([
        [firstRun, 'superseded'],
        [newRun, 'delivered'],
      ]);
      const sent = receiver.received.filter((d) => d.envelope.serverId === serverId);
      expect(sent.map((d) => d.envelope.payload.baseline)).toEqual([{ cause: 'unquarantined', id: newRun }]);
    });
  });

  it('never sends a dead-lettered wipe request replayed after its run ended (the server is allocated again)', async () => {
    const receiver = await new TestReceiver(SECRET).answer(400).start();
    await withWipeHook('metalworks-replay', receiver, async (hookId) => {
      const { serverId, body, firstRun } = await inBaseline();
      const deliveries = () => t.prisma.hookDelivery.findMany({ where: { hookId: hookId, serverId } });
      await waitFor(async () => (await deliveries())[0]?.state === 'dead');
      await api.available(serverId, firstRun).expect(200);
      await api.allocate(body).expect(200); // the next client has the server
      const [dead] = await deliveries();
      const sentBefore = receiver.received.length;

      receiver.recover();
      await t.http.post(`/api/hooks/deliveries/${dead.id}/replay`).set('X-Api-Key', admin).expect(200);
      await waitFor(async () => (await deliveries())[0]?.state === 'superseded');
      expect(receiver.received.length).toBe(sentBefore);
      expect((await t.prisma.server.findUniqueOrThrow({ where: { id: serverId } })).status).toBe('allocated');
    });
    expect(await invariantViolations(t.prisma, 10)).toEqual(NO_VIOLATIONS);
  });
});

describe('Back to Baseline runs with REQUIRE_BASELINE_ID=true', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ REQUIRE_BASELINE_ID: 'true' });
  });
  afterAll(() => t.close());

  it('answers 400 naming baselineId to an available without it, and takes the current run', async () => {
    const api = serverCommands(t, await t.apiKey());
    const { clientId, body } = await createContractedPool(t.prisma);
    const serverId = (await api.allocate(body).expect(200)).body.server.id;
    const run = (await api.deallocate(clientId, serverId).expect(200)).body.server.baselineId;
    const { body: refused } = await api.available(serverId).expect(400);
    expect(refused.details.fields).toEqual([expect.objectContaining({ field: 'baselineId' })]);
    await api.available(serverId, run).expect(200);
  });
});
