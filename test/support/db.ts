import { PrismaService } from '@app/database';
import { createTestDatabase, TestDatabase } from './test-database';

export interface DbFixture {
  db: TestDatabase;
  /** Prisma and plain SQL (`prisma.sql`) on the suite's own migrated database, without the application. */
  prisma: PrismaService;
  close(): Promise<void>;
}

/** A migrated database of the suite's own, for tests that talk to PostgreSQL directly (test/db). */
export async function openTestDatabase(): Promise<DbFixture> {
  const db = await createTestDatabase();
  const prisma = new PrismaService(db.url, 4);
  return {
    db,
    prisma,
    close: async () => {
      await prisma.$disconnect();
      await db.drop();
    },
  };
}
