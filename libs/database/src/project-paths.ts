import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root, found from this file whether it runs from sources or from dist/. */
function findProjectRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'prisma', 'schema.prisma'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`prisma/schema.prisma not found above ${start}`);
    dir = parent;
  }
  return dir;
}

export const PROJECT_ROOT = findProjectRoot(__dirname);
export const SCHEMA_FILE = join(PROJECT_ROOT, 'prisma', 'schema.prisma');
export const MIGRATIONS_DIR = join(PROJECT_ROOT, 'prisma', 'migrations');
