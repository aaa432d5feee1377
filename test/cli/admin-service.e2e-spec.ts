import { createServer } from 'node:net';
import { createPool, Pool } from '../support/factories';
import { runAdminAsync } from '../support/processes';
import { startTestApp, TestApp } from '../support/test-app';

/** `npm run admin -- service ...`: the command line's calls to a running service, made with the generated client. */
describe('Admin command line: service', () => {
  let t: TestApp;
  let pool: Pool;
  let env: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp({}, { listen: true });
    pool = await createPool(t.prisma, 2);
    env = { ALLOCATOR_URL: t.url, ALLOCATOR_API_KEY: await t.apiKey('server:isolate', 'server:quarantine') };
  });
  afterAll(() => t.close());

  const admin = (...args: string[]) => runAdminAsync(args, env);

  /** A loopback port nothing listens on. */
  const closedPort = () =>
    new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });

  it('status: health and readiness of each instance; an unreachable one is named and fails the command', async () => {
    const up = await admin('--json', 'service', 'status');
    expect(up.status).toBe(0);
    expect(JSON.parse(up.stdout)).toEqual([{ url: t.url, health: 'ok', database: 'up', ready: 'ready', reason: null }]);

    const nobody = `http://127.0.0.1:${await closedPort()}`;
    const down = await admin('service', 'status', '--url', t.url, nobody);
    expect(down.status).toBe(1);
    expect(down.stdout).toMatch(
      new RegExp(`${nobody}\\s+unreachable\\s+-\\s+not-ready\\s+Cannot reach ${nobody}: connect ECONNREFUSED`),
    );
  });

  it('isolate, quarantine, unquarantine, unisolate: each one call, printed as the service words it', async () => {
    const serverId = pool.serverIds[0];
    const isolated = await admin(
      'service',
      'isolate',
      String(serverId),
      '--sub-state',
      'maintenance',
      '--reason',
      'Rack move',
    );
    expect({ status: isolated.status, stderr: isolated.stderr }).toEqual({ status: 0, stderr: '' });
    expect(await t.prisma.server.findUniqueOrThrow({ where: { id: serverId } })).toMatchObject({
      status: 'isolated',
      subState: 'maintenance',
      isolationReason: 'Rack move',
    });
    expect((await admin('service', 'quarantine', String(serverId))).status).toBe(0);
    expect((await admin('service', 'unquarantine', String(serverId))).status).toBe(0);
    const unisolated = await admin('--json', 'service', 'unisolate', String(serverId));
    expect(JSON.parse(unisolated.stdout)).toMatchObject({
      command: 'unisolate',
      changed: true,
      server: { id: serverId, status: 'baselining' },
    });
  });

  it("prints the service's refusal, code and details, and exits 1; the key's scopes are the service's to check", async () => {
    const refused = await admin('--json', 'service', 'unisolate', String(pool.serverIds[1]));
    expect(refused.status).toBe(1);
    expect(JSON.parse(refused.stderr).error).toMatchObject({
      code: 'NOT_ISOLATED',
      details: { serverId: pool.serverIds[1], status: 'available' },
    });

    const forbidden = await admin('service', 'available', String(pool.serverIds[1]));
    expect({ status: forbidden.status, stderr: forbidden.stderr }).toEqual({
      status: 1,
      stderr: 'Error: 403 FORBIDDEN: This API key lacks the scope server:available\n',
    });
  });

  it('refuses a bad argument before calling anything', async () => {
    const bad = await admin('service', 'isolate', String(pool.serverIds[1]), '--sub-state', 'bored');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('Allowed choices are brokenHardware');
  });
});
