// Benchmark of the allocation engine against the work it does, in one run (docs/benchmarks.md).
// Loads a fleet through the admin command line's import, starts the built service as its own process and
// drives allocate -> de-allocate -> available cycles over keep-alive HTTP (a connection per caller), each cycle in a
// pool and for a client picked at random (or all in one pool: the hot pool). Around each of its runs it runs the same
// three transactions in raw SQL at the same concurrency on the service's schema (bench/ceiling.sql), on a copy of it
// with its triggers disabled (what the counters cost), and on a minimal schema of their own (bench/minimal-schema.sql,
// bench/ceiling-minimal.sql: no triggers, no foreign keys), each once before and once after, with pgbench where
// installed, else with `pg`; and the same cycles through the engine without HTTP, in this process (bench/engine.js);
// then a launch burst (50 callers ordering 20-200 servers until 1,000 are taken). Every service process and the
// engine first run the cycle for half a minute, unmeasured, so that what is measured is their optimised code.
// Prints the tables, with the CPU of the service, of this driver and of PostgreSQL, and checks every invariant in SQL
// after each scenario.
// Usage: npm run bench -- [--servers 10000] [--clients 8,32] [--seconds 10] [--instances 1,2] [--pinned]
//   [--compare-fleet] [--profile DIR]
// (--compare-fleet: all of it at 1,000 and at 100,000 servers, then the allocate p50 of the two fleets, their runs
// alternating; --instances: service processes behind the driver, which spreads its clients over them as a load
// balancer would; --pinned: each driver client keeps one client and walks the pools in turn, as before;
// --profile writes the service's CPU profile, node --cpu-prof, into DIR when it stops.)
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { parseArgs } = require('node:util');
const { run, withScratchDatabase } = require('./scratch-database');
const { runCeiling } = require('./ceiling');
const { pgCpuMeter } = require('./pg-cpu');
const { FLEET } = require('./fleet');
const { asCallers } = require('./http-connection');
const { withEngine } = require('./engine');
const { admin, cpuTimes, importFleet, printTable, startService } = require('./service-process');
const { Client } = require('pg');

const { values: options } = parseArgs({
  options: {
    servers: { type: 'string', default: '10000' },
    clients: { type: 'string', default: '8,32' },
    seconds: { type: 'string', default: '10' },
    instances: { type: 'string', default: '1' },
    pinned: { type: 'boolean', default: false },
    'compare-fleet': { type: 'boolean', default: false },
    profile: { type: 'string' },
  },
});
const SECONDS = Number(options.seconds);
const CONCURRENCIES = options.clients.split(',').map(Number);
const INSTANCES = options.instances.split(',').map(Number);

const random = (n) => Math.floor(Math.random() * n);

function percentile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Counts failures by command, status and code. */
class Failures extends Map {
  add(what, answer) {
    const key = `${what} ${answer.status} ${answer.body?.code ?? ''}`.trim();
    this.set(key, (this.get(key) ?? 0) + 1);
  }
  addAll(other) {
    for (const [key, count] of other) this.set(key, (this.get(key) ?? 0) + count);
  }
  toString() {
    return [...this].map(([k, v]) => `${k}×${v}`).join(' ') || '0';
  }
}

/** The cycle's three commands over a keep-alive HTTP connection to the service, with `key`. */
function overHttp(connection, key) {
  return {
    allocate: (order) => connection.call(key, 'POST', '/api/server/allocate', order),
    deallocate: (clientId, serverId) =>
      connection.call(key, 'DELETE', `/api/client/${clientId}/server/${serverId}/allocate`),
    available: (serverId) => connection.call(key, 'POST', `/api/server/${serverId}/available`),
  };
}

/**
 * `concurrency` workers cycling servers through allocate -> de-allocate -> available, worker w on service
 * w mod N (connection-level balancing). Each cycle picks its pool among `pools` and its client at random
 * (with --pinned, worker w keeps client w and walks the pools in turn).
 */
function driveServices(services, key, concurrency, pools, pgCpu, seconds = SECONDS) {
  const cpu = () => services.map((s) => cpuTimes(s.pid)).reduce(addCpu);
  const workers = (work) =>
    asCallers(
      concurrency,
      (worker) => services[worker % services.length].url,
      (connection, worker) => work(overHttp(connection, key), worker),
    );
  return driveCycles(workers, { pools, pgCpu, cpu, seconds });
}

