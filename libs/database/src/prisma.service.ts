import { OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { PrismaClient } from './generated/prisma/client';
import { SqlPool } from './sql-pool';

/**
 * The only way into PostgreSQL: repositories take it (or a transaction client of it). Built by DatabaseModule.
 * `sql` runs plain statements on the same connections, for the hot path (see SqlPool).
 */
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  readonly sql: SqlPool;
  private readonly pool: Pool;

  constructor(databaseUrl: string, poolSize = 10) {
    // Sessions in UTC, so that now() in SQL writes the same UTC wall time Prisma writes.
    const pool = new Pool({ connectionString: databaseUrl, max: poolSize, options: '-c TimeZone=UTC' });
    super({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
    this.pool = pool;
    this.sql = new SqlPool(pool);
  }

  /** Closes Prisma and the pool with it (Prisma ends the pool only if it ever connected). */
  override async $disconnect(): Promise<void> {
    await super.$disconnect();
    if (!this.pool.ended) await this.pool.end();
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
