import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '@app/database';

const HA_DIR = join(__dirname, '..', '..', 'deploy', 'ha');
const POSTGRES_BIN = '/usr/lib/postgresql/15/bin';
const INSTALL = 'bash deploy/ha/install-packages.sh (apt-get install patroni etcd-server haproxy postgresql-15)';

/** What the failover suite needs on the machine, or a sentence saying what is missing and how to install it. */
export function missingHaTools(): string | null {
  const missing = ['patroni', 'patronictl', 'etcd', 'haproxy'].filter(
    (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0,
  );
  if (!existsSync(join(POSTGRES_BIN, 'postgres'))) missing.push(`${POSTGRES_BIN}/postgres`);
  return missing.length ? `The failover suite needs ${missing.join(', ')}: run ${INSTALL}` : null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await sleep(250);
  }
  throw new Error(`${what}: not within ${ms} ms${last ? ` (${String(last)})` : ''}`);
}

export interface Member {
  name: string;
  role: string;
  state: string;
  lag?: number | string;
}

export interface HaNode {
  name: string;
  pgPort: number;
  restPort: number;
  dir: string;
  process?: ChildProcess;
}

const asRoot = process.getuid?.() === 0;

/**
 * etcd, three PostgreSQL nodes under Patroni (deploy/ha/patroni.yml) and HAProxy (deploy/ha/haproxy.cfg) on
 * loopback ports, in a directory of their own; `url` is HAProxy's, which leads to the current primary.
 * Every process it starts is stopped by `stop`, whatever happened.
 */
export class HaCluster {
  readonly nodes: HaNode[] = [];
  private readonly processes: ChildProcess[] = [];
  private haproxyPort = 0;
  private etcdPort = 0;
  private log = '';

