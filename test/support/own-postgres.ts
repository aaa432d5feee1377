import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface, Interface } from 'node:readline';
import { ADMIN_MAIN } from './processes';

/** A PostgreSQL of the test's own, which it may freeze (SIGSTOP), stop and start again on the same port. */
export interface OwnPostgres {
  url: string;
  freeze(): void;
  thaw(): void;
  stop(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

/** The postmaster and every process it started (backends, background workers). */
function processTree(pid: number): number[] {
  const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter(Boolean);
  return [pid, ...children];
}

function nextLine(lines: Interface, host: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    lines.once('line', resolve);
    host.once('exit', (code) => reject(new Error(`the PostgreSQL host exited with ${code}`)));
  });
}

/** Started in a child process (own-postgres-host.mjs), migrated with the admin command line, as a newcomer would. */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const host = spawn(process.execPath, [join(__dirname, 'own-postgres-host.mjs')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: host.stdout! });
  const [, port, pid] = (await nextLine(lines, host)).split(' ');
  let postmaster = Number(pid);
  const url = `postgresql://postgres:postgres@127.0.0.1:${port}/faults`;
  execFileSync(process.execPath, [ADMIN_MAIN, 'db', 'migrate'], {
    env: { ...process.env, DATABASE_URL: url },
    stdio: 'pipe',
  });
  const ask = async (command: string) => {
    host.stdin!.write(`${command}\n`);
    return nextLine(lines, host);
  };
  const signal = (name: NodeJS.Signals, pids: number[]) => pids.forEach((p) => process.kill(p, name));
  return {
    url,
    freeze: () => signal('SIGSTOP', processTree(postmaster)),
    thaw: () => signal('SIGCONT', processTree(postmaster).reverse()),
    stop: async () => void (await ask('stop')),
    start: async () => {
      postmaster = Number((await ask('start')).split(' ')[1]);
    },
    dispose: async () => {
      const exited = new Promise((resolve) => host.once('exit', resolve));
      host.stdin!.write('exit\n');
      await exited;
    },
  };
}
