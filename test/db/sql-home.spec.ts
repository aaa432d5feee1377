import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { MIGRATIONS_DIR } from '@app/database';
import {
  currentChecksums,
  migrationFolders,
  recordedChecksums,
} from '../../libs/database/src/migrations/migration-checksums';
import { readSqlSources, sqlSourcesScript } from '../../libs/database/src/migrations/sql-sources';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/** Every function, trigger and view of the public schema, as PostgreSQL prints it back. */
async function databaseCode(url: string): Promise<Record<string, string>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; definition: string }>(`
      SELECT 'function ' || p.oid::regprocedure::text AS name, pg_get_functiondef(p.oid) AS definition
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
      UNION ALL SELECT 'trigger ' || t.tgname || ' on ' || t.tgrelid::regclass::text, pg_get_triggerdef(t.oid)
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND NOT t.tgisinternal
      UNION ALL SELECT 'view ' || viewname, definition FROM pg_views WHERE schemaname = 'public'`);
    return Object.fromEntries(rows.map((r) => [r.name, r.definition]));
  } finally {
    await client.end();
  }
}

/** Runs SQL on a database of the suite's. */
async function run(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query(sql).finally(() => client.end());
}

describe('the database code has one home: prisma/sql/', () => {
  let migrated: TestDatabase;
  let fromSources: TestDatabase;

  beforeAll(async () => {
    [migrated, fromSources] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  });
  afterAll(async () => {
    await Promise.all([migrated?.drop(), fromSources?.drop()]);
  });

  it('gives the database, through the migrations, exactly the functions, triggers and views prisma/sql/ defines', async () => {
    // The same database with its code dropped and defined anew from prisma/sql/ alone.
    await run(
      fromSources.url,
      `DO $$ DECLARE f regprocedure; v text; BEGIN
        FOR v IN SELECT format('%I', viewname) FROM pg_views WHERE schemaname = 'public' LOOP
          EXECUTE 'DROP VIEW ' || v || ' CASCADE';
        END LOOP;
        FOR f IN SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' LOOP
          EXECUTE 'DROP FUNCTION ' || f::text || ' CASCADE';
        END LOOP;
      END $$`,
    );
    expect(Object.keys(await databaseCode(fromSources.url))).toEqual([]);
    await run(fromSources.url, sqlSourcesScript(await readSqlSources()));

    const [expected, actual] = await Promise.all([databaseCode(fromSources.url), databaseCode(migrated.url)]);
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
    for (const name of Object.keys(expected))
      expect({ name, definition: actual[name] }).toEqual({ name, definition: expected[name] });
  });

  it('has a migration for every change to prisma/sql/ (npm run db:migration -- <name> writes it)', async () => {
    const folders = await migrationFolders();
    const snapshot = JSON.parse(readFileSync(join(MIGRATIONS_DIR, folders.at(-1)!, 'sql.snapshot.json'), 'utf8'));
    const sources = Object.fromEntries((await readSqlSources()).map((s) => [s.file, s.checksum]));
    expect(sources).toEqual(snapshot);
  });

  it('never edits a migration once written: each one keeps the checksum recorded when it was written', async () => {
    const [current, recorded] = await Promise.all([currentChecksums(), recordedChecksums()]);
    expect([...recorded.keys()]).toEqual([...current.keys()]);
    for (const [folder, sum] of current) expect({ folder, sum }).toEqual({ folder, sum: recorded.get(folder) });
  });
});
