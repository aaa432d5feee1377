import { existsSync } from 'node:fs';
import { appendFile, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MIGRATIONS_DIR } from '../project-paths';
import { sha256 } from './sql-sources';

/**
 * The checksum of every migration as it was written (`sha256sum -c` reads it), so that a test fails when
 * a migration is edited after the fact: a database that applied it never sees the edit.
 */
export const CHECKSUMS_FILE = join(MIGRATIONS_DIR, 'migration_checksums.sha256');

export async function migrationFolders(): Promise<string[]> {
  if (!existsSync(MIGRATIONS_DIR)) return [];
  return (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** Each migration's checksum now, by folder. */
export async function currentChecksums(): Promise<Map<string, string>> {
  const folders = await migrationFolders();
  const sums = await Promise.all(
    folders.map(async (f) => sha256(await readFile(join(MIGRATIONS_DIR, f, 'migration.sql'), 'utf8'))),
  );
  return new Map(folders.map((f, i) => [f, sums[i]]));
}

/** Each migration's checksum as recorded when it was written, by folder. */
export async function recordedChecksums(): Promise<Map<string, string>> {
  if (!existsSync(CHECKSUMS_FILE)) return new Map();
  const lines = (await readFile(CHECKSUMS_FILE, 'utf8')).split('\n').filter(Boolean);
  return new Map(lines.map((line) => line.split(/\s+/)).map(([sum, path]) => [path.split('/')[0], sum]));
}

export async function recordChecksum(folder: string): Promise<void> {
  const sum = sha256(await readFile(join(MIGRATIONS_DIR, folder, 'migration.sql'), 'utf8'));
  await appendFile(CHECKSUMS_FILE, `${sum}  ${folder}/migration.sql\n`);
}
