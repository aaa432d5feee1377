import { createTestDatabase, TestDatabase } from '../support/test-database';
import { runServiceExpectingFailure, ServiceProcess, startService } from '../support/processes';

describe('Starting the service (npm start)', () => {
  describe('on an empty database', () => {
    let database: TestDatabase;
    let service: ServiceProcess;

    beforeAll(async () => {
      database = await createTestDatabase({ empty: true });
      service = await startService({ DATABASE_URL: database.url, DEMO_DATA: 'true' });
    });
    afterAll(async () => {
      await service?.stop();
      await database.drop();
    });

    it('applies the migrations, loads the demo inventory and prints a demo key that can list servers', async () => {
      expect(service.output()).toContain('Applied migrations: ');
      const key = /Demo API key \(every scope\), shown once: (bmk_[A-Za-z0-9_-]+)/.exec(service.output())?.[1];
      expect(key).toBeDefined();
      const response = await fetch(`${service.url}/api/servers`, { headers: { 'X-Api-Key': key as string } });
      expect(response.status).toBe(200);
      expect(response.headers.get('ranged-data')).toBe('start=0,results=25,total=60');
      const locations = await (
        await fetch(`${service.url}/api/locations`, { headers: { 'X-Api-Key': key as string } })
      ).json();
      expect(locations).toHaveLength(2);
    });

    it('serves Swagger UI, the OpenAPI document and health without a key', async () => {
      expect((await fetch(`${service.url}/docs`)).status).toBe(200);
      const document = (await (await fetch(`${service.url}/docs-json`)).json()) as {
        components: { securitySchemes: Record<string, unknown> };
      };
      expect(document.components.securitySchemes['X-Api-Key']).toEqual(
        expect.objectContaining({ in: 'header', name: 'X-Api-Key' }),
      );
      expect(await (await fetch(`${service.url}/health`)).json()).toEqual({ status: 'ok', database: 'up' });
    });

    it('does not seed again, nor print a key, when restarted on the same database', async () => {
      await service.stop();
      service = await startService({ DATABASE_URL: database.url, DEMO_DATA: 'true' });
      expect(service.output()).not.toContain('Demo API key');
      expect(service.output()).not.toContain('Applied migrations');
    });
  });

  describe('with bad configuration', () => {
    it.each([
      [{ PORT: 'eighty' }, 'PORT must be an integer from 0 to 65535 (got "eighty")'],
      [{ PORT: '70000' }, 'PORT must be an integer from 0 to 65535 (got "70000")'],
      [{ DATABASE_URL: 'mysql://nope' }, 'DATABASE_URL must be a PostgreSQL URL'],
      [{ MIGRATE_ON_START: 'sometimes' }, 'MIGRATE_ON_START must be true or false (got "sometimes")'],
      [{ IDEMPOTENCY_TTL: 'forever' }, 'IDEMPOTENCY_TTL must be a duration'],
    ])('exits non-zero with one clear message for %j', (env, message) => {
      const result = runServiceExpectingFailure(env);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('Invalid configuration:');
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    });

    it('lists every bad variable at once', () => {
      const result = runServiceExpectingFailure({ PORT: 'x', DATABASE_POOL_SIZE: '0' });
      expect(result.stderr).toContain('PORT must be');
      expect(result.stderr).toContain('DATABASE_POOL_SIZE must be');
    });

    it('says so when the database cannot be reached', () => {
      const result = runServiceExpectingFailure({ DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none' });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('The allocator could not start');
    });
  });
});
