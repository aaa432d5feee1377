// Benchmark: how many events per second the dispatcher of one service process delivers to a local
// receiver. Queues N events (default 5,000) over 500 servers for one hook, starts the built service
// and times until every delivery is recorded as delivered.
// Usage: npm run build && node bench/dispatcher.js [events]
// Uses DATABASE_URL's server when set (a scratch database is created there), else an embedded one.
const { spawn } = require('node:child_process');
const { createServer } = require('node:http');
const { Client } = require('pg');
const { run, withScratchDatabase } = require('./scratch-database');

const events = Number(process.argv[2] ?? 5000);
const SERVERS = 500;

async function main() {
  await withScratchDatabase(async ({ url, env }) => {
    let received = 0;
    let firstAt;
    const receiver = createServer((req, res) =>
      req.resume().on('end', () => {
        firstAt ??= process.hrtime.bigint();
        received++;
        res.writeHead(200).end();
      }),
    );
    await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const db = new Client({ connectionString: url });
    await db.connect();
    await db.query(
      `INSERT INTO "Hook" ("name", "url", "eventTypes", "secret") VALUES ('bench', $1, '{}', 'whsec_bench_0123456789')`,
      [`http://127.0.0.1:${receiver.address().port}/`],
    );
    await db.query(
      `
      INSERT INTO "OutboxEvent" ("id", "type", "serverId", "payload")
      SELECT gen_random_uuid(), 'server.available', 1 + (i % ${SERVERS}), '{"server":{"id":1}}'::jsonb FROM generate_series(1, $1) AS i`,
      [events],
    );
    // The outbox's trigger has queued one delivery per event for the hook.

    const started = process.hrtime.bigint();
    const service = spawn(process.execPath, ['dist/apps/allocator/src/main.js'], {
      env: { ...env, PORT: '0', HOST: '127.0.0.1', DISPATCH_INTERVAL: '50ms', HOOK_ALLOWED_TARGETS: '127.0.0.1' },
      stdio: 'ignore',
    });
    try {
      for (;;) {
        const { rows } = await db.query(`SELECT COUNT(*)::int AS n FROM "HookDelivery" WHERE "state" = 'delivered'`);
        if (rows[0].n >= events) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const now = process.hrtime.bigint();
      const seconds = Number(now - started) / 1e9;
      const delivering = Number(now - firstAt) / 1e9;
      console.log(
        `${events} events over ${SERVERS} servers delivered in ${seconds.toFixed(1)} s (service start included): ${Math.round(events / seconds)} events/s; ` +
          `from the first delivery on: ${Math.round(events / delivering)} events/s; receiver saw ${received} requests`,
      );
    } finally {
      service.kill('SIGKILL');
      await db.end();
      receiver.close();
    }
  });
}

run(main);
