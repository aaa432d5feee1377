import helmet from 'helmet';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { startTestApp, TestApp } from '../support/test-app';

/** What Helmet sets on an answer of Node's, with the service's options (create-app.ts). */
function helmetsHeaders(): Record<string, unknown> {
  const answer = new ServerResponse(new IncomingMessage(new Socket()));
  helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } })(
    answer.req,
    answer,
    () => undefined,
  );
  return answer.getHeaders();
}

/** Hand-made bad inputs: each is a clear 4xx in the one error shape, never a 500, and changes nothing. */
describe('Bad input', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp({ BODY_LIMIT_BYTES: '65536' });
    key = await t.apiKey();
  });
  afterAll(() => t.close());

  const post = (path: string, body: string, contentType = 'application/json') =>
    t.http.post(path).set('X-Api-Key', key).set('Content-Type', contentType).send(body);
  const serverId = async () =>
    (
      await t.prisma.server.create({
        data: {
          id: 555_001 + Math.floor(Math.random() * 400_000),
          hostname: `h${Date.now()}${Math.random()}`,
          locationId: (await pool()).locationId,
          instanceTypeId: (await pool()).id,
        },
      })
    ).id;
  let poolRow: { id: number; locationId: number } | undefined;
  async function pool() {
    if (!poolRow) {
      await t.prisma.location.create({
        data: {
          id: 555,
          name: 'Bad input site',
          shortName: 'bad',
          displayName: 'Bad input site',
          countryName: 'NL',
          countryShortName: 'NL',
        },
      });
      poolRow = await t.prisma.instanceType.create({
        data: {
          id: 555,
          locationId: 555,
          name: 'bm.bad',
          sockets: 1,
          cores: 1,
          memory: 1,
          memoryType: 'std',
          storage: 1,
          storageType: 'ssd',
          generationName: 'x',
          pricePerHour: 1,
        },
      });
    }
    return poolRow;
  }

  it.each([
    [
      'the isolate reason',
      (id: number) => `/api/server/${id}/isolate`,
      '{"subState":"other","reason":"a\\u0000b"}',
      'reason',
    ],
    ['a hook url', () => '/api/hooks', '{"name":"n","url":"http://127.0.0.1:9/\\u0000"}', 'url'],
    [
      'a hook secret',
      () => '/api/hooks',
      '{"name":"n","url":"http://127.0.0.1:9/","secret":"whsec_\\u0000aaaaaaaaaaaaaaaa"}',
      'secret',
    ],
    ['a field name', () => '/api/hooks', '{"na\\u0000me":"n"}', 'na\u0000me'],
  ])('answers 400 naming the field to a NUL character in %s', async (_, path, body, field) => {
    const id = await serverId();
    const before = await t.prisma.server.findUniqueOrThrow({ where: { id } });
    const { status, body: error } = await post(path(id), body);
    expect({ status, code: error.code, fields: error.details?.fields?.map((f: { field: string }) => f.field) }).toEqual(
      { status: 400, code: 'VALIDATION_FAILED', fields: [field] },
    );
    expect(await t.prisma.server.findUniqueOrThrow({ where: { id } })).toEqual(before);
    expect(await t.prisma.hook.count()).toBe(0);
  });

  it.each([
    'application/json; charset=latin1',
    'application/json; charset=utf-16',
    'text/plain',
    'application/x-www-form-urlencoded',
  ])('answers 415 to a body sent as %s', async (contentType) => {
    const { status, body } = await post(
      '/api/quota/check',
      '{"locationId":1,"instanceTypeId":1,"clientId":1}',
      contentType,
    );
    expect({ status, code: body.code }).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('accepts JSON declared as UTF-8, in any spelling', async () => {
    const { status, body } = await post(
      '/api/quota/check',
      '{"locationId":1,"instanceTypeId":1,"clientId":1}',
      'application/json; charset=UTF-8',
    );
    expect({ status, code: body.code }).toEqual({ status: 404, code: 'LOCATION_NOT_FOUND' });
  });

  it('answers 400 to JSON nested 3,000 levels deep, and to 65 levels, but reads 64', async () => {
    for (const depth of [3000, 65]) {
      const { status, body } = await post('/api/quota/check', `${'['.repeat(depth)}${']'.repeat(depth)}`);
      expect({ status, message: body.message }).toEqual({
        status: 400,
        message: 'The request body could not be read: JSON nested deeper than 64 levels',
      });
    }
    const nested64 = `{"a":${'['.repeat(63)}${']'.repeat(63)}}`;
    expect(
      (await post('/api/quota/check', nested64)).body.details.fields.map((f: { field: string }) => f.field),
    ).toContain('a');
  });

  it.each(['__proto__', 'constructor', 'prototype'])(
    'refuses a field named %s like any unknown field',
    async (name) => {
      const { status, body } = await post(
        '/api/quota/check',
        `{"locationId":1,"instanceTypeId":1,"clientId":1,"${name}":{"polluted":true}}`,
      );
      expect({ status, code: body.code, fields: body.details.fields.map((f: { field: string }) => f.field) }).toEqual({
        status: 400,
        code: 'VALIDATION_FAILED',
        fields: [name],
      });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );

  it('answers 400 to malformed JSON and to bytes that are not UTF-8, 413 to a body over the limit', async () => {
    expect((await post('/api/quota/check', '{"locationId":')).body).toMatchObject({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
    });
    const latin1 = await t.http
      .post('/api/quota/check')
      .set('X-Api-Key', key)
      .set('Content-Type', 'application/json')
      .serialize((bytes: Buffer) => bytes as unknown as string)
      .send(Buffer.from('{"\xe9":1}', 'latin1'));
    expect({ status: latin1.status, message: latin1.body.message }).toEqual({
      status: 400,
      message: 'The request body could not be read: it is not valid UTF-8',
    });
    const big = await post('/api/quota/check', `{"x":"${'a'.repeat(70_000)}"}`);
    expect({ status: big.status, code: big.body.code }).toEqual({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('checks the key before reading the body: without a valid key it is 401 whatever the body', async () => {
    for (const [body, type] of [
      ['{bad', 'application/json'],
      ['x', 'text/plain'],
      ['{"__proto__":1}', 'application/json'],
    ]) {
      const response = await t.http
        .post('/api/quota/check')
        .set('X-Api-Key', 'bmk_wrong')
        .set('Content-Type', type)
        .send(body);
      expect({ status: response.status, code: response.body.code }).toEqual({ status: 401, code: 'UNAUTHORIZED' });
    }
  });

  it('sends security headers, and no X-Powered-By', async () => {
    const { headers } = await t.http.get('/health').expect(200);
    expect(headers['x-powered-by']).toBeUndefined();
    expect(headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'content-security-policy': expect.stringContaining("default-src 'self'"),
    });
    expect(headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(Object.keys(helmetsHeaders()).length).toBeGreaterThan(10);
    expect(headers).toMatchObject(helmetsHeaders());
  });

  it('holds off an address after too many failed authentications (429 with Retry-After), valid keys included, for a minute', async () => {
    const limited = await startTestApp({ AUTH_FAILURE_LIMIT: '5' });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push((await limited.http.get('/api/locations').set('X-Api-Key', `bmk_guess_${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const held = await limited.http.get('/api/locations').set('X-Api-Key', await limited.apiKey());
    await limited.close();
    expect({ status: held.status, code: held.body.code, retryAfter: Number(held.headers['retry-after']) }).toEqual({
      status: 429,
      code: 'TOO_MANY_REQUESTS',
      retryAfter: expect.any(Number),
    });
    expect(Number(held.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(held.headers['retry-after'])).toBeLessThanOrEqual(60);
  });

  it('behind a trusted proxy, limits each forwarded client on its own', async () => {
    const proxied = await startTestApp({ AUTH_FAILURE_LIMIT: '2', TRUST_PROXY: 'loopback' });
    try {
      const from = (client: string) =>
        proxied.http.get('/api/locations').set('X-Forwarded-For', client).set('X-Api-Key', 'bmk_guess');
      expect([
        (await from('10.0.0.1')).status,
        (await from('10.0.0.1')).status,
        (await from('10.0.0.1')).status,
      ]).toEqual([401, 401, 429]);
      expect((await from('10.0.0.2')).status).toBe(401);
    } finally {
      await proxied.close();
    }
  });
});
