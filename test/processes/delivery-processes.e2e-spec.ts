import { ApiKeyRepository, ApiKeyService } from '@app/auth';
import { PrismaService } from '@app/database';
import { createClient, createContract, createPool } from '../support/factories';
import { TestReceiver } from '../support/receiver';
import { ServiceProcess, startService } from '../support/processes';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { waitFor } from '../support/wait';

const SECRET = 'whsec_processes_0123456';
const DELIVERY = {
  DISPATCH_INTERVAL: '50ms',
  DELIVERY_TIMEOUT: '1s',
  DELIVERY_RETRY_BASE: '100ms',
  DELIVERY_RETRY_MAX: '500ms',
  DELIVERY_MAX_ATTEMPTS: '1000',
};

/** At-least-once delivery with real service processes: killed with SIGKILL, and two sharing one database. */
describe('Event delivery across service processes', () => {
  let database: TestDatabase;
  let prisma: PrismaService;
  let key: string;
  const services: ServiceProcess[] = [];

  beforeEach(async () => {
    database = await createTestDatabase();
    prisma = new PrismaService(database.url, 2);
    key = (
      await new ApiKeyService(new ApiKeyRepository(prisma)).create({
        name: 'metalworks',
        scopes: ['server:allocate', 'server:deallocate', 'admin'],
      })
    ).secret;
  });
  afterEach(async () => {
    await Promise.all(services.splice(0).map((s) => s.stop('SIGKILL')));
    await prisma.$disconnect();
    await database.drop();
  });

  const service = async (settings: Record<string, string> = {}) => {
    const started = await startService({ DATABASE_URL: database.url, ...DELIVERY, ...settings });
    services.push(started);
    return started;
  };

  async function call(base: string, method: string, path: string, body?: object): Promise<void> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { 'X-Api-Key': key, 'content-type': 'application/json' },
      body: body && JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  }

  /** Allocates and de-allocates each server of a fresh pool, spreading the calls over the services: 3 events per server. */
  async function churn(servers: number, bases: string[]): Promise<number[]> {
    const pool = await createPool(prisma, servers);
    const clientId = await createClient(prisma);
    const contractId = await createContract(prisma, clientId, pool, servers);
    await Promise.all(
      pool.serverIds.map(async (serverId, i) => {
        const base = bases[i % bases.length];
        await call(base, 'POST', '/api/server/allocate', {
          locationId: pool.locationId,
          instanceTypeId: pool.instanceTypeId,
          clientId,
          contractId,
        });
      }),
    );
    const held = await prisma.server.findMany({ where: { id: { in: pool.serverIds } }, select: { id: true } });
    await Promise.all(
      held.map(({ id }, i) =>
        call(bases[(i + 1) % bases.length], 'DELETE', `/api/client/${clientId}/server/${id}/allocate`),
      ),
    );
    return pool.serverIds;
  }

  /** Every server's events arrived, each in the order they happened (first arrival of each event id). */
  function expectAllInOrder(receiver: TestReceiver, serverIds: number[]): void {
    const firstArrivals = receiver.received.filter(
      (r, i, all) => all.findIndex((o) => o.envelope.id === r.envelope.id) === i,
    );
    for (const serverId of serverIds) {
      expect({
        serverId,
        types: firstArrivals.filter((r) => r.envelope.serverId === serverId).map((r) => r.envelope.type),
      }).toEqual({
        serverId,
        types: ['server.allocated', 'server.deallocated', 'server.baseline.requested'],
      });
    }
    expect(receiver.received.every((r) => r.signatureValid)).toBe(true);
  }

  it('delivers every committed event after the service is killed (SIGKILL) mid-delivery and started again', async () => {
    const receiver = await new TestReceiver(SECRET).answer(...Array(200).fill('hang')).start();
    const first = await service();
    await call(first.url, 'PUT', '/api/hooks', { name: 'receiver', url: receiver.url, secret: SECRET });
    const serverIds = await churn(6, [first.url]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await first.stop('SIGKILL');
    expect(receiver.received).toHaveLength(0);

    await receiver.stop();
    const answering = await new TestReceiver(SECRET).start();
    await prisma.hook.updateMany({ data: { url: answering.url } });
    await service();
    await waitFor(
      async () => (await prisma.hookDelivery.count({ where: { state: { not: 'delivered' } } })) === 0,
      30_000,
      'every delivery delivered',
    );
    await answering.stop();
    expect(new Set(answering.eventIds()).size).toBe(18);
    expectAllInOrder(answering, serverIds);
  });

  it('shares the work between two processes without delivering one event to one hook twice at the same time', async () => {
    const receiver = await new TestReceiver(SECRET, 30).start();
    // An answer slower than the delivery timeout makes its event arrive again, as at-least-once allows: on a loaded CI
    // machine this test once counted 61 arrivals for 60 deliveries with the 1 s timeout. It is about two processes
    // sharing the work, not about timeouts: each attempt gets time enough to be answered.
    const patient = { DELIVERY_TIMEOUT: '5s' };
    const [a, b] = await Promise.all([service(patient), service(patient)]);
    await call(a.url, 'PUT', '/api/hooks', { name: 'receiver', url: receiver.url, secret: SECRET });
    const serverIds = await churn(20, [a.url, b.url]);
    await waitFor(
      async () => (await prisma.hookDelivery.count({ where: { state: 'delivered' } })) === 60,
      30_000,
      '60 deliveries delivered',
    );
    await receiver.stop();
    expectAllInOrder(receiver, serverIds);
    expect(receiver.maxConcurrentPerEvent).toBe(1);
    expect(receiver.received).toHaveLength(60);
  });

  it('redelivers from the other process what a process killed (SIGKILL) held in flight, once its leases run out, in order', async () => {
    // The receiver holds its first answers: the deliveries in flight are stuck in the process about to die.
    const receiver = await new TestReceiver(SECRET).answer(...Array(6).fill('hang')).start();
    const [doomed, survivor] = await Promise.all([service(), service()]);
    await call(doomed.url, 'PUT', '/api/hooks', { name: 'receiver', url: receiver.url, secret: SECRET });
    const serverIds = await churn(8, [doomed.url, survivor.url]);
    await receiver.until((received) => received.length >= 6);
    await doomed.stop('SIGKILL');
    await waitFor(
      async () => (await prisma.hookDelivery.count({ where: { state: { not: 'delivered' } } })) === 0,
      40_000,
      'every delivery delivered',
    );
    await receiver.stop();
    expect(new Set(receiver.eventIds()).size).toBe(24);
    expectAllInOrder(receiver, serverIds);
  });
});
