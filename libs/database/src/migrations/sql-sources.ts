import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../project-paths';

/** The one home of the database's functions, triggers and views: one concern per file, `CREATE OR REPLACE`. */
export const SQL_DIR = join(PROJECT_ROOT, 'prisma', 'sql');

export interface SqlSource {
  /** The file's name in prisma/sql/. */
  file: string;
  text: string;
  checksum: string;
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Every file of prisma/sql/, in name order. */
export async function readSqlSources(): Promise<SqlSource[]> {
  const files = (await readdir(SQL_DIR)).filter((f) => f.endsWith('.sql')).sort();
  return Promise.all(
    files.map(async (file) => {
      const text = await readFile(join(SQL_DIR, file), 'utf8');
      return { file, text, checksum: sha256(text) };
    }),
  );
}

/**
 * The SQL that (re)defines the given sources. Function bodies are checked when they run, not when they are
 * created, so that the files apply in any order (a function may call one of a file that sorts after it).
 */
export function sqlSourcesScript(sources: SqlSource[]): string {
  const parts = sources.map((s) => `-- prisma/sql/${s.file}\n${s.text.trimEnd()}\n`);
  return ['SET check_function_bodies = off;\n', ...parts, 'RESET check_function_bodies;\n'].join('\n');
}
