import { INestApplication, Logger, LogLevel } from '@nestjs/common';
import { levelsFrom } from '@app/api-kit';
import { AppConfig } from '@app/config';
import { applyMigrations, EmbeddedDatabase, openDatabase, PrismaService } from '@app/database';
import { ApiKeyService } from '@app/auth';
import { DemoSeeder } from '@app/inventory';
import { MetalworksSim, startMetalworksSim } from '../../metalworks-sim/src/metalworks-sim';
import { createApp } from './create-app';
import { drainHttp } from './drain';
import { Draining } from './health/draining';

export interface RunningAllocator {
  app: INestApplication;
  /** Where to reach it from this machine. */
  url: string;
  /** The address it listens on, as bound. */
  boundTo: string;
  databaseUrl: string;
  /** The demo key's secret when this start seeded an empty database. */
  demoApiKey?: string;
  /** The MetalWorks simulator, when it runs beside the allocator. */
  metalworksSim?: MetalworksSim;
  stop(): Promise<void>;
}

/** Database (configured or embedded), migrations, demo data, then HTTP. */
export async function startAllocator(
  config: AppConfig,
  logger: LogLevel[] | false = levelsFrom(config.logLevel),
): Promise<RunningAllocator> {
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
  const address = app.getHttpServer().address() as { address: string; port: number };
  const local = ['0.0.0.0', '::'].includes(address.address)
    ? '127.0.0.1'
    : address.address.includes(':')
      ? `[${address.address}]`
      : address.address;
  const url = `http://${local}:${address.port}`;
  const metalworksSim = config.metalworksSim.enabled ? await startSimulator(app, url, config) : undefined;
  return {
    app,
    url,
    boundTo: address.address,
    databaseUrl: database.url,
    demoApiKey: demo?.apiKey,
    metalworksSim,
    /**
     * Graceful: readiness turns 503, no new connections, requests and deliveries in flight finish (within
     * DRAIN_TIMEOUT), then the database connections close, then (embedded) PostgreSQL stops.
     */
    stop: async () => {
      app.get(Draining).start();
      await metalworksSim?.stop();
      await drainHttp(app.getHttpServer(), config.drainTimeoutSeconds * 1000);
      await app.close();
      await database.stop();
    },
  };
}

const SIMULATOR = 'metalworks-sim';

/** Whether anything answers HTTP where the hook points (any status will do), within a second. */
async function answers(url: string): Promise<boolean> {
  return fetch(new URL(url).origin, { signal: AbortSignal.timeout(1000) }).then(
    () => true,
    () => false,
  );
}

/**
 * The simulator closes the Back to Baseline loop in demo mode, with a key of its own renewed at each start.
 * One simulator serves every instance on one database: when the registered one answers, another live
 * instance runs it, and it is left alone (its hook and key keep working).
 */
async function startSimulator(
  app: INestApplication,
  allocatorUrl: string,
  config: AppConfig,
): Promise<MetalworksSim | undefined> {
  const running = await app.get(PrismaService).hook.findUnique({ where: { name: SIMULATOR } });
  if (running && (await answers(running.url))) {
    new Logger('MetalworksSim').log(
      `The MetalWorks simulator of another instance (${running.url}) serves this one too`,
    );
    return undefined;
  }
  const { secret } = await app
    .get(ApiKeyService)
    .renew({ name: SIMULATOR, scopes: ['admin', 'server:available', 'server:isolate'] });
  const log = new Logger('MetalworksSim');
  return startMetalworksSim({
    allocatorUrl,
    apiKey: secret,
    delaySeconds: config.metalworksSim.delaySeconds,
    failRate: config.metalworksSim.failRate,
    log: (m) => log.log(m),
  });
}