/**
 * A process's first half-minute of commands runs code V8 has not optimised yet: a fresh service spent 0.8-0.9 ms of
 * CPU per command 2-8 s after it started, 0.56-0.64 at 10-16 s and 0.42-0.7 after 40 s (docs/benchmarks.md). Each
 * service and the engine therefore run the cycle this long once, before anything of theirs is measured, as a service
 * that has been up for a while would have; each run then has its own short warm-up besides (warmedUp).
 */
const JIT_WARM_UP_SECONDS = 30;

/** The cycle through `services` for JIT_WARM_UP_SECONDS, at the highest concurrency measured, its figures dropped. */
function jitWarmUpServices(services, key) {
  const concurrency = Math.max(...CONCURRENCIES);
  return driveServices(services, key, concurrency, SCENARIOS[0].pools, () => null, JIT_WARM_UP_SECONDS);
}

/** `work(service)` with a service of its own on `env`'s database, warmed up first (jitWarmUpServices), stopped after. */
async function withWarmService(env, key, profileDir, work) {
  const service = await startService(env, profileDir);
  try {
    await jitWarmUpServices([service], key);
    return await work(service);
  } finally {
    await service.stop();
  }
}

/** The same warm-up for the engine in this process. */
function jitWarmUpEngine(engine) {
  const concurrency = Math.max(...CONCURRENCIES);
  return driveEngine(engine, concurrency, SCENARIOS[0].pools, () => null, JIT_WARM_UP_SECONDS);
}

/** Enough for the engine's pool to open again the connections it closed while the others ran. */
const ENGINE_WARM_UP_SECONDS = 2;

/** The same cycles through the engine in this process (bench/engine.js): its CPU is this process's. */
function driveEngine(engine, concurrency, pools, pgCpu, seconds = SECONDS) {
  const workers = (work) => Promise.all(Array.from({ length: concurrency }, (_, worker) => work(engine, worker)));
  return driveCycles(workers, { pools, pgCpu, cpu: ownCpuTimes, seconds });
}

/** This process's CPU seconds so far, in user space and in the kernel. */
function ownCpuTimes() {
  const { user, system } = process.cpuUsage();
  return { user: user / 1e6, system: system / 1e6 };
}

const totalCpu = ({ user, system }) => user + system;

const addCpu = (a, b) => ({ user: a.user + b.user, system: a.system + b.system });

/** CPU seconds over a run's cycles, as milliseconds per command (three commands a cycle). */
const msPerCommand = (seconds, cycles) => (seconds * 1000) / (cycles * 3 || 1);

/**
 * Cycles by the workers `workers(work)` starts, each calling `work(commands, worker)`, for `seconds`: their figures,
 * with the CPU `cpu()` counts per command (and the kernel's part of it: the system calls, mostly sockets), this
 * driver's own per cycle and PostgreSQL's per cycle.
 */
async function driveCycles(workers, { pools, pgCpu, cpu, seconds }) {
  const latencies = [];
  const failures = new Failures();
  let cycles = 0;
  const cpuBefore = cpu();
  const pgBefore = pgCpu();
  const driverBefore = totalCpu(ownCpuTimes());
  const started = process.hrtime.bigint();
  const deadline = Date.now() + seconds * 1000;
  await workers(async (commands, worker) => {
    for (let n = worker; Date.now() < deadline; n++) {
      const clientId = 1 + (options.pinned ? worker % FLEET.clients : random(FLEET.clients));
      const pool = options.pinned ? pools[n % pools.length] : pools[random(pools.length)];
      const order = {
        locationId: FLEET.locationId,
        instanceTypeId: FLEET.firstPool + pool,
        clientId,
        contractId: `BENCH-${clientId}`,
        overflow: true,
      };
      const t0 = process.hrtime.bigint();
      const allocated = await commands.allocate(order);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (allocated.status !== 200) {
        failures.add('allocate', allocated);
        continue;
      }
      const serverId = allocated.body.server.id;
      const released = await commands.deallocate(clientId, serverId);
      if (released.status !== 200) {
        failures.add('deallocate', released);
        continue;
      }
      const available = await commands.available(serverId);
      if (available.status !== 200) {
        failures.add('available', available);
        continue;
      }
      cycles++;
    }
  });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuAfter = cpu();
  const cpuSpent = totalCpu(cpuAfter) - totalCpu(cpuBefore);
  const kernelSpent = cpuAfter.system - cpuBefore.system;
  const pg = pgCpu();
  const pgSeconds = pg === null ? null : pg - pgBefore;
  return {
    cycles,
    seconds: elapsed,
    cpuSeconds: cpuSpent,
    kernelCpuSeconds: kernelSpent,
    pgSeconds,
    cyclesPerSecond: cycles / elapsed,
    latencies,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    cpuMsPerCommand: msPerCommand(cpuSpent, cycles),
    kernelMsPerCommand: msPerCommand(kernelSpent, cycles),
    pgMsPerCycle: pgSeconds === null ? null : (pgSeconds * 1000) / (cycles || 1),
    driverMsPerCycle: ((totalCpu(ownCpuTimes()) - driverBefore) * 1000) / (cycles || 1),
    failures,
  };
}

