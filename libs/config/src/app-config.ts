import { resolve } from 'node:path';
import { parseDurationSeconds } from './duration';

/** Everything the service reads from its environment, validated once at start. */
export class AppConfig {
  /** HTTP port of the allocator. */
  port: number;
  host: string;
  /** PostgreSQL to use; undefined starts the embedded one under `dataDir`. */
  databaseUrl?: string;
  databasePoolSize: number;
  /** How long anything may wait on the database. */
  databaseLimits: { connectTimeoutMs: number; queryTimeoutMs: number };
  /** No request takes longer: then it is answered 503. */
  requestTimeoutSeconds: number;
  /** On SIGTERM, how long requests and deliveries in flight may take to finish. */
  drainTimeoutSeconds: number;
  dataDir: string;
  migrateOnStart: boolean;
  /** Load the demo inventory and a demo API key into an empty database. */
  seedDemoData: boolean;
  /** On-demand servers a client may hold when its own limit is not set. */
  defaultOnDemandLimit: number;
  /** Lowest level written: fatal, error, warn, log, debug, verbose. */
  logLevel: 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  /** JSON lines (machines), or pretty (people at a terminal). */
  logFormat: 'json' | 'pretty';
  /** GET /metrics: open (`none`, the embedded demo's default), or only with an API key carrying metrics:read (`key`, elsewhere). */
  metricsAuth: 'none' | 'key';
  /** Proxies whose X-Forwarded-For is believed (Fastify's `trustProxy`): `false`, `true`, or addresses / CIDRs / loopback, uniquelocal. */
  trustProxy: string;
  /** Failed authentications one address may make per minute before it is answered 429. */
  authFailureLimit: number;
  /** Largest request body accepted, in bytes. */
  bodyLimitBytes: number;
  /** How long a verified API key is taken on trust before it is looked up again (0: every request). */
  apiKeyCacheSeconds: number;
  /** available must name the Back to Baseline run that succeeded (`baselineId`). */
  requireBaselineId: boolean;
  /** How long an allocate `Idempotency-Key` is remembered. */
  idempotencyTtlSeconds: number;
  /** Where hooks may send events: hostnames and CIDR ranges, comma-separated. */
  hookAllowedTargets: string;
  delivery: DeliveryConfig;
  /** A server in Back to Baseline longer than this is isolated with subState baselineTimeout. */
  baselineTimeoutSeconds: number;
  watchdogIntervalSeconds: number;
  /** Allocations one API key may end per minute (de-allocate, compensate, isolate, replace); 0: no limit. */
  destructiveLimit: number;
  /** Back to Baseline runs under way at once per location; beyond it they wait, oldest first. */
  baselineMaxInFlight: number;
  /** How often waiting runs are dispatched when a slot frees. */
  baselinePaceIntervalSeconds: number;
  metalworksSim: MetalworksSimConfig;
}

export interface DeliveryConfig {
  /** Run the event dispatcher in this process. */
  dispatcherEnabled: boolean;
  pollIntervalSeconds: number;
  /** A receiver that has not answered by then is cut off (and retried). */
  timeoutSeconds: number;
  maxAttempts: number;
  maxAgeSeconds: number;
  retryBaseSeconds: number;
  retryMaxSeconds: number;
}

