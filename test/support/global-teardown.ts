import { rmSync } from 'node:fs';
import { Client } from 'pg';
import type { EmbeddedDatabase } from '../../libs/database/src/embedded-database';

/** The embedded PostgreSQL global-setup.ts started when no database was given, and the folder it made for it. */
export interface EmbeddedTestServer {
  embeddedTestServer?: { database: EmbeddedDatabase; dataDir: string };
}

export default async function globalTeardown(): Promise<void> {
  const admin = new Client({ connectionString: process.env.TEST_SERVER_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${process.env.TEST_TEMPLATE_DATABASE}" WITH (FORCE)`);
  await admin.end();
  const embedded = (globalThis as EmbeddedTestServer).embeddedTestServer;
  if (!embedded) return;
  await embedded.database.stop();
  rmSync(embedded.dataDir, { recursive: true, force: true });
}
