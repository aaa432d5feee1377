import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { HaCluster, HaNode } from '../support/ha-cluster';
import { runAdmin, ServiceProcess, startService } from '../support/processes';
import { TestReceiver } from '../support/receiver';

// The benchmark's fleet (bench/fleet.js): one location, 10 pools, 50 clients with contracts.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { fleetFile, FLEET } = require('../../bench/fleet') as {
  fleetFile: (servers: number) => object;
  FLEET: { locationId: number; firstPool: number; pools: number; clients: number; onDemandLimit: number };
};

const SERVERS = 2000;
const WORKERS = 8;
const SECRET = 'failover-suite-hook-secret';
const SERVICE_ENV = {
  MIGRATE_ON_START: 'false',
  DATABASE_CONNECT_TIMEOUT: '2s',
  DATABASE_QUERY_TIMEOUT: '3s',
  REQUEST_TIMEOUT: '5s',
  ON_DEMAND_DEFAULT_LIMIT: String(FLEET.onDemandLimit),
  DISPATCH_INTERVAL: '100ms',
  DELIVERY_MAX_ATTEMPTS: '1000',
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  status: number;
  body: { code?: string; allocation?: { id: number }; server?: { id: number } } | null;
}

/** What the callers saw during a scenario. */
class Observed {
  /** Idempotency-Key -> the allocation ids its answers named (more than one: allocated twice). */
  readonly acknowledged = new Map<string, Set<number>>();
  readonly statuses = new Map<string, number>();
  /** When each allocate that succeeded was sent. */
  readonly successes: number[] = [];
  broken = 0;

  count(what: string, answer: Answer | null): void {
    const key = answer
      ? `${what} ${answer.status}${answer.body?.code ? ` ${answer.body.code}` : ''}`
      : `${what} broken`;
    this.statuses.set(key, (this.statuses.get(key) ?? 0) + 1);
    if (!answer) this.broken++;
  }

  fiveHundreds(): Record<string, number> {
    return Object.fromEntries([...this.statuses].filter(([k]) => / 5(?!03)\d\d/.test(k)));
  }
}

/**
 * Callers as MetalWorks is told to be: allocate with an Idempotency-Key, and on a 503 or a broken connection send
 * the same request again with the same key; de-allocate and available are idempotent, sent again likewise.
 */
class Traffic {
  private running = true;
  private readonly done: Promise<void>;

  constructor(
    private readonly services: ServiceProcess[],
    private readonly apiKey: string,
    readonly observed: Observed,
  ) {
    this.done = Promise.all(Array.from({ length: WORKERS }, (_, w) => this.worker(w))).then(() => undefined);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }

  private async call(w: number, attempt: number, method: string, path: string, body?: object, key?: string) {
    const base = this.services[(w + attempt) % this.services.length].url;
    try {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: {
          'X-Api-Key': this.apiKey,
          ...(body && { 'content-type': 'application/json' }),
          ...(key && { 'Idempotency-Key': key }),
        },
        body: body && JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      return { status: response.status, body: (await response.json()) as Answer['body'] };
    } catch {
      return null;
    }
  }

  /** Sends until an answer that is not "outcome unknown" (503, broken), or the suite gives up on it. */
  private async untilKnown(w: number, what: string, send: (attempt: number) => Promise<Answer | null>) {
    for (let attempt = 0; attempt < 200; attempt++) {
      const answer = await send(attempt);
      this.observed.count(what, answer);
      if (answer && answer.status !== 503) return answer;
      await sleep(250);
    }
    return null;
  }

  private async worker(w: number): Promise<void> {
    for (let n = 0; this.running; n++) {
      const clientId = 1 + ((w * 7 + n) % FLEET.clients);
      const order = {
        locationId: FLEET.locationId,
        instanceTypeId: FLEET.firstPool + ((w + n) % FLEET.pools),
        clientId,
        contractId: `BENCH-${clientId}`,
        overflow: true,
      };
      const key = randomUUID();
      let sentAt = 0;
      const allocated = await this.untilKnown(w, 'allocate', (a) => {
        sentAt = Date.now();
        return this.call(w, a, 'POST', '/api/server/allocate', order, key);
      });
      if (allocated?.status !== 200) continue;
      const ids = this.observed.acknowledged.get(key) ?? new Set<number>();
      ids.add(allocated.body!.allocation!.id);
      this.observed.acknowledged.set(key, ids);
      this.observed.successes.push(sentAt);
      const serverId = allocated.body!.server!.id;
      await this.untilKnown(w, 'deallocate', (a) =>
        this.call(w, a, 'DELETE', `/api/client/${clientId}/server/${serverId}/allocate`),
      );
      await this.untilKnown(w, 'available', (a) => this.call(w, a, 'POST', `/api/server/${serverId}/available`));
    }
  }
}

