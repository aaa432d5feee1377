import { SERVER_LIFECYCLE } from '@app/lifecycle';
import { invariantViolations, NO_VIOLATIONS } from '@app/server-commands';
import { DbFixture, openTestDatabase } from '../support/db';
import { createClient, createContract, createPool } from '../support/factories';
import { SecondConnection } from '../support/interleavings';

const ALLOCATE =
  'SELECT * FROM "allocate_servers"($1, $2, $3, $4, $5, $6, $7, $8::timestamp, $9, $10, NULL, NULL, NULL, NULL, NULL)';

type Pool = Awaited<ReturnType<typeof createPool>>;
interface Order {
  contractId: string | null;
  overflow: boolean;
  amount: number;
}

/** allocate_servers (prisma/sql/allocate_servers.sql), called as the service calls it, without the service. */
describe('allocate_servers', () => {
  let f: DbFixture;

  beforeAll(async () => {
    f = await openTestDatabase();
  });
  afterAll(() => f.close());

  /** An order of `amount` servers of the pool for the client, as the service places it (lowest ids, no key). */
  const allocate = <Row>(pool: Pool, clientId: number, { contractId, overflow, amount }: Order) =>
    f.prisma.sql.rows<Row>(ALLOCATE, [
      pool.locationId,
      pool.instanceTypeId,
      clientId,
      contractId,
      overflow,
      amount,
      'none',
      new Date().toISOString(),
      'db-test',
      10,
    ]);

  it("takes servers through the lifecycle table's allocate transition, and records that very transition", async () => {
    const [transition, ...others] = SERVER_LIFECYCLE.filter((t) => t.command === 'allocate');
    expect(others).toEqual([]);
    const pool = await createPool(f.prisma, 4);
    const clientId = await createClient(f.prisma, 5);
    const contractId = await createContract(f.prisma, clientId, pool, 2);
    const before = new Map(
      (await f.prisma.server.findMany({ where: { id: { in: pool.serverIds } } })).map((s) => [s.id, s.status]),
    );

    const rows = await allocate<{ refusal: string | null; server: { id: number; status: string } }>(pool, clientId, {
      contractId,
      overflow: true,
      amount: 3,
    });
    expect(rows.map((r) => r.refusal)).toEqual([null, null, null]);
    for (const { server } of rows) {
      expect(before.get(server.id)).toBe(transition.from);
      expect(server.status).toBe(transition.to);
    }
    const audits = await f.prisma.serverEvent.findMany({ where: { serverId: { in: rows.map((r) => r.server.id) } } });
    expect(audits.map((a) => ({ command: a.command, from: a.fromStatus, to: a.toStatus }))).toEqual(
      rows.map(() => ({ command: transition.command, from: transition.from, to: transition.to })),
    );
    const events = await f.prisma.outboxEvent.findMany({ where: { serverId: { in: rows.map((r) => r.server.id) } } });
    expect(events.map((e) => e.payload as { from: string; to: string; command: string })).toEqual(
      rows.map(() =>
        expect.objectContaining({ command: transition.command, from: transition.from, to: transition.to }),
      ),
    );
    expect(await invariantViolations(f.prisma, 10)).toEqual(NO_VIOLATIONS);
  });

  it('answers a refusal with its error code and the figures, and writes nothing', async () => {
    const pool = await createPool(f.prisma, 2);
    const clientId = await createClient(f.prisma, 1);
    const call = (amount: number, contractId: string | null) =>
      allocate<{ refusal: string; requested_on_demand: number; on_demand_limit: number; available: number }>(
        pool,
        clientId,
        { contractId, overflow: false, amount },
      );
    expect(await call(2, null)).toEqual([
      expect.objectContaining({ refusal: 'QUOTA_EXCEEDED', requested_on_demand: 2, on_demand_limit: 1, available: 2 }),
    ]);
    expect(await call(1, 'NO-SUCH-CONTRACT')).toEqual([expect.objectContaining({ refusal: 'CONTRACT_NOT_FOUND' })]);
    expect(await f.prisma.allocation.count({ where: { clientId } })).toBe(0);
  });
  it("waits for the pool's lock (lock_pools) while another transaction holds it, and only in that pool", async () => {
    const [held, free] = [await createPool(f.prisma, 1), await createPool(f.prisma, 1)];
    const clientId = await createClient(f.prisma, 5);
    const allocateOne = (pool: Pool) =>
      allocate<{ refusal: string | null }>(pool, clientId, { contractId: null, overflow: true, amount: 1 });
    const other = await SecondConnection.open(f.db.url);
    try {
      await other.hold('SELECT "lock_pools"($1::int[])', [[held.instanceTypeId]]);
      let answered = false;
      const waiting = allocateOne(held).then((rows) => ((answered = true), rows));
      await other.untilAnotherWaits();
      expect((await allocateOne(free)).map((r) => r.refusal)).toEqual([null]);
      expect(answered).toBe(false);
      await other.commit();
      expect((await waiting).map((r) => r.refusal)).toEqual([null]);
    } finally {
      await other.close();
    }
    expect(await invariantViolations(f.prisma, 10)).toEqual(NO_VIOLATIONS);
  });
});