export interface MetalworksSimConfig {
  /** Run the MetalWorks simulator beside the allocator (default: in embedded demo mode only). */
  enabled: boolean;
  delaySeconds: number;
  /** Fraction of baselines that fail, 0 to 1. */
  failRate: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Record<string, string | undefined>;

class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.env[name]?.trim().toLowerCase();
    if (raw === undefined || raw === '') return fallback;
    if (['true', '1', 'yes'].includes(raw)) return true;
    if (['false', '0', 'no'].includes(raw)) return false;
    this.problems.push(`${name} must be true or false (got "${this.env[name]}")`);
    return fallback;
  }

  duration(name: string, fallback: string): number {
    const raw = this.env[name] || fallback;
    const seconds = parseDurationSeconds(raw);
    if (seconds === undefined)
      this.problems.push(`${name} must be a duration such as 30s, 15m, 24h or 7d (got "${raw}")`);
    return seconds ?? 0;
  }

  postgresUrl(name: string): string | undefined {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return undefined;
    try {
      const url = new URL(raw);
      if (url.protocol === 'postgresql:' || url.protocol === 'postgres:') {
        if (url.hostname && url.pathname.length > 1) return raw;
      }
    } catch {
      // reported below
    }
    this.problems.push(`${name} must be a PostgreSQL URL such as postgresql://user:password@host:5432/database`);
    return undefined;
  }

  fraction(name: string, fallback: number): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0 || value > 1) {
      this.problems.push(`${name} must be a number from 0 to 1 (got "${raw}")`);
      return fallback;
    }
    return value;
  }

  oneOf<T extends string>(name: string, values: readonly T[], fallback: T): T {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if ((values as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(`${name} must be one of ${values.join(', ')} (got "${raw}")`);
    return fallback;
  }

  string(name: string, fallback: string): string {
    return this.env[name] || fallback;
  }
}

/** Reads and validates the environment; throws a ConfigError listing every bad variable. */
export function loadConfig(env: Env, projectRoot: string): AppConfig {
  const read = new EnvReader(env);
  const databaseUrl = read.postgresUrl('DATABASE_URL');
  const embedded = env.DATABASE_URL === undefined || env.DATABASE_URL === '';
  const config: AppConfig = {
    port: read.integer('PORT', 3000, 0, 65535),
    // The embedded demo keeps to this machine; a deployed service (DATABASE_URL) serves its network.
    host: read.string('HOST', embedded ? '127.0.0.1' : '0.0.0.0'),
    databaseUrl,
    databasePoolSize: read.integer('DATABASE_POOL_SIZE', 10, 1, 200),
    databaseLimits: {
      connectTimeoutMs: read.duration('DATABASE_CONNECT_TIMEOUT', '3s') * 1000,
      queryTimeoutMs: read.duration('DATABASE_QUERY_TIMEOUT', '5s') * 1000,
    },
    requestTimeoutSeconds: read.duration('REQUEST_TIMEOUT', '15s'),
    drainTimeoutSeconds: read.duration('DRAIN_TIMEOUT', '10s'),
    dataDir: resolve(projectRoot, read.string('DATA_DIR', '.data')),
    migrateOnStart: read.boolean('MIGRATE_ON_START', true),
    seedDemoData: read.boolean('DEMO_DATA', embedded),
    defaultOnDemandLimit: read.integer('ON_DEMAND_DEFAULT_LIMIT', 10, 0, 1_000_000),
    logLevel: read.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const, 'log'),
    logFormat: read.oneOf('LOG_FORMAT', ['json', 'pretty'] as const, process.stdout.isTTY ? 'pretty' : 'json'),
    // A deployed service keeps its figures to those with a key; the demo on 127.0.0.1 shows them to anyone.
    metricsAuth: read.oneOf('METRICS_AUTH', ['none', 'key'] as const, embedded ? 'none' : 'key'),
    trustProxy: read.string('TRUST_PROXY', 'false'),
    authFailureLimit: read.integer('AUTH_FAILURE_LIMIT', 20, 1, 1_000_000),
    bodyLimitBytes: read.integer('BODY_LIMIT_BYTES', 1_048_576, 1024, 104_857_600),
    apiKeyCacheSeconds: env.API_KEY_CACHE_TTL?.trim() === '0' ? 0 : read.duration('API_KEY_CACHE_TTL', '5s'),
    idempotencyTtlSeconds: read.duration('IDEMPOTENCY_TTL', '24h'),
    requireBaselineId: read.boolean('REQUIRE_BASELINE_ID', false),
    // The embedded demo allows what its MetalWorks simulator needs; elsewhere the operator says.
    hookAllowedTargets: env.HOOK_ALLOWED_TARGETS ?? (embedded ? '127.0.0.1' : ''),
    delivery: {
      dispatcherEnabled: read.boolean('DISPATCHER', true),
      pollIntervalSeconds: read.duration('DISPATCH_INTERVAL', '250ms'),
      timeoutSeconds: read.duration('DELIVERY_TIMEOUT', '5s'),
      maxAttempts: read.integer('DELIVERY_MAX_ATTEMPTS', 12, 1, 1000),
      maxAgeSeconds: read.duration('DELIVERY_MAX_AGE', '24h'),
      retryBaseSeconds: read.duration('DELIVERY_RETRY_BASE', '1s'),
      retryMaxSeconds: read.duration('DELIVERY_RETRY_MAX', '10m'),
    },
    baselineTimeoutSeconds: read.duration('BASELINE_TIMEOUT', '4h'),
    watchdogIntervalSeconds: read.duration('WATCHDOG_INTERVAL', '1m'),
    destructiveLimit: read.integer('DESTRUCTIVE_LIMIT', 0, 0, 1_000_000),
    baselineMaxInFlight: read.integer('BASELINE_MAX_IN_FLIGHT', 200, 1, 1_000_000),
    baselinePaceIntervalSeconds: read.duration('BASELINE_PACE_INTERVAL', '1s'),
    metalworksSim: {
      enabled: read.boolean('METALWORKS_SIM', embedded),
      delaySeconds: read.duration('METALWORKS_SIM_DELAY', '3s'),
      failRate: read.fraction('METALWORKS_SIM_FAIL_RATE', 0.1),
    },
  };
  if (read.problems.length) throw new ConfigError(read.problems);
  return config;
}
