import { Pool, QueryConfig, types } from 'pg';

/**
 * A statement of the hot path: prepared once per connection under its name, so that PostgreSQL
 * parses and plans it once instead of at every call.
 */
export interface Statement {
  name: string;
  text: string;
}

/** Where statements run: on the pool, each statement its own transaction. */
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

function config(statement: Statement | string, values: unknown[]): QueryConfig {
  return typeof statement === 'string'
    ? { text: statement, values, types: TYPES }
    : { ...statement, values, types: TYPES };
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
}
