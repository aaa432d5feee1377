import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ALL_SCOPES, ApiKeyRepository, ApiKeyService, Scope } from '@app/auth';
import { AppConfig, loadConfig } from '@app/config';
import { PrismaService, PROJECT_ROOT } from '@app/database';
import { createApp } from '../../apps/allocator/src/create-app';
import { checkAgainstSpec } from './openapi-validator';
import { createTestDatabase, TestDatabase } from './test-database';

export interface TestApp {
  app: INestApplication;
  /** Where the app listens, when started with `listen`. */
  url: string;
  http: ReturnType<typeof request>;
  prisma: PrismaService;
  database: TestDatabase;
  /** A key with these scopes (all when none are named); returns its secret. */
  apiKey(...scopes: Scope[]): Promise<string>;
  close(): Promise<void>;
}

/**
 * The real allocator over HTTP (supertest) on a database of the suite's own. The event dispatcher
 * runs only where a suite turns it on (DISPATCHER=true): elsewhere nothing listens for events.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  options: { listen?: boolean } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  // Receivers of the tests listen on the loopback: the only hook targets a test app allows.
  const config: AppConfig = loadConfig(
    { DATABASE_URL: database.url, DISPATCHER: 'false', HOOK_ALLOWED_TARGETS: '127.0.0.1', ...env },
    PROJECT_ROOT,
  );
  const app = await createApp(config, database.url, process.env.TEST_LOGS ? ['error'] : false);
  if (options.listen) await app.listen(0, '127.0.0.1');
  else {
    await app.init();
    // Fastify takes requests once its plugins are loaded.
    await app.getHttpAdapter().getInstance().ready();
  }
  const prisma = new PrismaService(database.url, 4);
  const keys = new ApiKeyService(new ApiKeyRepository(prisma));
  const address = options.listen ? (app.getHttpServer().address() as { port: number }) : undefined;
  return {
    app,
    url: address ? `http://127.0.0.1:${address.port}` : '',
    http: checkedAgainstSpec(request(app.getHttpServer())),
    prisma,
    database,
    apiKey: async (...scopes) =>
      (await keys.create({ name: `test-${scopes.join('+') || 'all'}`, scopes: scopes.length ? scopes : ALL_SCOPES }))
        .secret,
    close: async () => {
      await app.close();
      await prisma.$disconnect();
      await database.drop();
    },
  };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Every answer a suite receives is checked against openapi.json: the spec and the service cannot drift. */
function checkedAgainstSpec(agent: ReturnType<typeof request>): ReturnType<typeof request> {
  return new Proxy(agent, {
    get(target, property, receiver) {
      const method = property as (typeof METHODS)[number];
      if (!METHODS.includes(method)) return Reflect.get(target, property, receiver);
      return (path: string) => target[method](path).expect((response) => checkAgainstSpec(method, path, response));
    },
  });
}
