import { OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { DatabaseOutage } from './database-outage';
import { PrismaClient } from './generated/prisma/client';
import { SqlPool } from './sql-pool';

/** How long anything may wait on the database: a request never waits longer, whatever the database does. */
export interface DatabaseLimits {
  /** Getting a connection from the pool, connecting included. */
  connectTimeoutMs: number;
  /** One statement: cancelled by the server after it, and given up by the client (a frozen server answers nothing). */
  queryTimeoutMs: number;
}

export const DEFAULT_DATABASE_LIMITS: DatabaseLimits = { connectTimeoutMs: 3000, queryTimeoutMs: 5000 };

/** Resolves when the database takes writes: a primary, not a standby (after a failover the old primary may answer). */
async function writablePrimary(pool: Pool): Promise<void> {
  const { rows } = await pool.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby');
  if (rows[0].standby) throw new Error('the database is a standby: it takes no writes');
}

/**
 * The only way into PostgreSQL: repositories take it (or a transaction client of it). Built by DatabaseModule.
 * `sql` runs plain statements on the same connections, for the hot path (see SqlPool).
 */
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  readonly sql: SqlPool;
  readonly outage: DatabaseOutage;
  private readonly pool: Pool;

  constructor(databaseUrl: string, poolSize = 10, limits: DatabaseLimits = DEFAULT_DATABASE_LIMITS) {
    const pool = new Pool({
      connectionString: databaseUrl,
      max: poolSize,
      connectionTimeoutMillis: limits.connectTimeoutMs,
      query_timeout: limits.queryTimeoutMs,
      // A database host that dies without a word is noticed on idle connections too.
      keepAlive: true,
      keepAliveInitialDelayMillis: limits.connectTimeoutMs,
      // Sessions in UTC, so that now() in SQL writes the same UTC wall time Prisma writes; statements and
      // transactions left idle are ended by the server too.
      options: `-c TimeZone=UTC -c statement_timeout=${limits.queryTimeoutMs} -c idle_in_transaction_session_timeout=${limits.queryTimeoutMs * 6}`,
    });
    // A connection that breaks while idle in the pool is dropped by pg; it must not crash the process.
    pool.on('error', () => undefined);
    super({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
    this.pool = pool;
    this.sql = new SqlPool(pool);
    this.outage = new DatabaseOutage(() => writablePrimary(pool));
  }

  /** Connections of the pool now: in use, idle, and callers waiting for one. */
  poolStats(): { inUse: number; idle: number; waiting: number } {
    return {
      inUse: this.pool.totalCount - this.pool.idleCount,
      idle: this.pool.idleCount,
      waiting: this.pool.waitingCount,
    };
  }

  /** Closes Prisma and the pool with it (Prisma ends the pool only if it ever connected). */
  override async $disconnect(): Promise<void> {
    this.outage.stop();
    await super.$disconnect();
    if (!this.pool.ended) await this.pool.end();
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