const BURST = { callers: 50, fewest: 20, most: 200, perOrder: 10, servers: 1000 };

/**
 * The launch burst: BURST.callers callers at once, each wanting 20-200 servers of a pool picked at random and
 * ordering them up to 10 at a time, until `target` are taken (BURST.servers, or a tenth of a smaller fleet, which
 * could not give 1,000 without breaking its reserve): the time to the last server, each order's
 * latency, and what failed.
 */
async function launchBurst(service, key, target) {
  const latencies = [];
  const failures = new Failures();
  let ordered = 0;
  let taken = 0;
  const started = process.hrtime.bigint();
  const deadline = Date.now() + 120_000;
  await asCallers(
    BURST.callers,
    () => service.url,
    async (connection, caller) => {
      const clientId = 1 + (caller % FLEET.clients);
      const instanceTypeId = FLEET.firstPool + random(FLEET.pools);
      let wanted = BURST.fewest + random(BURST.most - BURST.fewest + 1);
      while (wanted > 0 && ordered < target && Date.now() < deadline) {
        const amount = Math.min(BURST.perOrder, wanted, target - ordered);
        ordered += amount;
        wanted -= amount;
        const t0 = process.hrtime.bigint();
        const answer = await connection.call(key, 'POST', '/api/server/allocate/batch', {
          locationId: FLEET.locationId,
          instanceTypeId,
          clientId,
          contractId: `BENCH-${clientId}`,
          overflow: true,
          amount,
        });
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (answer.status === 200) taken += answer.body.amount;
        else {
          failures.add('allocate/batch', answer);
          ordered -= amount;
        }
      }
    },
  );
  return {
    orders: latencies.length,
    taken,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    failures,
  };
}

/** The scenarios: every pool at random, and one hot pool. */
const SCENARIOS = [
  { name: 'random pools', pools: Array.from({ length: FLEET.pools }, (_, i) => i) },
  { name: 'hot pool', pools: [0] },
];

/** One run of `schema`'s ceiling: its cycles, its seconds and PostgreSQL's CPU meanwhile. */
async function ceilingRun(url, pgCpu, schema, concurrency, pools) {
  const before = pgCpu();
  const result = await runCeiling(url, { schema, concurrency, seconds: SECONDS, pools: pools.length });
  const after = pgCpu();
  return {
    ...result,
    seconds: SECONDS,
    cycles: result.cyclesPerSecond * SECONDS,
    pgSeconds: after === null ? null : after - before,
  };
}

/** Runs of one ceiling, or of the engine, as one figure: their cycles over their seconds. */
function together(runs) {
  const sum = (field) => runs.reduce((total, r) => total + r[field], 0);
  const cycles = sum('cycles');
  const pgSeconds = runs.some((r) => r.pgSeconds === null) ? null : sum('pgSeconds');
  const failures = new Failures();
  for (const run of runs) failures.addAll(run.failures ?? []);
  return {
    driver: runs[0].driver,
    cyclesPerSecond: cycles / sum('seconds'),
    pgMsPerCycle: pgSeconds === null ? null : (pgSeconds * 1000) / (cycles || 1),
    cpuMsPerCommand: runs[0].cpuSeconds === undefined ? null : msPerCommand(sum('cpuSeconds'), cycles),
    kernelMsPerCommand: runs[0].cpuSeconds === undefined ? null : msPerCommand(sum('kernelCpuSeconds'), cycles),
    failures,
  };
}

/**
 * `drive`'s measured run, after an unmeasured one (`warmUp`, by default the same) whose failures are ignored, right
 * before it: after a pause the pools open their connections anew.
 */
async function warmedUp(drive, warmUp = drive) {
  await warmUp().catch(() => undefined);
  return drive();
}

/** Sends `signal` to every service process. */
function signalAll(services, signal) {
  for (const service of services) process.kill(service.pid, signal);
}

