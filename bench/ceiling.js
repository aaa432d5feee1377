// The raw-SQL ceilings: bench/ceiling.sql (the service's schema) or bench/ceiling-minimal.sql (the minimal
// schema of bench/minimal-schema.sql) at a given concurrency, with pgbench where it is installed, else with one
// `pg` connection per client running the same file (pgbench's \set and \gset understood). Either way each
// statement is prepared once per connection, as the service prepares its own: parsed and planned at every call,
// the same transactions did a third fewer cycles (docs/benchmarks.md), a ceiling the service could pass.
const { execFileSync, spawnSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { basename, join } = require('node:path');
const { Client } = require('pg');
const { FLEET } = require('./fleet');

const SCRIPTS = { service: join(__dirname, 'ceiling.sql'), minimal: join(__dirname, 'ceiling-minimal.sql') };
const variables = (pools) => ({
  pools,
  clients: FLEET.clients,
  first_pool: FLEET.firstPool,
  location: FLEET.locationId,
});

function hasPgbench() {
  return spawnSync('pgbench', ['--version']).status === 0;
}

function withPgbench(url, concurrency, seconds, script, vars) {
  const u = new URL(url);
  const args = [
    '-n',
    '-M',
    'prepared',
    '-c',
    String(concurrency),
    '-j',
    '2',
    '-T',
    String(seconds),
    '-f',
    script,
    ...Object.entries(vars).flatMap(([k, v]) => ['-D', `${k}=${v}`]),
    '-h',
    u.hostname,
    '-p',
    u.port || '5432',
    '-U',
    decodeURIComponent(u.username || 'postgres'),
    u.pathname.slice(1),
  ];
  const out = execFileSync('pgbench', args, {
    encoding: 'utf8',
    env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password) },
  });
  return {
    driver: 'pgbench',
    cyclesPerSecond: Number(/tps = ([\d.]+)/.exec(out)[1]),
    latencyMs: Number(/latency average = ([\d.]+) ms/.exec(out)[1]),
  };
}

/**
 * The script as steps: \set, or one SQL statement whose `:name` variables are its parameters ($1, $2, ... in
 * the order of `variables`), prepared under its own name (and \gset its row).
 */
function parseScript(text, scriptName) {
  const steps = [];
  let sql = '';
  for (const line of text.split('\n').map((l) => l.replace(/--.*$/, '').trimEnd())) {
    const set = /^\\set (\w+) (.+)$/.exec(line);
    if (set) {
      steps.push({ set: set[1], expression: set[2] });
      continue;
    }
    sql += `${line}\n`;
    const end = /(;|\\gset)\s*$/.exec(line);
    if (!end) continue;
    const variables = [];
    const statement = sql.replace(/(;|\\gset)\s*$/, '').trim();
    // Each occurrence its own parameter, as pgbench makes them: one variable may take two types in two places.
    const text = statement.replace(/(?<!:):([A-Za-z_]\w*)/g, (_found, variable) => `$${variables.push(variable)}`);
    steps.push({ name: `${scriptName}_${steps.length}`, text, variables, gset: end[1] === '\\gset' });
    sql = '';
  }
  return steps;
}

function evaluate(expression, vars) {
  const random = /^random\((.+), (.+)\)$/.exec(expression);
  const value = (e) =>
    e
      .trim()
      .split(/\s*([+-])\s*/)
      .reduce((acc, part, i, all) => (i % 2 ? acc : all[i - 1] === '-' ? acc - term(part) : acc + term(part)), 0);
  const term = (t) => (t.startsWith(':') ? Number(vars[t.slice(1)]) : Number(t));
  if (random) {
    const lo = value(random[1]);
    return lo + Math.floor(Math.random() * (value(random[2]) - lo + 1));
  }
  return value(expression);
}

async function withPg(url, concurrency, seconds, script, variables) {
  const steps = parseScript(readFileSync(script, 'utf8'), basename(script, '.sql'));
  const deadline = Date.now() + seconds * 1000;
  let cycles = 0;
  let busyMs = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const db = new Client({ connectionString: url });
      // A worker that failed leaves the others running; their connections end with the scratch database.
      db.on('error', () => undefined);
      await db.connect();
      try {
        while (Date.now() < deadline) {
          const vars = { ...variables };
          const t0 = Date.now();
          for (const step of steps) {
            if (step.set) {
              vars[step.set] = evaluate(step.expression, vars);
              continue;
            }
            const { name, text, variables: names } = step;
            const { rows } = await db.query({ name, text, values: names.map((n) => vars[n]) });
            if (step.gset) Object.assign(vars, rows[0]);
          }
          busyMs += Date.now() - t0;
          cycles++;
        }
      } finally {
        await db.end();
      }
    }),
  );
  return { driver: 'pg', cyclesPerSecond: cycles / seconds, latencyMs: busyMs / cycles };
}

/** Cycles/s of `schema`'s script (service or minimal) over `pools` pools (1: the hot pool). */
async function runCeiling(url, { schema, concurrency, seconds, pools = FLEET.pools }) {
  const run = hasPgbench() ? withPgbench : withPg;
  return run(url, concurrency, seconds, SCRIPTS[schema], variables(pools));
}

module.exports = { runCeiling };
