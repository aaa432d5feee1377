// Benchmark of the allocation engine against its raw-SQL ceiling, in one run (README, "Benchmarks").
// Loads a fleet through the admin command line's import, starts the built service as its own process,
// drives allocate -> de-allocate -> available cycles over keep-alive HTTP, then runs the same three
// transactions in raw SQL (bench/ceiling.sql, with pgbench where installed, else with `pg`) at the same
// concurrency, prints one table and checks every invariant in SQL.
// Usage: npm run bench -- [--servers 10000] [--clients 8,32] [--seconds 10] [--instances 1,2] [--compare-fleet] [--profile DIR]
// (--instances: service processes behind the driver, which spreads its clients over them as a load balancer would.)
// (--profile writes the service's CPU profile, node --cpu-prof, into DIR when it stops.)
const { execFileSync, spawn } = require('node:child_process');
const { mkdtempSync, readFileSync, writeFileSync } = require('node:fs');
const http = require('node:http');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { parseArgs } = require('node:util');
const { run, withScratchDatabase } = require('./scratch-database');
const { runCeiling } = require('./ceiling');
const { fleetFile, FLEET } = require('./fleet');

const { values: options } = parseArgs({
  options: {
    servers: { type: 'string', default: '10000' },
    clients: { type: 'string', default: '8,32' },
    seconds: { type: 'string', default: '10' },
    instances: { type: 'string', default: '1' },
    'compare-fleet': { type: 'boolean', default: false },
    profile: { type: 'string' },
  },
});
const SECONDS = Number(options.seconds);
const CONCURRENCIES = options.clients.split(',').map(Number);
const INSTANCES = options.instances.split(',').map(Number);

function admin(env, ...args) {
  return JSON.parse(
    execFileSync(process.execPath, ['dist/apps/admin/src/main.js', '--json', ...args], {
      env,
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    }),
  );
}

