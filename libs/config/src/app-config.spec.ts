import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  const load = (env: Record<string, string>) => loadConfig(env, '/srv/allocator');

  it('has defaults that start the embedded database with demo data', () => {
    expect(load({})).toEqual({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      databasePoolSize: 10,
      dataDir: '/srv/allocator/.data',
      databaseLimits: { connectTimeoutMs: 3000, queryTimeoutMs: 5000 },
      requestTimeoutSeconds: 15,
      drainTimeoutSeconds: 10,
      migrateOnStart: true,
      seedDemoData: true,
      defaultOnDemandLimit: 10,
      logLevel: 'log',
      logFormat: process.stdout.isTTY ? 'pretty' : 'json',
      metricsAuth: 'none',
      trustProxy: 'false',
      authFailureLimit: 20,
      bodyLimitBytes: 1_048_576,
      apiKeyCacheSeconds: 5,
      idempotencyTtlSeconds: 86_400,
      requireBaselineId: false,
      hookAllowedTargets: '127.0.0.1',
      delivery: {
        dispatcherEnabled: true,
        pollIntervalSeconds: 0.25,
        timeoutSeconds: 5,
        maxAttempts: 12,
        maxAgeSeconds: 86_400,
        retryBaseSeconds: 1,
        retryMaxSeconds: 600,
      },
      baselineTimeoutSeconds: 14_400,
      watchdogIntervalSeconds: 60,
      destructiveLimit: 0,
      baselineMaxInFlight: 200,
      baselinePaceIntervalSeconds: 1,
      metalworksSim: { enabled: true, delaySeconds: 3, failRate: 0.1 },
    });
  });

  it('does not load demo data into a configured database unless asked', () => {
    expect(load({ DATABASE_URL: 'postgresql://u:p@db:5432/allocator' }).seedDemoData).toBe(false);
    expect(load({ DATABASE_URL: 'postgresql://u:p@db:5432/allocator' }).metalworksSim.enabled).toBe(false);
    expect(load({ DATABASE_URL: 'postgres://db/allocator', DEMO_DATA: 'yes' }).seedDemoData).toBe(true);
  });

  it('keeps /metrics behind a key outside the embedded demo, unless told', () => {
    const deployed = { DATABASE_URL: 'postgresql://allocator@db.internal:5432/allocator' };
    expect(load(deployed).metricsAuth).toBe('key');
    expect(load({ ...deployed, METRICS_AUTH: 'none' }).metricsAuth).toBe('none');
    expect(load({}).metricsAuth).toBe('none');
  });

  it('reads every variable', () => {
    expect(
      load({
        PORT: '8080',
        MIGRATE_ON_START: 'false',
        ON_DEMAND_DEFAULT_LIMIT: '3',
        IDEMPOTENCY_TTL: '2h',
        DATA_DIR: '/var/lib/bm',
      }),
    ).toMatchObject({
      port: 8080,
      migrateOnStart: false,
      defaultOnDemandLimit: 3,
      idempotencyTtlSeconds: 7200,
      dataDir: '/var/lib/bm',
    });
  });

  it('lists every bad variable in one error', () => {
    try {
      load({ PORT: '-1', DATABASE_URL: 'http://db', DEMO_DATA: 'maybe', IDEMPOTENCY_TTL: '0h' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([
        'DATABASE_URL must be a PostgreSQL URL such as postgresql://user:password@host:5432/database',
        'PORT must be an integer from 0 to 65535 (got "-1")',
        'DEMO_DATA must be true or false (got "maybe")',
        'IDEMPOTENCY_TTL must be a duration such as 30s, 15m, 24h or 7d (got "0h")',
      ]);
    }
  });
});
