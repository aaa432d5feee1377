import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { execFileSync } from 'node:child_process';
import { startEmbeddedDatabase } from '../../libs/database/src/embedded-database';
import type { EmbeddedTestServer } from './global-teardown';

/**
 * One PostgreSQL for the whole run: TEST_DATABASE_URL / DATABASE_URL when given, else an embedded
 * one. The migrations are applied once to a template database; each suite clones it (test-database.ts).
 */
export default async function globalSetup(): Promise<void> {
  const given = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  const template = `bm_template_${process.pid}`;
  let serverUrl: string;
  if (given) {
    serverUrl = given;
  } else {
    const dataDir = mkdtempSync(join(tmpdir(), 'bm-test-'));
    chmodSync(dataDir, 0o755); // run as root, PostgreSQL runs as its own user and must reach the folder
    const embedded = await startEmbeddedDatabase({
      dataDir,
      databaseName: 'postgres',
      persistent: false,
      log: () => undefined,
    });
    (globalThis as EmbeddedTestServer).embeddedTestServer = { database: embedded, dataDir };
    serverUrl = embedded.url;
  }
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${template}"`);
  await admin.query(`CREATE DATABASE "${template}"`);
  await admin.end();
  const templateUrl = new URL(serverUrl);
  templateUrl.pathname = `/${template}`;
  // The same `db migrate` a developer runs (built by `npm test`'s pretest step), in its own process:
  // Prisma's WASM engine leaves a timer behind that would hold Jest's main process for seconds.
  execFileSync(process.execPath, ['dist/apps/admin/src/main.js', 'db', 'migrate'], {
    env: { ...process.env, DATABASE_URL: templateUrl.toString() },
    stdio: 'pipe',
  });

  process.env.TEST_SERVER_URL = serverUrl;
  process.env.TEST_TEMPLATE_DATABASE = template;
}
