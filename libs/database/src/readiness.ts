import { readdirSync } from 'node:fs';
import { MIGRATIONS_DIR } from './project-paths';
import { PrismaService } from './prisma.service';

/** The migrations this build brings (its prisma/migrations/ folders). */
const EXPECTED_MIGRATIONS = readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

export type DatabaseReadiness = { ready: true } | { ready: false; why: string };

/** The database answers within `timeoutMs`, and has every migration of this build applied. */
export async function databaseReadiness(prisma: PrismaService, timeoutMs: number): Promise<DatabaseReadiness> {
  const applied = prisma.sql.rows<{ migration_name: string }>(
    'SELECT "migration_name" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL',
  );
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref(),
  );
  try {
    const names = new Set((await Promise.race([applied, timeout])).map((r) => r.migration_name));
    const missing = EXPECTED_MIGRATIONS.filter((m) => !names.has(m));
    return missing.length ? { ready: false, why: `migrations not applied: ${missing.join(', ')}` } : { ready: true };
  } catch (error) {
    return { ready: false, why: `database unavailable: ${(error as Error).message.split('\n')[0]}` };
  }
}