/**
 * The service's run of a scenario at one concurrency, amid the three ceilings of the same and the engine's run without
 * HTTP, each measured twice, in the order ceiling, triggers off, minimal, engine, the service, engine, minimal, triggers
 * off, ceiling: the machine's speed drifts by a third from one minute to the next, and in this order a steady drift
 * weighs on the five alike (measured minutes apart, the ratios moved with it). While the others run, the services are
 * paused (SIGSTOP): idle, their timers cost 10-60 ms of CPU a second. (Shorter runs would not do: a 2 s run of pgbench
 * did a fifth fewer cycles per second than a 6 s one.)
 */
async function amidCeilings(services, { url, copy, pgCpu, concurrency, pools }, runService, runEngine) {
  const order = [
    ['ceiling', () => ceilingRun(url, pgCpu, 'service', concurrency, pools)],
    ['triggersOff', () => ceilingRun(copy, pgCpu, 'service', concurrency, pools)],
    ['minimal', () => ceilingRun(url, pgCpu, 'minimal', concurrency, pools)],
    ['engine', runEngine],
  ];
  const runs = Object.fromEntries(order.map(([name]) => [name, []]));
  const paused = async (steps) => {
    signalAll(services, 'SIGSTOP');
    try {
      for (const [name, runOne] of steps) runs[name].push(await runOne());
    } finally {
      signalAll(services, 'SIGCONT');
    }
  };
  await paused(order);
  const service = await runService();
  await paused([...order].reverse());
  return {
    service,
    ceiling: together(runs.ceiling),
    triggersOff: together(runs.triggersOff),
    minimal: together(runs.minimal),
    engine: together(runs.engine),
  };
}

/**
 * `work` on a copy of the database at `url` with every user trigger disabled (the counters' and the deliveries'):
 * what the same schema costs without them. A copy, so that the measured database keeps its counters right.
 */
async function withTriggersOff(url, work) {
  const source = new URL(url);
  const copy = new URL(url);
  copy.pathname = `${source.pathname}_triggers_off`;
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  await runSql(
    maintenance.toString(),
    `CREATE DATABASE "${copy.pathname.slice(1)}" TEMPLATE "${source.pathname.slice(1)}"`,
  );
  try {
    await runSql(
      copy.toString(),
      `DO $$ DECLARE t text; BEGIN
         FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP
           EXECUTE format('ALTER TABLE %I DISABLE TRIGGER USER', t);
         END LOOP;
       END $$`,
    );
    return await work(copy.toString());
  } finally {
    await runSql(maintenance.toString(), `DROP DATABASE IF EXISTS "${copy.pathname.slice(1)}" WITH (FORCE)`);
  }
}

/** A key for the cycle's and the burst's commands; its secret. */
function createKey(env) {
  const scopes = 'server:allocate,server:deallocate,server:available';
  return admin(env, 'api-key', 'create', '--name', 'bench', '--scopes', scopes).secret;
}

async function measure(servers) {
  return withScratchDatabase(async ({ url, env }) => {
    await importFleet(env, servers);
    await runSql(url, readFileSync(join(__dirname, 'minimal-schema.sql'), 'utf8'));
    const pgCpu = await pgCpuMeter(url);
    const secret = createKey(env);
    const rows = [];
    // `admin db check` after every scenario and its ceilings: the counters equal a recount, whatever each one did.
    const violations = [];
    const check = (after) => violations.push(...checkInvariants(env).map((v) => `after ${after}: ${v}`));
    // The copy is made before the services connect: PostgreSQL copies a database no one is connected to.
    await withTriggersOff(url, (copy) =>
      withEngine(env, async (engine) => {
        await jitWarmUpEngine(engine);
        for (const instances of INSTANCES) {
          const services = await Promise.all(
            Array.from({ length: instances }, () => startService(env, options.profile)),
          );
          try {
            await jitWarmUpServices(services, secret);
            for (const scenario of SCENARIOS) {
              for (const concurrency of CONCURRENCIES) {
                const drive = () => driveServices(services, secret, concurrency, scenario.pools, pgCpu);
                const runEngine = () =>
                  warmedUp(
                    () => driveEngine(engine, concurrency, scenario.pools, pgCpu),
                    () => driveEngine(engine, concurrency, scenario.pools, () => null, ENGINE_WARM_UP_SECONDS),
                  );
                const setting = { url, copy, pgCpu, concurrency, pools: scenario.pools };
                rows.push({
                  scenario,
                  servers,
                  instances,
                  concurrency,
                  ...(await amidCeilings(services, setting, () => warmedUp(drive), runEngine)),
                });
              }
              check(`${scenario.name}, ${instances} instance(s), with its ceilings and the engine`);
            }
          } finally {
            await Promise.all(services.map((s) => s.stop()));
          }
        }
      }),
    );
    const target = Math.min(BURST.servers, Math.floor(servers / 10));
    const burst = await withWarmService(env, secret, options.profile, (service) =>
      launchBurst(service, secret, target),
    );
    check('the launch burst');
    return { rows, burst: { servers, ...burst }, violations };
  });
}

