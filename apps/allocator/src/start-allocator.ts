import { INestApplication, Logger, LogLevel } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { applyMigrations, EmbeddedDatabase, openDatabase } from '@app/database';
import { DemoSeeder } from '@app/inventory';
import { createApp } from './create-app';

export interface RunningAllocator {
  app: INestApplication;
  url: string;
  databaseUrl: string;
  /** The demo key's secret when this start seeded an empty database. */
  demoApiKey?: string;
  stop(): Promise<void>;
}

/** Database (configured or embedded), migrations, demo data, then HTTP. */
export async function startAllocator(config: AppConfig, logger: LogLevel[] | false = ['log', 'warn', 'error']): Promise<RunningAllocator> {
  const log = new Logger('Allocator');
  // The embedded server's own output is not the service's: it stays out of the log.
  const database: EmbeddedDatabase = await openDatabase(config, () => undefined);
  if (!config.databaseUrl) log.log(`Embedded PostgreSQL under ${config.dataDir}`);
  if (config.migrateOnStart) {
    const applied = await applyMigrations(database.url);
    if (applied.length) log.log(`Applied migrations: ${applied.join(', ')}`);
  }
  const app = await createApp(config, database.url, logger);
  const demo = config.seedDemoData ? await app.get(DemoSeeder).seedIfEmpty() : undefined;
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address() as { port: number };
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    databaseUrl: database.url,
    demoApiKey: demo?.apiKey,
    stop: async () => {
      await app.close();
      await database.stop();
    },
  };
}
