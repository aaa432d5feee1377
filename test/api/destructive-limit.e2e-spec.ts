import { createClient, createPool } from '../support/factories';
import { footprint, serverCommands, ServerCommandsClient } from '../support/server-commands-client';
import { startTestApp, TestApp } from '../support/test-app';

const LIMIT = 3;

/** DESTRUCTIVE_LIMIT: one API key may end so many allocations a minute; beyond it, 429 and nothing changed. */
describe('The limit on allocations ended per key and minute', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ DESTRUCTIVE_LIMIT: String(LIMIT) });
  });
  afterAll(() => t.close());

  /** A pool of `servers` allocated to one client by `api`, and a spare. */
  async function allocated(api: ServerCommandsClient, servers: number) {
    const pool = await createPool(t.prisma, servers + 1);
    const clientId = await createClient(t.prisma, servers);
    const order = { locationId: pool.locationId, instanceTypeId: pool.instanceTypeId, clientId };
    await api.allocateBatch({ ...order, amount: servers }).expect(200);
    return { clientId, serverIds: pool.serverIds.slice(0, servers) };
  }

  // Slots are per calendar minute: start each case at the beginning of one, so that it cannot straddle two.
  beforeEach(async () => {
    const intoMinute = new Date().getUTCSeconds();
    if (intoMinute > 50) await new Promise((resolve) => setTimeout(resolve, (61 - intoMinute) * 1000));
  }, 15_000);

  it('refuses the ended allocation beyond the limit with 429 and Retry-After, changing nothing; other keys go on', async () => {
    const api = serverCommands(t, await t.apiKey());
    const { clientId, serverIds } = await allocated(api, LIMIT + 2);
    const [a, b, c, d, e] = serverIds;
    await api.deallocate(clientId, a).expect(200);
    await api.compensate(clientId, b).expect(200);
    await api.isolate(c, { subState: 'brokenHardware' }).expect(200);
    // Nothing ended: not counted.
    await api.isolate(c, { subState: 'investigation' }).expect(200);
    await api.deallocate(clientId, a).expect(200);

    const before = await footprint(t, d);
    const refused = await api.deallocate(clientId, d).expect(429);
    expect(refused.body).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      details: { retryAfterSeconds: expect.any(Number) },
    });
    expect(Number(refused.headers['retry-after'])).toBe(refused.body.details.retryAfterSeconds);
    expect(await footprint(t, d)).toEqual(before);
    expect((await api.replace(clientId, e, { subState: 'brokenHardware' }).expect(429)).body.code).toBe(
      'TOO_MANY_REQUESTS',
    );

    const other = serverCommands(t, await t.apiKey());
    await other.deallocate(clientId, d).expect(200);
  });

  it('lets exactly the limit through when more calls than that race', async () => {
    const api = serverCommands(t, await t.apiKey());
    const { clientId, serverIds } = await allocated(api, 10);
    const answers = await Promise.all(serverIds.map((id) => api.deallocate(clientId, id)));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(LIMIT);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(10 - LIMIT);
    expect(await t.prisma.server.count({ where: { id: { in: serverIds }, status: 'baselining' } })).toBe(LIMIT);
  });
});