/**
 * Measured runs of each fleet in the fleet comparison, in the order small, large, large, small, ... With four, the
 * p50 ratio moved from 0.94 to 1.13 between two runs of the same code (docs/benchmarks.md).
 */
const FLEET_ROUNDS = 8;

/**
 * The allocate p50 at two fleet sizes, a service on each fleet's database, their runs alternating (small, large,
 * large, small, ...), each warmed up right before and the other service paused meanwhile: measured one after the
 * other, minutes apart, the ratio moved with the machine's drift (0.85 to 1.23 from one run to the next, and the
 * ceilings with it). Random pools and clients; each fleet's latencies pooled over its runs.
 */
function compareFleets([small, large]) {
  return withFleet(small, (a) => withFleet(large, (b) => alternately([a, b])));
}

/**
 * `work` with a service on a scratch database holding a fleet of `servers`, and a key for its commands; what it
 * gives, with the invariants it left broken on that fleet.
 */
function withFleet(servers, work) {
  return withScratchDatabase(async ({ env }) => {
    await importFleet(env, servers);
    const key = createKey(env);
    const result = await withWarmService(env, key, undefined, (service) => work({ servers, service, key }));
    const violations = checkInvariants(env).map((v) => `after the fleet comparison, ${servers} servers: ${v}`);
    return { ...result, violations: [...(result.violations ?? []), ...violations] };
  });
}

async function alternately(fleets) {
  const comparisons = [];
  for (const concurrency of CONCURRENCIES) {
    const runs = fleets.map(() => ({ latencies: [], failures: new Failures() }));
    for (let round = 0; round < FLEET_ROUNDS; round++) {
      for (const i of round % 2 ? [1, 0] : [0, 1]) {
        const { service, key } = fleets[i];
        const others = fleets.filter((_, j) => j !== i).map((f) => f.service);
        const drive = () => driveServices([service], key, concurrency, SCENARIOS[0].pools, () => null);
        signalAll(others, 'SIGSTOP');
        try {
          const { latencies, failures } = await warmedUp(drive);
          runs[i].latencies.push(...latencies);
          runs[i].failures.addAll(failures);
        } finally {
          signalAll(others, 'SIGCONT');
        }
      }
    }
    comparisons.push({
      concurrency,
      fleets: fleets.map((f, i) => ({
        servers: f.servers,
        p50: percentile(runs[i].latencies, 0.5),
        p99: percentile(runs[i].latencies, 0.99),
        allocations: runs[i].latencies.length,
        failures: runs[i].failures,
      })),
    });
  }
  return { comparisons };
}

function fleetsTable(comparisons) {
  printTable(
    ['clients', 'servers', 'allocations', 'alloc p50 ms', 'alloc p99 ms', 'p50 / smallest fleet', 'failures'],
    comparisons.flatMap(({ concurrency, fleets }) =>
      fleets.map((f) => [
        concurrency,
        f.servers,
        f.allocations,
        f.p50.toFixed(1),
        f.p99.toFixed(1),
        (f.p50 / fleets[0].p50).toFixed(2),
        f.failures.toString(),
      ]),
    ),
  );
}

async function runSql(url, text) {
  const db = new Client({ connectionString: url });
  await db.connect();
  await db.query(text).finally(() => db.end());
}

/** The invariants in SQL (`admin db check`): rows that break a rule, by rule. */
function checkInvariants(env) {
  const { violations } = admin({ ...env, ON_DEMAND_DEFAULT_LIMIT: String(FLEET.onDemandLimit) }, 'db', 'check');
  return Object.entries(violations)
    .filter(([, rows]) => rows.length)
    .map(([name, rows]) => `${name}: ${rows.length}`);
}

/** CPU per command, with the kernel's part of it in brackets. */
const withKernel = (run) => `${run.cpuMsPerCommand.toFixed(2)} (${run.kernelMsPerCommand.toFixed(2)})`;

