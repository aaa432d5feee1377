import { Draining } from '../../apps/allocator/src/health/draining';
import { startTestApp, TestApp } from '../support/test-app';

/** What orchestrators ask: is the process alive, and should it get work. */
describe('Health', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('is live and ready with its database up and every migration applied, without a key', async () => {
    expect((await t.http.get('/health/live').expect(200)).body).toEqual({ status: 'ok' });
    expect((await t.http.get('/health/ready').expect(200)).body).toEqual({ status: 'ready' });
    expect((await t.http.get('/health').expect(200)).body).toEqual({ status: 'ok', database: 'up' });
  });

  it('is not ready when a migration of this build is missing', async () => {
    const [last] = await t.prisma.$queryRaw<
      { migration_name: string }[]
    >`SELECT "migration_name" FROM "_prisma_migrations" ORDER BY "migration_name" DESC LIMIT 1`;
    await t.prisma
      .$executeRaw`UPDATE "_prisma_migrations" SET "rolled_back_at" = now() WHERE "migration_name" = ${last.migration_name}`;
    try {
      expect((await t.http.get('/health/ready').expect(503)).body).toEqual({
        status: 'not-ready',
        reason: `migrations not applied: ${last.migration_name}`,
      });
    } finally {
      await t.prisma
        .$executeRaw`UPDATE "_prisma_migrations" SET "rolled_back_at" = NULL WHERE "migration_name" = ${last.migration_name}`;
    }
  });

  it('is not ready while draining, and still live', async () => {
    t.app.get(Draining).start();
    expect((await t.http.get('/health/ready').expect(503)).body).toEqual({ status: 'not-ready', reason: 'draining' });
    await t.http.get('/health/live').expect(200);
  });
});