/** When the fault struck, and the node killed (started again once the scenario's traffic stops). */
interface Fault {
  at: number;
  killed?: HaNode;
}

interface Outcome {
  scenario: string;
  acknowledged: number;
  lost: number;
  duplicated: number;
  fiveHundreds: Record<string, number>;
  answers: Record<string, number>;
  broken: number;
  recoveryMs: number;
  violations: string[];
  undelivered: number;
}

/** Three database nodes under Patroni behind HAProxy, two allocators, and a primary lost four ways under traffic. */
describe('Failover: the database host is lost under traffic', () => {
  let cluster: HaCluster;
  let services: ServiceProcess[] = [];
  let receiver: TestReceiver;
  let apiKey: string;
  const outcomes: Outcome[] = [];

  beforeAll(async () => {
    cluster = await HaCluster.start();
    const admin = (...args: string[]) => {
      const result = runAdmin(cluster.url, args);
      if (result.status !== 0) throw new Error(`admin ${args.join(' ')}: ${result.stderr}`);
      return result.stdout;
    };
    admin('db', 'migrate');
    const dir = mkdtempSync(join(tmpdir(), 'bm-failover-'));
    try {
      const file = join(dir, 'fleet.json');
      writeFileSync(file, JSON.stringify(fleetFile(SERVERS)));
      admin('inventory', 'import', file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    apiKey = JSON.parse(
      admin(
        '--json',
        'api-key',
        'create',
        '--name',
        'metalworks',
        '--scopes',
        'server:allocate,server:deallocate,server:available,admin',
      ),
    ).secret;
    receiver = await new TestReceiver(SECRET).start();
    services = await Promise.all([0, 1].map(() => startService({ DATABASE_URL: cluster.url, ...SERVICE_ENV })));
    const hook = await fetch(`${services[0].url}/api/hooks`, {
      method: 'PUT',
      headers: { 'X-Api-Key': apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'receiver', url: receiver.url, secret: SECRET }),
    });
    expect(hook.status).toBeLessThan(300);
  }, 300_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop('SIGKILL')));
    await receiver?.stop();
    await cluster?.stop();
    if (outcomes.length) console.log(`Failover outcomes:\n${JSON.stringify(outcomes, null, 2)}`);
  }, 120_000);

  async function onPrimary<T>(work: (db: Client) => Promise<T>): Promise<T> {
    const db = new Client({ connectionString: cluster.url });
    await db.connect();
    return work(db).finally(() => db.end());
  }

  /** Traffic, the fault, traffic again; then every node back, and what was acknowledged, lost or doubled. */
  async function scenario(name: string, inject: () => Promise<Fault>): Promise<Outcome> {
    const observed = new Observed();
    const traffic = new Traffic(services, apiKey, observed);
    let fault: Fault = { at: 0 };
    try {
      await sleep(3000);
      fault = await inject();
      await waitForFirstSuccessAfter(observed, fault.at, 90_000);
      await sleep(3000);
    } finally {
      await traffic.stop();
      if (fault.killed) cluster.startNode(fault.killed);
    }
    const faultAt = fault.at;
    await cluster.waitForAllMembers(120_000);
    // After S4 turns synchronous mode off there is no synchronous standby to wait for.
    await cluster.waitForSyncStandby(60_000).catch(() => undefined);

    const acknowledgedIds = [...observed.acknowledged.values()].flatMap((ids) => [...ids]);
    const { found, keys } = await onPrimary(async (db) => ({
      found: (
        await db.query<{ id: number }>(`SELECT "id" FROM "Allocation" WHERE "id" = ANY($1::int[])`, [acknowledgedIds])
      ).rows.map((r) => r.id),
      keys: (
        await db.query<{ key: string; ids: number[] }>(
          `SELECT "key", "allocationIds" AS ids FROM "IdempotencyKey" WHERE "key" = ANY($1::text[])`,
          [[...observed.acknowledged.keys()]],
        )
      ).rows,
    }));
    const foundIds = new Set(found);
    const recorded = new Map(keys.map((k) => [k.key, k.ids]));
    const duplicated = [...observed.acknowledged].filter(
      ([key, ids]) => ids.size > 1 || (recorded.has(key) && recorded.get(key)!.some((id) => !ids.has(id))),
    ).length;
    const check = JSON.parse(runAdmin(cluster.url, ['--json', 'db', 'check']).stdout) as {
      violations: Record<string, unknown[]>;
    };
    const outcome: Outcome = {
      scenario: name,
      acknowledged: acknowledgedIds.length,
      lost: acknowledgedIds.filter((id) => !foundIds.has(id)).length,
      duplicated,
      fiveHundreds: observed.fiveHundreds(),
      answers: Object.fromEntries(observed.statuses),
      broken: observed.broken,
      recoveryMs: (observed.successes.find((t) => t > faultAt) ?? NaN) - faultAt,
      violations: Object.entries(check.violations)
        .filter(([, rows]) => rows.length)
        .map(([rule, rows]) => `${rule}: ${rows.length}`),
      undelivered: await undeliveredEvents(),
    };
    outcomes.push(outcome);
    return outcome;
  }

  async function waitForFirstSuccessAfter(observed: Observed, since: number, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!observed.successes.some((t) => t > since)) {
      if (Date.now() > deadline) throw new Error(`no allocation succeeded within ${ms} ms of the fault`);
      await sleep(100);
    }
  }

  /** Events whose delivery the receiver has not seen once it is all done (at least once, each event). */
  async function undeliveredEvents(): Promise<number> {
    const deadline = Date.now() + 90_000;
    let pending = Infinity;
    while (pending > 0 && Date.now() < deadline) {
      pending = await onPrimary(
        async (db) =>
          (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "HookDelivery" WHERE "state" = 'pending'`))
            .rows[0].n,
      );
      if (pending > 0) await sleep(500);
    }
    const delivered = await onPrimary(
      async (db) =>
        (await db.query<{ id: string }>(`SELECT "eventId"::text AS id FROM "HookDelivery" WHERE "state" = 'delivered'`))
          .rows,
    );
    const seen = new Set(receiver.received.map((r) => r.envelope.id));
    return pending + delivered.filter((d) => !seen.has(d.id)).length;
  }

  /** Kills the node's host; when. */
  function killedAt(node: HaNode): number {
    const at = Date.now();
    cluster.killHost(node);
    return at;
  }

  /** Runs `fault` once the standbys' WAL receivers have been stopped 3 s (they lag), then lets them go on. */
  async function whileLagging(standbys: HaNode[], fault: () => number): Promise<number> {
    for (const standby of standbys) await cluster.pauseWalReceiver(standby, true);
    try {
      await sleep(3000);
      return fault();
    } finally {
      for (const standby of standbys) await cluster.pauseWalReceiver(standby, false);
    }
  }

  function expectNothingLost(outcome: Outcome): void {
    expect(outcome.acknowledged).toBeGreaterThan(0);
    expect({
      lost: outcome.lost,
      duplicated: outcome.duplicated,
      fiveHundreds: outcome.fiveHundreds,
      violations: outcome.violations,
      undelivered: outcome.undelivered,
    }).toEqual({ lost: 0, duplicated: 0, fiveHundreds: {}, violations: [], undelivered: 0 });
  }

  it('S1: a planned switchover loses nothing acknowledged and allocates again within seconds', async () => {
    expectNothingLost(
      await scenario('S1 switchover', async () => {
        const at = Date.now();
        cluster.switchover();
        return { at };
      }),
    );
  });

  it("S2: the primary's host dies (kill -9 of Patroni, the postmaster and every backend): nothing acknowledged is lost", async () => {
    expectNothingLost(
      await scenario('S2 primary host killed', async () => {
        const leader = await cluster.leader();
        return { at: killedAt(leader), killed: leader };
      }),
    );
  });

  it('S3: the same while the synchronous standby lags (its WAL receiver stopped): nothing acknowledged is lost', async () => {
    expectNothingLost(
      await scenario('S3 primary killed, standby lagging', async () => {
        const leader = await cluster.leader();
        const sync = (await cluster.members()).find((m) => m.role === 'sync_standby')!;
        const standby = cluster.nodes.find((n) => n.name === sync.name)!;
        return { at: await whileLagging([standby], () => killedAt(leader)), killed: leader };
      }),
    );
  });

  it('S4, the control: without synchronous replication, a primary that stopped sending WAL then died loses acknowledged allocations, and the check sees it', async () => {
    await cluster.configure({
      synchronous_mode: false,
      synchronous_mode_strict: false,
      maximum_lag_on_failover: 1024 * 1024 * 1024,
    });
    await cluster.waitForAsynchronousCommits();
    const outcome = await scenario('S4 control: asynchronous', async () => {
      // The WAL senders stopped rather than the receivers: what they had sent would still reach the standbys.
      const leader = await cluster.leader();
      await cluster.pauseWalSenders(leader, true);
      await sleep(3000);
      return { at: killedAt(leader), killed: leader };
    });
    expect(outcome.lost).toBeGreaterThan(0);
    expect(outcome.fiveHundreds).toEqual({});
  });
});
