import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrismaService } from '@app/database';
import { AdminResult, runAdmin } from './processes';

export const EXAMPLE_INVENTORY = join(__dirname, '..', '..', 'examples', 'inventory.example.json');

/** The admin command line on any database; throws with its output when it fails. */
export function runAdminOn(databaseUrl: string, args: string[]): AdminResult {
  const result = runAdmin(databaseUrl, args);
  if (result.status !== 0) throw new Error(`admin ${args.join(' ')} failed:\n${result.stderr}`);
  return result;
}
import { createTestDatabase, TestDatabase } from './test-database';

export interface AdminTestbed {
  /** Runs the built admin command line on the suite's database. */
  admin(...args: string[]): AdminResult;
  /** Runs it with --json and parses stdout. */
  json(...args: string[]): any; // eslint-disable-line @typescript-eslint/no-explicit-any
  prisma: PrismaService;
  /** A scratch folder for files. */
  dir: string;
}

/** A database of the suite's own and the admin command line on it, set up before the suite and dropped after. */
export function adminTestbed(): AdminTestbed {
  let database: TestDatabase;
  const bed = {
    admin: (...args: string[]) => runAdmin(database.url, args),
    json: (...args: string[]) => JSON.parse(runAdmin(database.url, ['--json', ...args]).stdout),
  } as AdminTestbed;
  beforeAll(async () => {
    database = await createTestDatabase();
    bed.prisma = new PrismaService(database.url, 2);
    bed.dir = mkdtempSync(join(tmpdir(), 'bm-admin-'));
  });
  afterAll(async () => {
    await bed.prisma.$disconnect();
    await database.drop();
    rmSync(bed.dir, { recursive: true, force: true });
  });
  return bed;
}