function startService(env) {
  const profile = options.profile ? ['--cpu-prof', `--cpu-prof-dir=${options.profile}`] : [];
  const child = spawn(process.execPath, [...profile, 'dist/apps/allocator/src/main.js'], {
    env: {
      ...env,
      PORT: '0',
      HOST: '127.0.0.1',
      METALWORKS_SIM: 'false',
      DEMO_DATA: 'false',
      MIGRATE_ON_START: 'false',
      ON_DEMAND_DEFAULT_LIMIT: String(FLEET.onDemandLimit),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start:\n${output}`)), 60_000);
    const onData = (chunk) => {
      output += chunk;
      const listening = /Listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (!listening) return;
      clearTimeout(timer);
      // From here on its log is read and dropped: kept, it would cost this process more with every line.
      child.stdout.off('data', onData);
      child.stderr.off('data', onData);
      child.stdout.resume();
      child.stderr.resume();
      resolve({
        url: listening[1],
        pid: child.pid,
        stop: () =>
          new Promise((done) => {
            child.once('exit', done);
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`service exited with ${code}:\n${output}`)));
  });
}

/** CPU seconds (user + system) the process has used so far, from /proc. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function call(agent, base, key, method, path, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      `${base}${path}`,
      {
        method,
        agent,
        headers: {
          'x-api-key': key,
          ...(payload && { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode, body: JSON.parse(Buffer.concat(chunks).toString() || 'null') }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * `concurrency` workers, each cycling one client's servers through allocate -> de-allocate -> available,
 * worker w on service w mod N (connection-level balancing).
 */
async function driveServices(services, key, concurrency) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies = [];
  const failures = new Map();
  let cycles = 0;
  const cpuOfAll = () => services.reduce((sum, s) => sum + cpuSeconds(s.pid), 0);
  const cpuBefore = cpuOfAll();
  const started = process.hrtime.bigint();
  const deadline = Date.now() + SECONDS * 1000;
  const fail = (what, answer) =>
    failures.set(
      `${what} ${answer.status} ${answer.body?.code ?? ''}`,
      (failures.get(`${what} ${answer.status} ${answer.body?.code ?? ''}`) ?? 0) + 1,
    );
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      const clientId = 1 + (worker % FLEET.clients);
      const service = services[worker % services.length];
      for (let n = worker; Date.now() < deadline; n++) {
        const pool = n % FLEET.pools;
        const body = {
          locationId: FLEET.locationId,
          instanceTypeId: FLEET.firstPool + pool,
          clientId,
          contractId: `BENCH-${clientId}`,
          overflow: true,
        };
        const t0 = process.hrtime.bigint();
        const allocated = await call(agent, service.url, key, 'POST', '/api/server/allocate', body);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (allocated.status !== 200) {
          fail('allocate', allocated);
          continue;
        }
        const serverId = allocated.body.server.id;
        const released = await call(
          agent,
          service.url,
          key,
          'DELETE',
          `/api/client/${clientId}/server/${serverId}/allocate`,
        );
        if (released.status !== 200) {
          fail('deallocate', released);
          continue;
        }
        const available = await call(agent, service.url, key, 'POST', `/api/server/${serverId}/available`);
        if (available.status !== 200) {
          fail('available', available);
          continue;
        }
        cycles++;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = cpuOfAll() - cpuBefore;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return {
    cycles,
    seconds,
    cyclesPerSecond: cycles / seconds,
    p50: at(0.5),
    p99: at(0.99),
    cpuMsPerCommand: (cpu * 1000) / (cycles * 3 || 1),
    failures,
  };
}

async function measure(servers) {
  return withScratchDatabase(async ({ url, env }) => {
    const file = join(mkdtempSync(join(tmpdir(), 'bm-bench-')), 'fleet.json');
    writeFileSync(file, JSON.stringify(fleetFile(servers)));
    admin(env, 'inventory', 'import', file);
    const { secret } = admin(
      env,
      'api-key',
      'create',
      '--name',
      'bench',
      '--scopes',
      'server:allocate,server:deallocate,server:available',
    );
    const rows = [];
    for (const instances of INSTANCES) {
      const services = await Promise.all(Array.from({ length: instances }, () => startService(env)));
      try {
        for (const concurrency of CONCURRENCIES) {
          await driveServices(services, secret, concurrency).then(
            () => undefined,
            () => undefined,
          ); // warm-up is not measured
          const result = await driveServices(services, secret, concurrency);
          rows.push({ servers, instances, concurrency, service: result });
        }
      } finally {
        await Promise.all(services.map((s) => s.stop()));
      }
    }
    const ceilings = new Map();
    for (const concurrency of CONCURRENCIES) ceilings.set(concurrency, await runCeiling(url, concurrency, SECONDS));
    for (const row of rows) row.ceiling = ceilings.get(row.concurrency);
    const violations = checkInvariants(env);
    return { rows, violations };
  });
}

/** The invariants in SQL (`admin db check`): rows that break a rule, by rule. */
function checkInvariants(env) {
  const { violations } = admin({ ...env, ON_DEMAND_DEFAULT_LIMIT: String(FLEET.onDemandLimit) }, 'db', 'check');
  return Object.entries(violations)
    .filter(([, rows]) => rows.length)
    .map(([name, rows]) => `${name}: ${rows.length}`);
}

function table(rows) {
  const header = [
    'servers',
    'instances',
    'clients',
    'cycles/s',
    'ceiling cycles/s',
    'ratio',
    'alloc p50 ms',
    'alloc p99 ms',
    'ceiling ms/cycle',
    'p50/ceiling',
    'CPU ms/command',
    'failures',
  ];
  const lines = rows.map(({ servers, instances, concurrency, service: s, ceiling: c }) =>
    [
      servers,
      instances,
      concurrency,
      s.cyclesPerSecond.toFixed(0),
      c.cyclesPerSecond.toFixed(0),
      (s.cyclesPerSecond / c.cyclesPerSecond).toFixed(2),
      s.p50.toFixed(1),
      s.p99.toFixed(1),
      c.latencyMs.toFixed(1),
      (s.p50 / c.latencyMs).toFixed(2),
      s.cpuMsPerCommand.toFixed(2),
      [...s.failures].map(([k, v]) => `${k}×${v}`).join(' ') || '0',
    ].map(String),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  return [header, ...lines].map((l) => l.map((v, i) => v.padStart(widths[i])).join('  ')).join('\n');
}

async function main() {
  const fleets = options['compare-fleet'] ? [1000, 100_000] : [Number(options.servers)];
  const results = [];
  for (const servers of fleets) results.push(await measure(servers));
  const rows = results.flatMap((r) => r.rows);
  console.log(`ceiling driver: ${rows[0].ceiling.driver}; ${SECONDS} s per measurement`);
  console.log(table(rows));
  if (options['compare-fleet']) {
    for (const concurrency of CONCURRENCIES) {
      const [small, large] = fleets.map((servers) =>
        rows.find((r) => r.servers === servers && r.concurrency === concurrency && r.instances === INSTANCES[0]),
      );
      console.log(
        `allocate p50 at ${large.servers} / at ${small.servers} servers, ${concurrency} clients: ${(large.service.p50 / small.service.p50).toFixed(2)}`,
      );
    }
  }
  const violations = results.flatMap((r) => r.violations);
  console.log(violations.length ? `INVARIANTS BROKEN: ${violations.join(', ')}` : 'invariants: all hold');
  if (violations.length) process.exitCode = 1;
}

run(main);
