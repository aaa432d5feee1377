// What the HTTP pipeline costs the service per request, apart from the work (docs/benchmarks.md): the service's
// CPU per request, read from /proc, for a request refused 403 by its route's guard (no query) and for a command
// that finds its work done (`quarantine` on a quarantined server: one read, nothing written), over keep-alive HTTP.
// Run it in two checkouts, alternating, to compare them.
// Usage: npm run build && node bench/http-overhead.js [--requests 20000] [--clients 8] [--rounds 2] [--profile DIR]
const { parseArgs } = require('node:util');
const { Client } = require('pg');
const { run, withScratchDatabase } = require('./scratch-database');
const { asCallers } = require('./http-connection');
const { admin, cpuSeconds, importFleet, printTable, startService } = require('./service-process');

const { values: options } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    clients: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '2' },
    profile: { type: 'string' },
  },
});
const REQUESTS = Number(options.requests);
const CLIENTS = Number(options.clients);
const WARM_UP = 2000;

/** `count` POSTs to `path` by CLIENTS callers at once; the failures (an answer other than `status`) counted. */
async function drive(service, count, { status, key, path }) {
  let left = count;
  let failures = 0;
  await asCallers(
    CLIENTS,
    () => service.url,
    async (connection) => {
      while (left-- > 0) if ((await connection.call(key, 'POST', path)).status !== status) failures++;
    },
  );
  return failures;
}

async function measure(service, request) {
  await drive(service, WARM_UP, request);
  const cpu = cpuSeconds(service.pid);
  const started = process.hrtime.bigint();
  const failures = await drive(service, REQUESTS, request);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { cpuMs: ((cpuSeconds(service.pid) - cpu) * 1000) / REQUESTS, perSecond: REQUESTS / seconds, failures };
}

async function main() {
  await withScratchDatabase(async ({ url, env }) => {
    await importFleet(env, 100);
    const command = admin(env, 'api-key', 'create', '--name', 'bench', '--scopes', 'server:quarantine').secret;
    const reader = admin(env, 'api-key', 'create', '--name', 'reader', '--scopes', 'inventory:read').secret;
    const db = new Client({ connectionString: url });
    await db.connect();
    const { rows } = await db.query(`SELECT "id" FROM "Server" WHERE "status" = 'available' LIMIT 1`);
    await db.end();
    // The first call quarantines it; the warm-up's others, and the measured ones, find it done.
    const path = `/api/server/${rows[0].id}/quarantine`;
    const service = await startService(env, options.profile);
    const cases = [
      { name: '403 by the route guard', status: 403, key: reader },
      { name: 'command, nothing to do', status: 200, key: command },
    ];
    const lines = [];
    try {
      for (let round = 1; round <= Number(options.rounds); round++) {
        for (const { name, status, key } of cases) {
          const result = await measure(service, { status, key, path });
          lines.push([round, name, result.cpuMs.toFixed(3), result.perSecond.toFixed(0), result.failures]);
        }
      }
    } finally {
      await service.stop();
    }
    console.log(`${REQUESTS} requests per measurement, ${CLIENTS} callers`);
    printTable(['round', 'request', 'CPU ms/request', 'requests/s', 'failures'], lines);
  });
}

run(main);
