import { Pool, PoolClient, QueryConfig, types } from 'pg';

/**
 * A statement of the hot path: prepared once per connection under its name, so that PostgreSQL
 * parses and plans it once instead of at every call.
 */
export interface Statement {
  name: string;
  text: string;
}

/** Where statements run: the pool (each statement its own transaction) or one transaction. */
export interface Sql {
  rows<T>(statement: Statement | string, values?: unknown[]): Promise<T[]>;
}

// Prisma stores DateTime as UTC wall time in `timestamp` columns (oid 1114): read them back as UTC.
const TIMESTAMP_OID = 1114;
const parseUtcTimestamp = (value: string) => new Date(`${value.replace(' ', 'T')}Z`);
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMP_OID ? parseUtcTimestamp : types.getTypeParser(oid, format)) as typeof types.getTypeParser,
};

const ATTEMPTS = 3;

/** Deadlock or serialization failure: PostgreSQL rolled the transaction back and it can simply run again. */
function isRetryable(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === '40P01' || code === '40001';
}

function config(statement: Statement | string, values: unknown[]): QueryConfig {
  return typeof statement === 'string'
    ? { text: statement, values, types: TYPES }
    : { ...statement, values, types: TYPES };
}

class ClientSql implements Sql {
  constructor(private readonly client: PoolClient) {}

  async rows<T>(statement: Statement | string, values: unknown[] = []): Promise<T[]> {
    return (await this.client.query(config(statement, values))).rows as T[];
  }
}

/**
 * Plain `pg` on the pool Prisma uses too: the allocation engine's statements and the API-key lookup
 * run here, where a query costs a quarter of the CPU it costs through Prisma's client (measured in
 * bench/allocation.js's profile); everything else stays with Prisma.
 */
export class SqlPool implements Sql {
  constructor(private readonly pool: Pool) {}

  async rows<T>(statement: Statement | string, values: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(config(statement, values))).rows as T[];
  }

  /** Runs `work` in one READ COMMITTED transaction, again after a deadlock or serialization failure. */
  async transaction<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await work(new ClientSql(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackFailed: Error) => (broken = rollbackFailed));
        if (attempt >= ATTEMPTS || !isRetryable(error)) throw error;
      } finally {
        // A connection that cannot even roll back is closed rather than handed to the next caller.
        client.release(broken);
      }
    }
  }
}