const ms = (value) => (value === null || value === undefined ? 'n/a' : value.toFixed(2));

function cyclesTable(rows) {
  printTable(
    [
      'scenario',
      'servers',
      'instances',
      'clients',
      'cycles/s',
      'ceiling',
      'triggers off',
      'minimal',
      'engine',
      'ratio',
      'ratio/triggers off',
      'ratio/minimal',
      'ratio/engine',
      'ceiling/triggers off',
      'ceiling/minimal',
      'alloc p50 ms',
      'alloc p99 ms',
      'CPU ms/command (kernel)',
      'engine CPU ms/command (kernel)',
      'driver CPU ms/cycle',
      'PG ms/cycle',
      'engine PG ms/cycle',
      'ceiling PG ms/cycle',
      'minimal PG ms/cycle',
      'failures',
    ],
    rows.map(
      ({
        scenario,
        servers,
        instances,
        concurrency,
        service: s,
        ceiling: c,
        triggersOff: t,
        minimal: m,
        engine: e,
      }) => [
        scenario.name,
        servers,
        instances,
        concurrency,
        s.cyclesPerSecond.toFixed(0),
        c.cyclesPerSecond.toFixed(0),
        t.cyclesPerSecond.toFixed(0),
        m.cyclesPerSecond.toFixed(0),
        e.cyclesPerSecond.toFixed(0),
        (s.cyclesPerSecond / c.cyclesPerSecond).toFixed(2),
        (s.cyclesPerSecond / t.cyclesPerSecond).toFixed(2),
        (s.cyclesPerSecond / m.cyclesPerSecond).toFixed(2),
        (s.cyclesPerSecond / e.cyclesPerSecond).toFixed(2),
        (c.cyclesPerSecond / t.cyclesPerSecond).toFixed(2),
        (c.cyclesPerSecond / m.cyclesPerSecond).toFixed(2),
        s.p50.toFixed(1),
        s.p99.toFixed(1),
        withKernel(s),
        withKernel(e),
        s.driverMsPerCycle.toFixed(2),
        ms(s.pgMsPerCycle),
        ms(e.pgMsPerCycle),
        ms(c.pgMsPerCycle),
        ms(m.pgMsPerCycle),
        [s.failures, e.failures.size ? `engine: ${e.failures}` : ''].join(' ').trim(),
      ],
    ),
  );
}

function burstTable(bursts) {
  printTable(
    ['launch burst', 'servers', 'orders', 'taken', 'time to last server s', 'order p50 ms', 'order p99 ms', 'failures'],
    bursts.map((b) => [
      `${BURST.callers} callers`,
      b.servers,
      b.orders,
      b.taken,
      b.seconds.toFixed(2),
      b.p50.toFixed(1),
      b.p99.toFixed(1),
      b.failures.toString(),
    ]),
  );
}

async function main() {
  const fleets = options['compare-fleet'] ? [1000, 100_000] : [Number(options.servers)];
  const results = [];
  for (const servers of fleets) results.push(await measure(servers));
  const rows = results.flatMap((r) => r.rows);
  console.log(
    `ceiling driver: ${rows[0].ceiling.driver}; ${SECONDS} s per measurement (each ceiling twice, on either side of the service's run); ${options.pinned ? 'pinned' : 'random'} clients`,
  );
  cyclesTable(rows);
  burstTable(results.map((r) => r.burst));
  if (options['compare-fleet']) {
    const { comparisons, violations } = await compareFleets(fleets);
    results.push({ violations });
    console.log(
      `the fleets alternately (${FLEET_ROUNDS} runs each, ${SECONDS} s, random pools and clients; small, large, large, small, ...):`,
    );
    fleetsTable(comparisons);
    for (const { concurrency, fleets: pair } of comparisons) {
      const [small, large] = pair;
      console.log(
        `allocate p50 at ${large.servers} / at ${small.servers} servers, ${concurrency} clients: ${(large.p50 / small.p50).toFixed(2)}`,
      );
    }
  }
  const violations = results.flatMap((r) => r.violations);
  console.log(
    violations.length
      ? `INVARIANTS BROKEN: ${violations.join(', ')}`
      : `invariants: all hold after each scenario (${SCENARIOS.map((s) => s.name).join(', ')}, each with its ceilings and the engine; the launch burst${options['compare-fleet'] ? '; the fleet comparison' : ''})`,
  );
  if (violations.length) process.exitCode = 1;
}

run(main);
