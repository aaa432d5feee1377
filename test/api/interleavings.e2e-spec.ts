import { invariantViolations, NO_VIOLATIONS } from '@app/server-commands';
import { createPool } from '../support/factories';
import { SecondConnection } from '../support/interleavings';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Races reproduced deterministically: a second connection writes the same row and holds it uncommitted, the
 * request is let run until it waits on that row, then the second connection commits. The request must answer
 * as if it had come after (the documented 4xx, or applied after the other), never 500.
 */
describe('Interleavings', () => {
  let t: TestApp;
  let staff: string;
  let other: SecondConnection;

  beforeAll(async () => {
    t = await startTestApp();
    staff = await t.apiKey();
  });
  beforeEach(async () => {
    other = await SecondConnection.open(t.database.url);
  });
  afterEach(() => other.close());
  afterAll(async () => {
    expect(await invariantViolations(t.prisma, 10)).toEqual(NO_VIOLATIONS);
    await t.close();
  });

  /** Sends `call`, holds it at the row `other` holds, then commits `other`: what did the call answer? */
  async function racing<T>(call: () => PromiseLike<T>): Promise<T> {
    const answer = Promise.resolve(call());
    await other.untilAnotherWaits();
    await other.commit();
    return answer;
  }

  it('two POST /api/servers of one id: the later is answered as coming after (400, the server exists), not 500', async () => {
    const pool = await createPool(t.prisma, 0);
    const id = 990001;
    await other.hold(
      `INSERT INTO "Server" ("id", "hostname", "locationId", "instanceTypeId", "status", "baselineStartedAt", "baselineId", "updatedAt")
       VALUES ($1, 'first.test', $2, $3, 'baselining', now(), gen_random_uuid(), now())`,
      [id, pool.locationId, pool.instanceTypeId],
    );
    const server = { id, hostname: 'second.test', locationId: pool.locationId, instanceTypeId: pool.instanceTypeId };
    const { status, body } = await racing(() =>
      t.http
        .post('/api/servers')
        .set('X-Api-Key', staff)
        .send({ servers: [server] }),
    );
    expect({ status, code: body.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    expect(body.details.problems).toEqual([
      expect.objectContaining({ id, field: 'id', problem: `server ${id} exists already` }),
    ]);
    expect((await t.prisma.server.findUniqueOrThrow({ where: { id } })).hostname).toBe('first.test');
  });

  it('two renames to one host name: the later is 409 HOSTNAME_IN_USE, not 500', async () => {
    const pool = await createPool(t.prisma, 2);
    const [mine, theirs] = pool.serverIds;
    await other.hold(`UPDATE "Server" SET "hostname" = 'wanted.test' WHERE "id" = $1`, [theirs]);
    const { status, body } = await racing(() =>
      t.http.patch(`/api/servers/${mine}`).set('X-Api-Key', staff).send({ hostname: 'wanted.test' }),
    );
    expect({ status, code: body.code, details: body.details }).toEqual({
      status: 409,
      code: 'HOSTNAME_IN_USE',
      details: { hostname: 'wanted.test', serverId: theirs },
    });
  });

  it('two first PUTs of one client: the later applies after the earlier, not 500', async () => {
    const clientId = 990002;
    await other.hold(`INSERT INTO "Client" ("id", "name") VALUES ($1, 'Written first')`, [clientId]);
    const { status, body } = await racing(() =>
      t.http.put(`/api/clients/${clientId}`).set('X-Api-Key', staff).send({ name: 'Written second', onDemandLimit: 3 }),
    );
    expect({ status, client: body.client ?? body }).toEqual({
      status: 200,
      client: expect.objectContaining({ name: 'Written second' }),
    });
    expect(await t.prisma.client.findUniqueOrThrow({ where: { id: clientId } })).toMatchObject({
      name: 'Written second',
      onDemandLimit: 3,
    });
  });

  it('two first PUTs of one hook: the later applies after the earlier, not 500', async () => {
    await other.hold(
      `INSERT INTO "Hook" ("name", "url", "eventTypes", "secret") VALUES ('race', 'http://127.0.0.1:9/first', '{}', 'whsec_first_secret_0123')`,
    );
    const { status, body } = await racing(() =>
      t.http
        .put('/api/hooks')
        .set('X-Api-Key', staff)
        .send({ name: 'race', url: 'http://127.0.0.1:9/second', secret: 'whsec_second_secret_012' }),
    );
    expect({ status, created: body.created, url: body.hook?.url }).toEqual({
      status: 200,
      created: false,
      url: 'http://127.0.0.1:9/second',
    });
  });
});
