// The built service as a process of its own, the calls a benchmark makes to the admin command line,
// and the benchmarks' tables.
const { execFileSync, spawn } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { fleetFile, FLEET } = require('./fleet');
const { withScratchFile } = require('./scratch-database');

/** The admin command line's answer, in JSON. */
function admin(env, ...args) {
  return JSON.parse(
    execFileSync(process.execPath, ['dist/apps/admin/src/main.js', '--json', ...args], {
      env,
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    }),
  );
}

/** The benchmark fleet of `servers` servers (bench/fleet.js), through the admin command line's import (awaited). */
function importFleet(env, servers) {
  return withScratchFile('fleet.json', JSON.stringify(fleetFile(servers)), (file) =>
    admin(env, 'inventory', 'import', file),
  );
}

/** The built service as its own process on a free loopback port; with `profileDir`, node --cpu-prof writes its profile there. */
function startService(env, profileDir) {
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
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

/** CPU seconds the process has used so far, in user space and in the kernel (its system calls), from /proc. */
function cpuTimes(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
}

/** CPU seconds (user + system) the process has used so far. */
function cpuSeconds(pid) {
  const { user, system } = cpuTimes(pid);
  return user + system;
}

/** Rows under a header, right-aligned in columns. */
function printTable(header, lines) {
  const cells = lines.map((l) => l.map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((l) => l[i].length)));
  console.log([header, ...cells].map((l) => l.map((v, i) => v.padStart(widths[i])).join('  ')).join('\n'));
}

module.exports = { admin, cpuSeconds, cpuTimes, importFleet, printTable, startService };
