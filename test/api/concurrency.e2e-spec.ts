import { PrismaService } from '@app/database';
import { invariantViolations, NO_VIOLATIONS } from '@app/server-commands';
import { createClient, createContract, createPool } from '../support/factories';
import { ServiceProcess, startService } from '../support/processes';
import { serverCommands, ServerCommandsClient } from '../support/server-commands-client';
import { startTestApp, TestApp } from '../support/test-app';

const DEFAULT_ON_DEMAND_LIMIT = 4;

/** Many commands at once, as MetalWorks sends them: the database keeps every invariant. */
describe('Concurrent server commands', () => {
  let t: TestApp;
  let api: ServerCommandsClient;

  beforeAll(async () => {
    t = await startTestApp({ ON_DEMAND_DEFAULT_LIMIT: String(DEFAULT_ON_DEMAND_LIMIT), DATABASE_POOL_SIZE: '12' });
    api = serverCommands(t, await t.apiKey());
  });
  afterAll(() => t.close());

  /** A pool of 30 with three contracts reserving 18 servers, and clients that want far more than there is. */
  async function crowdedPool() {
    const pool = await createPool(t.prisma, 30);
    const contracts = await Promise.all(
      [8, 6, 4].map(async (quantity) => {
        const clientId = await createClient(t.prisma, 2);
        return { clientId, contractId: await createContract(t.prisma, clientId, pool, quantity) };
      }),
    );
    const onDemandClients = await Promise.all([null, null, 5, 5].map((limit) => createClient(t.prisma, limit)));
    const where = { locationId: pool.locationId, instanceTypeId: pool.instanceTypeId };
    const requests = [
      ...contracts.flatMap(({ clientId, contractId }, i) =>
        Array.from({ length: 14 - i * 2 }, (_, j) => ({ ...where, clientId, contractId, overflow: j % 3 === 0 })),
      ),
      ...onDemandClients.flatMap((clientId) => Array.from({ length: 16 }, () => ({ ...where, clientId }))),
    ];
    return { pool, requests };
  }

  it('allocates 100 parallel requests on a pool of 30 without ever breaking a quota or the guarantee', async () => {
    const { pool, requests } = await crowdedPool();
    expect(requests).toHaveLength(100);
    const answers = await Promise.all(requests.map((body) => api.allocate(body)));

    const statuses = answers.map((a) => (a.status === 200 ? 200 : `${a.status} ${a.body.code}`));
    expect(statuses.filter((s) => !['200', '409 QUOTA_EXCEEDED', '409 NO_CAPACITY'].includes(String(s)))).toEqual([]);
    const allocated = answers.filter((a) => a.status === 200).map((a) => a.body.server.id);
    expect(new Set(allocated).size).toBe(allocated.length);
    expect(allocated.length).toBe(30);
    expect(await t.prisma.server.count({ where: { instanceTypeId: pool.instanceTypeId, status: 'allocated' } })).toBe(
      30,
    );
    expect(
      await t.prisma.allocation.count({ where: { instanceTypeId: pool.instanceTypeId, quota: 'COMMITTED' } }),
    ).toBe(18);
    expect(await invariantViolations(t.prisma, DEFAULT_ON_DEMAND_LIMIT)).toEqual(NO_VIOLATIONS);
  });

  it('applies a de-allocate and an isolate sent together to one server one after the other', async () => {
    const pool = await createPool(t.prisma, 10);
    const clientId = await createClient(t.prisma, 10);
    for (let round = 0; round < 10; round++) {
      const { body } = await api
        .allocate({ locationId: pool.locationId, instanceTypeId: pool.instanceTypeId, clientId })
        .expect(200);
      const serverId = body.server.id;
      const [deallocated, isolated] = await Promise.all([
        api.deallocate(clientId, serverId),
        api.isolate(serverId, { subState: 'investigation' }),
      ]);
      expect([deallocated.status, isolated.status]).toEqual([200, 200]);
      const allocation = await t.prisma.allocation.findUniqueOrThrow({ where: { id: body.allocation.id } });
      expect(['RELEASED', 'ISOLATED']).toContain(allocation.endedBy);
      expect(deallocated.body.changed).toBe(allocation.endedBy === 'RELEASED');
      expect((await t.prisma.server.findUniqueOrThrow({ where: { id: serverId } })).status).toBe('isolated');
    }
    expect(await invariantViolations(t.prisma, DEFAULT_ON_DEMAND_LIMIT)).toEqual(NO_VIOLATIONS);
  });

  it('never lets two commands apply from the same state (parallel available, quarantine and unisolate)', async () => {
    const pool = await createPool(t.prisma, 5);
    for (const serverId of pool.serverIds) {
      await api.isolate(serverId, { subState: 'maintenance' }).expect(200);
      const answers = await Promise.all([
        api.unisolate(serverId),
        api.unisolate(serverId),
        api.quarantine(serverId),
        api.available(serverId),
      ]);
      expect(answers.filter((a) => a.status >= 500)).toEqual([]);
      expect(
        answers.filter((a) => a.status === 200 && a.body.command === 'unisolate' && a.body.changed).length,
      ).toBeLessThanOrEqual(1);
    }
    expect(await invariantViolations(t.prisma, DEFAULT_ON_DEMAND_LIMIT)).toEqual(NO_VIOLATIONS);
  });

  describe('two service processes on one database', () => {
    let services: ServiceProcess[] = [];
    let prisma: PrismaService;

    afterAll(async () => {
      await Promise.all(services.map((s) => s.stop()));
      await prisma?.$disconnect();
    });

    it('share the work without allocating a server twice', async () => {
      const { requests } = await crowdedPool();
      services = await Promise.all(
        [0, 1].map(() =>
          startService({
            DATABASE_URL: t.database.url,
            ON_DEMAND_DEFAULT_LIMIT: String(DEFAULT_ON_DEMAND_LIMIT),
            MIGRATE_ON_START: 'false',
          }),
        ),
      );
      const key = await t.apiKey('server:allocate');
      const answers = await Promise.all(
        requests.map(async (body, i) => {
          const response = await fetch(`${services[i % 2].url}/api/server/allocate`, {
            method: 'POST',
            headers: { 'X-Api-Key': key, 'content-type': 'application/json' },
            body: JSON.stringify(body),
          });
          return {
            status: response.status,
            body: (await response.json()) as { code?: string; server?: { id: number } },
          };
        }),
      );
      expect(answers.filter((a) => a.status !== 200 && a.status !== 409)).toEqual([]);
      const allocated = answers.filter((a) => a.status === 200).map((a) => a.body.server?.id);
      expect(allocated).toHaveLength(30);
      expect(new Set(allocated).size).toBe(30);
      prisma = t.prisma;
      expect(await invariantViolations(prisma, DEFAULT_ON_DEMAND_LIMIT)).toEqual(NO_VIOLATIONS);
    });
  });
});
