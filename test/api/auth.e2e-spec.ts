import { OpenAPIObject } from '@nestjs/swagger';
import { Scope } from '@app/auth';
import { buildOpenApiDocument } from '../../apps/allocator/src/openapi';
import { startTestApp, TestApp } from '../support/test-app';

interface Route {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  scopes: Scope[];
}

/** Every guarded route, read from the OpenAPI document so that a new route is covered by itself. */
function guardedRoutes(document: OpenAPIObject): Route[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    (['get', 'post', 'put', 'patch', 'delete'] as const).flatMap((method) => {
      const scopes = (item[method] as { 'x-required-scopes'?: Scope[] } | undefined)?.['x-required-scopes'];
      return scopes ? [{ method, path: path.replace(/\{[^}]+\}/g, '1'), scopes }] : [];
    }),
  );
}

describe('X-Api-Key authentication and scopes, on every /api route', () => {
  let t: TestApp;
  let routes: Route[];
  let keys: { revoked: string; expired: string; none: string };

  beforeAll(async () => {
    t = await startTestApp({ AUTH_FAILURE_LIMIT: '100000' }); // this suite fails authentication on purpose, many times
    routes = guardedRoutes(buildOpenApiDocument(t.app));
    const revoked = await t.apiKey('inventory:read');
    await t.prisma.apiKey.updateMany({ where: { prefix: revoked.slice(0, 10) }, data: { revokedAt: new Date() } });
    const expired = await t.apiKey('inventory:read');
    await t.prisma.apiKey.updateMany({
      where: { prefix: expired.slice(0, 10) },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    keys = { revoked, expired, none: 'bmk_not-a-key' };
  });
  afterAll(() => t.close());

  it('finds the routes to check', () => {
    expect(routes.length).toBeGreaterThanOrEqual(4);
    expect(routes.every((r) => r.path.startsWith('/api/'))).toBe(true);
  });

  it.each([
    ['no key', undefined, 'Missing X-Api-Key header'],
    ['an unknown key', 'bmk_not-a-key', 'Unknown API key'],
    ['a revoked key', 'revoked', 'This API key has been revoked'],
    ['an expired key', 'expired', 'This API key has expired'],
  ])('answers 401 UNAUTHORIZED to %s', async (_, which, message) => {
    const key = which && (keys as Record<string, string>)[which] ? (keys as Record<string, string>)[which] : which;
    for (const route of routes) {
      const call = t.http[route.method](route.path);
      const response = await (key ? call.set('X-Api-Key', key) : call);
      expect({ route, status: response.status, body: response.body }).toEqual({
        route,
        status: 401,
        body: { statusCode: 401, code: 'UNAUTHORIZED', message, requestId: expect.any(String) },
      });
    }
  });

  it('answers 403 FORBIDDEN to a valid key without the route scope, and lets the right scope through', async () => {
    for (const route of routes) {
      // A route that names no scope (GET /api/session: who am I) takes any valid key.
      if (!route.scopes.length) {
        const anyKey = await t.http[route.method](route.path).set('X-Api-Key', await t.apiKey('metrics:read'));
        expect({ route, status: anyKey.status }).toEqual({ route, status: 200 });
        continue;
      }
      const other = (['inventory:read', 'admin'] as Scope[]).find((s) => !route.scopes.includes(s)) as Scope;
      const forbidden = await t.http[route.method](route.path).set('X-Api-Key', await t.apiKey(other));
      expect({
        route,
        status: forbidden.status,
        code: forbidden.body.code,
        missing: forbidden.body.details?.missingScopes,
      }).toEqual({
        route,
        status: 403,
        code: 'FORBIDDEN',
        missing: route.scopes,
      });
      const allowed = await t.http[route.method](route.path).set('X-Api-Key', await t.apiKey(...route.scopes));
      expect({ route, passedGuard: ![401, 403].includes(allowed.status) }).toEqual({ route, passedGuard: true });
    }
  });

  it('records when a key was last used', async () => {
    const key = await t.apiKey('inventory:read');
    await t.http.get('/api/locations').set('X-Api-Key', key).expect(200);
    const row = await t.prisma.apiKey.findFirstOrThrow({ where: { prefix: key.slice(0, 10) } });
    expect(row.lastUsedAt).toBeInstanceOf(Date);
    expect(row.keyHash).not.toContain(key);
  });

  it('keeps /health and the docs open', async () => {
    await t.http.get('/health').expect(200);
    await t.http.get('/docs-json').expect(200);
  });
});

describe('Verified keys remembered for API_KEY_CACHE_TTL', () => {
  it('refuses a revoked key once the interval has passed, and at once with the cache off', async () => {
    for (const [ttl, waitMs] of [
      ['1s', 1100],
      ['0', 0],
    ] as const) {
      const t = await startTestApp({ API_KEY_CACHE_TTL: ttl });
      try {
        const key = await t.apiKey('inventory:read');
        await t.http.get('/api/locations').set('X-Api-Key', key).expect(200);
        await t.prisma.apiKey.updateMany({ where: { prefix: key.slice(0, 10) }, data: { revokedAt: new Date() } });
        await new Promise((resolve) => setTimeout(resolve, waitMs));
        expect((await t.http.get('/api/locations').set('X-Api-Key', key).expect(401)).body.message).toBe(
          'This API key has been revoked',
        );
      } finally {
        await t.close();
      }
    }
  });
});
