import { readdirSync } from 'node:fs';
import { MIGRATIONS_DIR } from './project-paths';
import { PrismaService } from './prisma.service';

/** The migrations this build brings (its prisma/migrations/ folders). */
const EXPECTED_MIGRATIONS = readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

export type DatabaseReadiness = { ready: true } | { ready: false; why: string };

/**
 * The database answers within `timeoutMs`, takes writes (a primary, not a standby: behind a balancer, a failover
 * may leave the service on the old primary for a moment), and has every migration of this build applied.
 */
export async function databaseReadiness(prisma: PrismaService, timeoutMs: number): Promise<DatabaseReadiness> {
  const applied = prisma.sql.rows<{ migration_name: string; standby: boolean }>(
    `SELECT m."migration_name", pg_is_in_recovery() AS standby FROM (SELECT 1) one LEFT JOIN "_prisma_migrations" m
       ON m."finished_at" IS NOT NULL AND m."rolled_back_at" IS NULL`,
  );
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref(),
  );
  try {
    const rows = await Promise.race([applied, timeout]);
    if (rows[0].standby) return { ready: false, why: 'database unavailable: it is a standby, it takes no writes' };
    const names = new Set(rows.map((r) => r.migration_name));
    const missing = EXPECTED_MIGRATIONS.filter((m) => !names.has(m));
    return missing.length ? { ready: false, why: `migrations not applied: ${missing.join(', ')}` } : { ready: true };
  } catch (error) {
    return { ready: false, why: `database unavailable: ${(error as Error).message.split('\n')[0]}` };
  }
}
