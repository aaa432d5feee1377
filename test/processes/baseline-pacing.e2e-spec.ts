import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { ApiKeyRepository, ApiKeyService } from '@app/auth';
import { PrismaService } from '@app/database';
import type { EventEnvelope } from '@app/events';
import { createClient, createContract, createPool } from '../support/factories';
import { ServiceProcess, startService } from '../support/processes';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { waitFor } from '../support/wait';

const SERVERS = 200;
const MAX_IN_FLIGHT = 20;
// Ten waves of wipes outlast the watchdog's timeout, so the last runs wait longer than it before they are dispatched;
// a run's own wipe and delivery stay well inside it, even on a loaded machine (2 s was not: CI saw runs isolated).
const WIPE_MS = 700;
const TIMEOUT_SECONDS = 5;

/**
 * Back to Baseline pacing with two service processes sharing one database: a mass de-allocation never has more
 * than BASELINE_MAX_IN_FLIGHT runs under way in a location, every run is dispatched in the end, and the watchdog
 * counts only the time since a run was dispatched.
 */
describe('Back to Baseline pacing across service processes', () => {
  let database: TestDatabase;
  let prisma: PrismaService;
  let key: string;
  let metalworks: Server;
  const services: ServiceProcess[] = [];
  const timers = new Set<NodeJS.Timeout>();

  /** MetalWorks: each requested wipe takes WIPE_MS, then it calls available; in flight = requested - wiped. */
  const wipes = { received: new Set<string>(), done: 0, maxInFlight: 0, firstAt: 0, lastAt: 0 };

  beforeAll(async () => {
    database = await createTestDatabase();
    prisma = new PrismaService(database.url, 2);
    key = (
      await new ApiKeyService(new ApiKeyRepository(prisma)).create({
        name: 'metalworks',
        scopes: ['server:allocate', 'server:deallocate', 'server:available', 'admin'],
      })
    ).secret;
    metalworks = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        response.writeHead(200).end();
        const envelope = JSON.parse(body) as EventEnvelope;
        const run = envelope.payload.baseline!.id;
        if (wipes.received.has(run)) return;
        wipes.received.add(run);
        wipes.lastAt = Date.now();
        wipes.maxInFlight = Math.max(wipes.maxInFlight, wipes.received.size - wipes.done);
        // The wipe is over when the timer fires: MetalWorks then reports it (the allocator frees the slot on that).
        const timer = setTimeout(() => {
          timers.delete(timer);
          wipes.done++;
          void call(services[wipes.done % 2].url, 'POST', `/api/server/${envelope.payload.server.id}/available`, {
            baselineId: run,
          });
        }, WIPE_MS);
        timers.add(timer);
      });
    });
    await new Promise<void>((resolve) => metalworks.listen(0, '127.0.0.1', resolve));
    const env = {
      DATABASE_URL: database.url,
      HOOK_ALLOWED_TARGETS: '127.0.0.1',
      DISPATCH_INTERVAL: '50ms',
      BASELINE_MAX_IN_FLIGHT: String(MAX_IN_FLIGHT),
      BASELINE_PACE_INTERVAL: '100ms',
      BASELINE_TIMEOUT: `${TIMEOUT_SECONDS}s`,
      WATCHDOG_INTERVAL: '200ms',
    };
    services.push(...(await Promise.all([startService(env), startService(env)])));
  }, 60_000);
  afterAll(async () => {
    for (const timer of timers) clearTimeout(timer);
    await Promise.all(services.map((s) => s.stop('SIGTERM')));
    await new Promise((resolve) => metalworks.close(resolve));
    await prisma.$disconnect();
    await database.drop();
  });

  async function call(base: string, method: string, path: string, body?: object): Promise<unknown> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { 'X-Api-Key': key, 'content-type': 'application/json' },
      body: body && JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  }

  it(`${SERVERS} de-allocations with BASELINE_MAX_IN_FLIGHT=${MAX_IN_FLIGHT}: never more under way, all dispatched, none isolated for waiting`, async () => {
    const pool = await createPool(prisma, SERVERS);
    const clientId = await createClient(prisma);
    const contractId = await createContract(prisma, clientId, pool, SERVERS);
    const { port } = metalworks.address() as AddressInfo;
    await call(services[0].url, 'PUT', '/api/hooks', {
      name: 'metalworks',
      url: `http://127.0.0.1:${port}/events`,
      eventTypes: ['server.baseline.requested'],
      secret: 'whsec_pacing_suite_0001',
    });
    const order = { locationId: pool.locationId, instanceTypeId: pool.instanceTypeId, clientId, contractId };
    await call(services[1].url, 'POST', '/api/server/allocate/batch', { ...order, amount: SERVERS });

    // Sample the runs under way, as the database sees them, while the de-allocations land and drain.
    let sampling = true;
    let maxRunning = 0;
    const sampler = (async () => {
      while (sampling) {
        const [{ running }] = await prisma.sql.rows<{ running: number }>(
          `SELECT count(*)::int AS running FROM "Server" WHERE "locationId" = $1 AND "status" = 'baselining' AND "baselineDispatchedAt" IS NOT NULL`,
          [pool.locationId],
        );
        maxRunning = Math.max(maxRunning, running);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();

    const requestedAt = Date.now();
    await Promise.all(
      pool.serverIds.map((id, i) =>
        call(services[i % 2].url, 'DELETE', `/api/client/${clientId}/server/${id}/allocate`),
      ),
    );
    await waitFor(
      async () =>
        (await prisma.server.count({ where: { id: { in: pool.serverIds }, status: 'available' } })) === SERVERS,
      90_000,
      'every server wiped and Available',
    );
    sampling = false;
    await sampler;

    expect(wipes.received.size).toBe(SERVERS);
    expect(wipes.maxInFlight).toBeLessThanOrEqual(MAX_IN_FLIGHT);
    expect(maxRunning).toBeLessThanOrEqual(MAX_IN_FLIGHT);
    expect(maxRunning).toBeGreaterThan(0);
    // The last run waited longer than BASELINE_TIMEOUT before it was dispatched, and was not isolated for it.
    expect(wipes.lastAt - requestedAt).toBeGreaterThan(TIMEOUT_SECONDS * 1000);
    expect(await prisma.serverEvent.count({ where: { actor: 'baseline-watchdog' } })).toBe(0);
  }, 120_000);
});
