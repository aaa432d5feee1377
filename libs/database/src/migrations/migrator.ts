import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MIGRATIONS_DIR, SCHEMA_FILE } from '../project-paths';
import { migrationFolders } from './migration-checksums';
import { EngineLog, withSchemaEngine } from './schema-engine';

const LOCKFILE = 'migration_lock.toml';
const NO_FILTERS = { externalTables: [], externalEnums: [] };

async function readMigrationsList() {
  const folders = await migrationFolders();
  const migrationDirectories = await Promise.all(
    folders.map(async (folder) => ({
      path: folder,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok' as const, value: await readFile(join(MIGRATIONS_DIR, folder, 'migration.sql'), 'utf8') },
      },
    })),
  );
  const lockfilePath = join(MIGRATIONS_DIR, LOCKFILE);
  const lockfile = { path: LOCKFILE, content: existsSync(lockfilePath) ? await readFile(lockfilePath, 'utf8') : null };
  return { baseDir: MIGRATIONS_DIR, lockfile, shadowDbInitScript: '', migrationDirectories };
}

/**
 * Applies the folders of prisma/migrations/ that the database has not seen, recording them in
 * `_prisma_migrations` exactly as `prisma migrate deploy` does (the two are interchangeable).
 */
export async function applyMigrations(databaseUrl: string, log: EngineLog = () => undefined): Promise<string[]> {
  const migrationsList = await readMigrationsList();
  return withSchemaEngine(SCHEMA_FILE, await readFile(SCHEMA_FILE, 'utf8'), databaseUrl, log, async (engine) => {
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
    return appliedMigrationNames;
  });
}

/**
 * The SQL that turns a database of schema `from` (null: an empty database) into one of schema `to`.
 * The engine connects when it opens, but a datamodel-to-datamodel diff neither reads nor writes the database.
 */
export async function diffSchemas(from: string | null, to: string, databaseUrl: string): Promise<string> {
  const datamodel = (content: string) => ({ tag: 'schemaDatamodel' as const, files: [{ path: SCHEMA_FILE, content }] });
  return withSchemaEngine(
    SCHEMA_FILE,
    to,
    databaseUrl,
    () => undefined,
    async (engine) => {
      const result = await engine.diff({
        from: from === null ? { tag: 'empty' } : datamodel(from),
        to: datamodel(to),
        script: true,
        exitCode: null,
        filters: NO_FILTERS,
      });
      return result.stdout ?? '';
    },
  );
}
