import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ALL_SCOPES, ApiKeyRepository, ApiKeyService, Scope } from '@app/auth';
import { AppConfig, loadConfig } from '@app/config';
import { PrismaService, PROJECT_ROOT } from '@app/database';
import { createApp } from '../../apps/allocator/src/create-app';
import { createTestDatabase, TestDatabase } from './test-database';

export interface TestApp {
  app: INestApplication;
  http: ReturnType<typeof request>;
  prisma: PrismaService;
  database: TestDatabase;
  /** A key with these scopes (all when none are named); returns its secret. */
  apiKey(...scopes: Scope[]): Promise<string>;
  close(): Promise<void>;
}

/** The real allocator over HTTP (supertest) on a database of the suite's own. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config: AppConfig = loadConfig({ DATABASE_URL: database.url, ...env }, PROJECT_ROOT);
  const app = await createApp(config, database.url, process.env.TEST_LOGS ? ['error'] : false);
  await app.init();
  const prisma = new PrismaService(database.url, 4);
  const keys = new ApiKeyService(new ApiKeyRepository(prisma));
  return {
    app,
    http: request(app.getHttpServer()),
    prisma,
    database,
    apiKey: async (...scopes) => (await keys.create({ name: `test-${scopes.join('+') || 'all'}`, scopes: scopes.length ? scopes : ALL_SCOPES })).secret,
    close: async () => {
      await app.close();
      await prisma.$disconnect();
      await database.drop();
    },
  };
}
