import { MetalworksSim, startMetalworksSim } from '../../apps/metalworks-sim/src/metalworks-sim';
import { signatureHeader } from '@app/client';
import { createClient, createContract, createPool } from '../support/factories';
import { serverCommands, ServerCommandsClient } from '../support/server-commands-client';
import { startTestApp, TestApp } from '../support/test-app';

/** The whole Back to Baseline loop over real HTTP: allocator → hook → simulator → allocator. */
describe('Back to Baseline with the MetalWorks simulator', () => {
  let t: TestApp;
  let api: ServerCommandsClient;
  let simulatorKey: string;
  const sims: MetalworksSim[] = [];

  beforeAll(async () => {
    t = await startTestApp({ DISPATCHER: 'true', DISPATCH_INTERVAL: '50ms' }, { listen: true });
    api = serverCommands(t, await t.apiKey());
    simulatorKey = await t.apiKey('admin', 'server:available', 'server:isolate');
  });
  afterAll(async () => {
    await Promise.all(sims.map((s) => s.stop()));
    await t.close();
  });

  async function simulator(failRate: number): Promise<MetalworksSim> {
    const sim = await startMetalworksSim({
      allocatorUrl: t.url,
      apiKey: simulatorKey,
      hookName: 'metalworks-sim',
      delaySeconds: 0.1,
      failRate,
    });
    sims.push(sim);
    return sim;
  }

  async function allocatedServer() {
    const pool = await createPool(t.prisma, 1);
    const clientId = await createClient(t.prisma);
    const contractId = await createContract(t.prisma, clientId, pool, 1);
    const { body } = await api
      .allocate({ locationId: pool.locationId, instanceTypeId: pool.instanceTypeId, clientId, contractId })
      .expect(200);
    return { clientId, serverId: body.server.id as number };
  }

  async function statusBecomes(serverId: number, status: string): Promise<void> {
    const deadline = Date.now() + 15_000;
    while ((await t.prisma.server.findUniqueOrThrow({ where: { id: serverId } })).status !== status) {
      if (Date.now() > deadline) throw new Error(`server ${serverId} did not become ${status}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('de-allocate → baseline requested → simulator → Available', async () => {
    const sim = await simulator(0);
    const { clientId, serverId } = await allocatedServer();
    await api.deallocate(clientId, serverId).expect(200);
    await statusBecomes(serverId, 'available');
    const history = await t.prisma.serverEvent.findMany({ where: { serverId }, orderBy: { id: 'asc' } });
    expect(history.map((e) => [e.command, e.toStatus, e.actor])).toEqual([
      ['allocate', 'allocated', 'test-all'],
      ['deallocate', 'baselining', 'test-all'],
      ['available', 'available', 'test-admin+server:available+server:isolate'],
    ]);
    expect(sim.stats).toMatchObject({ received: 1, available: 1, failed: 0, rejected: 0 });
  });

  it('a failed baseline sends the server back to isolation (failedBaseline)', async () => {
    await simulator(1);
    const { clientId, serverId } = await allocatedServer();
    await api.compensate(clientId, serverId).expect(200);
    await statusBecomes(serverId, 'isolated');
    expect(await t.prisma.server.findUniqueOrThrow({ where: { id: serverId } })).toMatchObject({
      subState: 'failedBaseline',
    });
  });

  it('the simulator rejects deliveries whose signature is wrong or stale', async () => {
    const sim = await simulator(0);
    const body = JSON.stringify({
      id: '00000000-0000-4000-8000-000000000000',
      type: 'server.baseline.requested',
      serverId: 1,
      occurredAt: new Date().toISOString(),
      payload: {},
    });
    const post = (signature: string, content = body) =>
      fetch(`${sim.url}/events`, {
        method: 'POST',
        headers: { 'x-signature': signature, 'content-type': 'application/json' },
        body: content,
      });
    expect((await post(signatureHeader('not-the-secret', body))).status).toBe(401);
    expect((await post('t=1,v1=' + '0'.repeat(64))).status).toBe(401);
    expect(sim.stats.rejected).toBe(2);
    expect(sim.stats.received).toBe(0);
  });
});
