import { Logger } from '@nestjs/common';
import { levelsFrom, ServiceLogger } from '@app/api-kit';
import { ALL_SCOPES } from '@app/auth';
import { ConfigError, loadConfig } from '@app/config';
import { PROJECT_ROOT } from '@app/database';
import { CONSOLE_PATH, DOCS_PATH } from './create-app';
import { startAllocator } from './start-allocator';

async function main(): Promise<void> {
  const config = loadConfig(process.env, PROJECT_ROOT);
  // From the first line on, before Nest's own logger is set up.
  Logger.overrideLogger(new ServiceLogger(levelsFrom(config.logLevel), config.logFormat === 'json'));
  const allocator = await startAllocator(config);
  const log = new Logger('Allocator');
  if (allocator.demoApiKey) {
    log.log(`Demo data loaded. Demo API key (every scope), shown once: ${allocator.demoApiKey}`);
    log.log(`Try: curl -H 'X-Api-Key: ${allocator.demoApiKey}' ${allocator.url}/api/servers`);
  } else if (config.seedDemoData) {
    log.log(
      `The demo data was loaded before; its key was shown then. A new key: npm run admin -- api-key create --name me --scopes ${ALL_SCOPES.join(',')}`,
    );
  }
  const bound =
    allocator.boundTo === '0.0.0.0' || allocator.boundTo === '::' ? ` (every interface, ${allocator.boundTo})` : '';
  log.log(
    `Listening on ${allocator.url}${bound}; staff console at ${allocator.url}/${CONSOLE_PATH}/, Swagger UI at ${allocator.url}/${DOCS_PATH}`,
  );
  // The embedded PostgreSQL is a child process: stop it cleanly with the service.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void allocator.stop().then(() => process.exit(0)));
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
  else
    process.stderr.write(`The allocator could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
