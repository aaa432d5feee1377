import { ApiKeyRepository, ApiKeyService } from '@app/auth';
import { PrismaService } from '@app/database';
import { createClient, createContract, createPool } from '../support/factories';
import { ServiceProcess, startService } from '../support/processes';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/** Two demo instances on one database: one MetalWorks simulator serves both, and neither breaks the other's. */
describe('Several demo instances, one fleet', () => {
  let database: TestDatabase;
  let prisma: PrismaService;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    prisma = new PrismaService(database.url, 2);
  });
  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await prisma.$disconnect();
    await database.drop();
  });

  it("lets the second instance use the first one's simulator, whose hook and key keep working", async () => {
    const env = {
      DATABASE_URL: database.url,
      MIGRATE_ON_START: 'false',
      METALWORKS_SIM: 'true',
      METALWORKS_SIM_DELAY: '100ms',
      METALWORKS_SIM_FAIL_RATE: '0',
      DISPATCH_INTERVAL: '50ms',
    };
    services.push(await startService(env));
    services.push(await startService(env));
    expect(services[1].output()).toContain('serves this one too');
    expect(await prisma.hook.count({ where: { name: 'metalworks-sim' } })).toBe(1);
    expect(await prisma.apiKey.count({ where: { name: 'metalworks-sim', revokedAt: null } })).toBe(1);

    const pool = await createPool(prisma, 1);
    const clientId = await createClient(prisma);
    const contractId = await createContract(prisma, clientId, pool, 1);
    const key = (
      await new ApiKeyService(new ApiKeyRepository(prisma)).create({
        name: 'staff',
        scopes: ['server:allocate', 'server:deallocate'],
      })
    ).secret;
    const call = (method: string, path: string, body?: object) =>
      fetch(`${services[1].url}${path}`, {
        method,
        headers: { 'X-Api-Key': key, 'content-type': 'application/json' },
        body: body && JSON.stringify(body),
      });
    const { server } = (await (
      await call('POST', '/api/server/allocate', {
        locationId: pool.locationId,
        instanceTypeId: pool.instanceTypeId,
        clientId,
        contractId,
      })
    ).json()) as { server: { id: number } };
    expect((await call('DELETE', `/api/client/${clientId}/server/${server.id}/allocate`)).status).toBe(200);
    const deadline = Date.now() + 15_000;
    while ((await prisma.server.findUniqueOrThrow({ where: { id: server.id } })).status !== 'available') {
      if (Date.now() > deadline) throw new Error('the shared simulator did not bring the server back to Available');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
});