  private constructor(readonly dir: string) {}

  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.haproxyPort}/postgres`;
  }

  nodeUrl(node: HaNode): string {
    return `postgresql://postgres@127.0.0.1:${node.pgPort}/postgres`;
  }

  static async start(): Promise<HaCluster> {
    const missing = missingHaTools();
    if (missing) throw new Error(missing);
    const dir = mkdtempSync(join(tmpdir(), 'bm-ha-'));
    chmodSync(dir, 0o755); // the nodes run as postgres
    const cluster = new HaCluster(dir);
    try {
      await cluster.boot();
    } catch (error) {
      await cluster.stop();
      throw new Error(`${(error as Error).message}\n--- cluster output ---\n${cluster.log.slice(-6000)}`, {
        cause: error,
      });
    }
    return cluster;
  }

  private spawnLogged(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const keep = (chunk: Buffer) => {
      this.log = (this.log + `[${name}] ${chunk.toString()}`).slice(-200_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.processes.push(child);
    return child;
  }

  private async boot(): Promise<void> {
    this.etcdPort = await freePort();
    const etcdPeerPort = await freePort();
    this.spawnLogged('etcd', 'etcd', [
      '--name=ha1',
      `--data-dir=${join(this.dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${this.etcdPort}`,
      `--advertise-client-urls=http://127.0.0.1:${this.etcdPort}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
      `--initial-cluster=ha1=http://127.0.0.1:${etcdPeerPort}`,
      '--initial-cluster-state=new',
    ]);
    await until('etcd healthy', 20_000, async () =>
      (await fetch(`http://127.0.0.1:${this.etcdPort}/health`)).ok ? true : undefined,
    );
    for (const name of ['node1', 'node2', 'node3']) {
      const node: HaNode = { name, pgPort: await freePort(), restPort: await freePort(), dir: join(this.dir, name) };
      mkdirSync(node.dir, { mode: 0o700 });
      if (asRoot) chownSync(node.dir, postgresUid(), postgresGid());
      this.nodes.push(node);
      this.startNode(node);
      // The first node bootstraps alone; the others then copy it.
      if (name === 'node1') await this.leader();
    }
    await this.waitForSyncStandby(90_000);
    this.haproxyPort = await freePort();
    this.spawnLogged('haproxy', 'haproxy', ['-db', '-f', join(HA_DIR, 'haproxy.cfg')], {
      HAPROXY_BIND: `127.0.0.1:${this.haproxyPort}`,
      ...Object.fromEntries(
        this.nodes.flatMap((n, i) => [
          [`NODE${i + 1}_PG`, `127.0.0.1:${n.pgPort}`],
          [`NODE${i + 1}_REST_PORT`, String(n.restPort)],
        ]),
      ),
    });
    // HAProxy starts with every node up until its checks say otherwise: wait until it routes only to the primary.
    await until('HAProxy routing to the primary alone', 30_000, async () => {
      for (let i = 0; i < 6; i++) if (!(await this.writable(this.url))) return undefined;
      return true;
    });
  }

  /** Starts (or starts again, to rejoin) a node's Patroni. */
  startNode(node: HaNode): void {
    const env = {
      PATRONI_NAME: node.name,
      PATRONI_RESTAPI_LISTEN: `127.0.0.1:${node.restPort}`,
      PATRONI_RESTAPI_CONNECT_ADDRESS: `127.0.0.1:${node.restPort}`,
      PATRONI_POSTGRESQL_LISTEN: `127.0.0.1:${node.pgPort}`,
      PATRONI_POSTGRESQL_CONNECT_ADDRESS: `127.0.0.1:${node.pgPort}`,
      PATRONI_POSTGRESQL_DATA_DIR: join(node.dir, 'data'),
      PATRONI_POSTGRESQL_PGPASS: join(node.dir, 'pgpass'),
      PATRONI_ETCD3_HOSTS: `127.0.0.1:${this.etcdPort}`,
      PATRONI_SUPERUSER_PASSWORD: 'failover-suite',
      PATRONI_REPLICATION_PASSWORD: 'failover-suite',
      HOME: node.dir,
    };
    const config = join(HA_DIR, 'patroni.yml');
    const [command, args] = asRoot
      ? [
          'runuser',
          ['-u', 'postgres', '--', 'env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), 'patroni', config],
        ]
      : ['patroni', [config]];
    node.process = this.spawnLogged(node.name, command as string, args as string[], env);
  }

  async members(): Promise<Member[]> {
    for (const node of this.nodes) {
      try {
        const response = await fetch(`http://127.0.0.1:${node.restPort}/cluster`, {
          signal: AbortSignal.timeout(1000),
        });
        if (response.ok) return ((await response.json()) as { members: Member[] }).members;
      } catch {
        // that node is down: ask another
      }
    }
    return [];
  }

  /** The leader, once one runs. */
  async leader(ms = 60_000): Promise<HaNode> {
    return until('a leader', ms, async () => {
      const leader = (await this.members()).find((m) => m.role === 'leader' && m.state === 'running');
      return leader && this.nodes.find((n) => n.name === leader.name);
    });
  }

  /** Waits until a leader runs and a synchronous standby streams from it. */
  async waitForSyncStandby(ms: number): Promise<void> {
    await until('a synchronous standby', ms, async () => {
      const members = await this.members();
      const ok =
        members.some((m) => m.role === 'leader' && m.state === 'running') &&
        members.some((m) => m.role === 'sync_standby' && ['running', 'streaming'].includes(m.state));
      return ok ? true : undefined;
    });
  }

  /** Waits until every node is back in the cluster as leader or standby. */
  async waitForAllMembers(ms: number): Promise<void> {
    await until('every node back', ms, async () => {
      const members = await this.members();
      const up = members.filter((m) => ['running', 'streaming'].includes(m.state));
      return up.length === this.nodes.length ? true : undefined;
    });
  }

  /** A planned switchover to the synchronous standby (Patroni picks it). */
  switchover(): void {
    execFileSync('patronictl', ['-c', join(HA_DIR, 'patroni.yml'), 'switchover', '--force'], {
      env: { ...process.env, PATRONI_ETCD3_HOSTS: `127.0.0.1:${this.etcdPort}`, PATRONI_NAME: 'ctl' },
      stdio: 'pipe',
    });
  }

  /** The node's host dies: kill -9 of its Patroni, its postmaster and every child of it. */
  killHost(node: HaNode): void {
    if (node.process?.pid) killGroup(node.process.pid);
    killPostgres(node);
  }

  /** Stops (or resumes) the WAL receiver of a standby: its replication falls behind while stopped. */
  async pauseWalReceiver(node: HaNode, paused: boolean): Promise<void> {
    await this.signalProcesses(node, 'SELECT pid FROM pg_stat_wal_receiver', paused ? 'SIGSTOP' : 'SIGCONT');
  }

  /** Stops (or resumes) the primary's WAL senders: nothing it commits from then on reaches a standby. */
  async pauseWalSenders(primary: HaNode, paused: boolean): Promise<void> {
    await this.signalProcesses(primary, 'SELECT pid FROM pg_stat_replication', paused ? 'SIGSTOP' : 'SIGCONT');
  }

  /** Signals the processes a query on the node names (its WAL receiver, its WAL senders). */
  private async signalProcesses(node: HaNode, query: string, signal: NodeJS.Signals): Promise<void> {
    for (const { pid } of await this.rowsOn<{ pid: number }>(node, query)) killQuietly(pid, signal);
  }

  private async rowsOn<T>(node: HaNode, query: string): Promise<T[]> {
    const client = new Client({ connectionString: this.nodeUrl(node), connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      return (await client.query(query)).rows as T[];
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** Waits until the leader commits without waiting for any standby (synchronous mode turned off). */
  async waitForAsynchronousCommits(ms = 30_000): Promise<void> {
    await until('commits that wait for no standby', ms, async () => {
      const [{ names }] = await this.rowsOn<{ names: string }>(
        await this.leader(),
        "SELECT current_setting('synchronous_standby_names') AS names",
      );
      return names === '' ? true : undefined;
    });
  }

  /** Changes the cluster's dynamic configuration (Patroni's PATCH /config); Patroni applies it in its next loop. */
  async configure(patch: Record<string, unknown>): Promise<void> {
    const leader = await this.leader();
    const response = await fetch(`http://127.0.0.1:${leader.restPort}/config`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(patch),
    });
    if (!response.ok) throw new Error(`PATCH /config: ${response.status} ${await response.text()}`);
  }

  private async writable(url: string): Promise<boolean> {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      const { rows } = await client.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby');
      return !rows[0].standby;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** Stops everything it started: the replicas' Patroni, the leader's, HAProxy, etcd; then whatever is left, by force. */
  async stop(): Promise<void> {
    const leader = (await this.members()).find((m) => m.role === 'leader')?.name;
    const order = [...this.nodes].sort((a, b) => Number(a.name === leader) - Number(b.name === leader));
    for (const node of order) {
      if (node.process?.pid && node.process.exitCode === null) killGroup(node.process.pid, 'SIGTERM');
      await until(`${node.name} stopped`, 20_000, async () => (postmasterPid(node) ? undefined : true)).catch(
        () => undefined,
      );
    }
    for (const child of this.processes) if (child.pid && child.exitCode === null) killGroup(child.pid, 'SIGKILL');
    for (const node of this.nodes) killPostgres(node);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function postgresUid(): number {
  return Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
}

function postgresGid(): number {
  return Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
}

function postmasterPid(node: HaNode): number | null {
  try {
    const pid = Number(readFileSync(join(node.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

/** Every PostgreSQL process of the node, by force: its postmaster and each backend (each has a session of its own). */
function killPostgres(node: HaNode): void {
  const postmaster = postmasterPid(node);
  if (!postmaster) return;
  for (const child of childrenOf(postmaster)) killQuietly(child);
  killQuietly(postmaster);
}

function childrenOf(pid: number): number[] {
  const out = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).stdout;
  return out
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter((p) => p > 0);
}

function killQuietly(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** A process started detached leads its group: the signal reaches it and everything it started in the group. */
function killGroup(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(-pid, signal);
  } catch {
    killQuietly(pid, signal);
  }
}
