import { createPool } from '../support/factories';
import { waitFor } from '../support/wait';
import { serverCommands } from '../support/server-commands-client';
import { startTestApp, TestApp } from '../support/test-app';

const FAST_DELIVERY = {
  DISPATCHER: 'true',
  DISPATCH_INTERVAL: '50ms',
  DELIVERY_TIMEOUT: '1s',
  DELIVERY_MAX_ATTEMPTS: '1',
};

/**
 * A hook written straight into the database (as if registered before the policy said otherwise, so no
 * registration check stops it) and an event for it: what its delivery meets is the test's to see.
 */
async function eventForHookAt(t: TestApp, name: string, url: string) {
  const hook = await t.prisma.hook.create({ data: { name, url, eventTypes: [], secret: 'whsec_0123456789abcdef' } });
  const pool = await createPool(t.prisma, 1);
  await serverCommands(t, await t.apiKey())
    .isolate(pool.serverIds[0], { subState: 'maintenance' })
    .expect(200);
  return hook;
}

/** Hook targets are a policy (HOOK_ALLOWED_TARGETS), checked at registration and again at every delivery. */
describe('Hook target policy', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ ...FAST_DELIVERY, HOOK_ALLOWED_TARGETS: '127.0.0.1' });
    admin = await t.apiKey('admin');
  });
  afterAll(() => t.close());

  const register = (url: string) =>
    t.http
      .put('/api/hooks')
      .set('X-Api-Key', admin)
      .send({ name: `h-${Math.random()}`, url });
  const databasePort = () => new URL(t.database.url).port;

  it.each([
    ['a metadata address', 'http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['the same as a decimal number', 'http://2852039166/', 'link-local'],
    ['an IPv6 link-local address', 'http://[fe80::1]:8080/', 'link-local'],
    ['0.0.0.0', 'http://0.0.0.0:8080/', 'unspecified'],
    ['a URL with credentials', 'http://user:pass@127.0.0.1:9/', 'user name or password'],
    ['an address not allowed', 'http://10.1.2.3/', 'not in HOOK_ALLOWED_TARGETS'],
    ['a host name that does not resolve (try again later)', 'http://hooks.example.invalid/', 'name not resolved'],
  ])('refuses %s with 400 and the reason', async (_, url, why) => {
    const { status, body } = await register(url);
    expect({ status, code: body.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    expect(body.message).toContain(why);
    expect(body.details.fields[0].field).toBe('url');
    expect(await t.prisma.hook.count({ where: { url } })).toBe(0);
  });

  it("refuses the service's own database, however its address is written", async () => {
    for (const host of ['127.0.0.1', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]']) {
      const { status, body } = await register(`http://${host}:${databasePort()}/`);
      expect({ host, status, message: body.message }).toEqual({
        host,
        status: 400,
        message: expect.stringContaining('own database'),
      });
    }
  });

  it('checks again at delivery: a hook whose target the policy refuses now is dead-lettered, "refused by policy", and never called', async () => {
    const hook = await eventForHookAt(t, 'registered-before', 'http://169.254.169.254/hooks');
    await waitFor(async () => (await t.prisma.hookDelivery.count({ where: { hookId: hook.id, state: 'dead' } })) > 0);
    const dead = await t.prisma.hookDelivery.findFirstOrThrow({ where: { hookId: hook.id } });
    expect(dead).toMatchObject({
      lastStatus: null,
      lastError: expect.stringMatching(/^refused by policy: 169\.254\.169\.254 is a link-local/),
    });
  });

  it('shows delivery errors as categories, not socket codes', async () => {
    const { body } = await register('http://127.0.0.1:9/closed');
    expect(body.hook.url).toBe('http://127.0.0.1:9/closed');
    const pool = await createPool(t.prisma, 1);
    await serverCommands(t, await t.apiKey())
      .isolate(pool.serverIds[0], { subState: 'maintenance' })
      .expect(200);
    const deadLetters = async () =>
      (await t.http.get(`/api/hooks/deliveries?state=dead&hookId=${body.hook.id}`).set('X-Api-Key', admin)).body;
    await waitFor(async () => (await deadLetters()).length > 0);
    expect((await deadLetters())[0].lastError).toBe('no success after 1 attempts: connection refused');
  });
});

/** A name server's blip is a failure of the moment: the delivery waits and tries again, it is not dead-lettered. */
describe('Hook deliveries when a name does not resolve', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      ...FAST_DELIVERY,
      DELIVERY_MAX_ATTEMPTS: '12',
      DELIVERY_RETRY_BASE: '100ms',
      DELIVERY_RETRY_MAX: '200ms',
    });
  });
  afterAll(() => t.close());

  it('retries with backoff, the error shown as a category', async () => {
    const hook = await eventForHookAt(t, 'unresolved', 'http://hooks.example.invalid/events');
    await waitFor(
      async () => ((await t.prisma.hookDelivery.findFirst({ where: { hookId: hook.id } }))?.attempts ?? 0) >= 2,
    );
    expect(await t.prisma.hookDelivery.findFirstOrThrow({ where: { hookId: hook.id } })).toMatchObject({
      state: 'pending',
      lastStatus: null,
      lastError: 'name not resolved: hooks.example.invalid',
    });
  });
});
