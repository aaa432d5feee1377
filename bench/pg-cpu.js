// PostgreSQL's CPU time, from /proc: the postmaster's own and its reaped children's (cutime, cstime), plus every
// live child's, so that backends that end during a measurement (pgbench's) stay counted. Null where the server
// is not a process of this machine that /proc shows.
const { readdirSync, readFileSync } = require('node:fs');
const { Client } = require('pg');

const TICKS = 100;

function stat(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return {
    ppid: Number(fields[1]),
    self: Number(fields[11]) + Number(fields[12]),
    reaped: Number(fields[13]) + Number(fields[14]),
  };
}

async function postmasterOf(url) {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const { rows } = await db.query('SELECT pg_backend_pid() AS pid');
    return stat(rows[0].pid).ppid;
  } finally {
    await db.end();
  }
}

/** A function answering PostgreSQL's CPU seconds so far, or null when it cannot be read. */
async function pgCpuMeter(url) {
  const postmaster = await postmasterOf(url).catch(() => null);
  if (!postmaster) return () => null;
  return () => {
    try {
      const own = stat(postmaster);
      let ticks = own.self + own.reaped;
      for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        try {
          const child = stat(entry);
          if (child.ppid === postmaster) ticks += child.self;
        } catch {
          // the process ended while being read
        }
      }
      return ticks / TICKS;
    } catch {
      return null;
    }
  };
}

module.exports = { pgCpuMeter };
