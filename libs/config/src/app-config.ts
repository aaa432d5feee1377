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
  dataDir: string;
  migrateOnStart: boolean;
  /** Load the demo inventory and a demo API key into an empty database. */
  seedDemoData: boolean;
  /** On-demand servers a client may hold when its own limit is not set. */
  defaultOnDemandLimit: number;
  /** How long an allocate `Idempotency-Key` is remembered. */
  idempotencyTtlSeconds: number;
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
    if (seconds === undefined) this.problems.push(`${name} must be a duration such as 30s, 15m, 24h or 7d (got "${raw}")`);
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
    host: read.string('HOST', '0.0.0.0'),
    databaseUrl,
    databasePoolSize: read.integer('DATABASE_POOL_SIZE', 10, 1, 200),
    dataDir: resolve(projectRoot, read.string('DATA_DIR', '.data')),
    migrateOnStart: read.boolean('MIGRATE_ON_START', true),
    seedDemoData: read.boolean('DEMO_DATA', embedded),
    defaultOnDemandLimit: read.integer('ON_DEMAND_DEFAULT_LIMIT', 10, 0, 1_000_000),
    idempotencyTtlSeconds: read.duration('IDEMPOTENCY_TTL', '24h'),
  };
  if (read.problems.length) throw new ConfigError(read.problems);
  return config;
}
