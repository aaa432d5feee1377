import { InventoryFile, InventoryImporter } from '@app/inventory';
import { invariantViolations, NO_VIOLATIONS } from '@app/server-commands';
import { DbFixture, openTestDatabase } from '../support/db';
import { SecondConnection } from '../support/interleavings';

const ALLOCATE = `SELECT * FROM "allocate_servers"($1, $2, $3, $4, false, $5, 'none', now()::timestamp, 'db-test', 10, NULL, NULL, NULL, NULL, NULL)`;

/** A fleet of `servers` Available servers in one pool, a client and its contract committing `committed` of them there. */
function fleet(servers: number, committed: number, pools = [229]): InventoryFile {
  return {
    locations: [{ id: 28, name: 'EU: Frankfurt', shortName: 'fra', countryName: 'Germany', countryShortName: 'DE' }],
    instanceTypes: pools.map((id) => ({
      id,
      locationId: 28,
      name: `bm7.std.${id}`,
      sockets: 1,
      cores: 8,
      memory: 16,
      memoryType: 'std',
      storage: 480,
      storageType: 'ssd',
      generationName: 'Coffee Lake',
      pricePerHour: 31,
    })),
    servers: Array.from({ length: servers }, (_, i) => ({
      id: 300_000 + i,
      hostname: `s${300_000 + i}.test`,
      locationId: 28,
      instanceTypeId: pools[0],
      rack: 'R1',
      status: 'available' as const,
    })),
    clients: [{ id: 32_345, name: 'Importer Client', onDemandLimit: 5 }],
    contracts: [
      {
        contractId: 'IMPORTED-1',
        clientId: 32_345,
        startsAt: '2026-01-01T00:00:00Z',
        endsAt: null,
        commitments: pools.map((instanceTypeId) => ({ locationId: 28, instanceTypeId, quantity: committed })),
      },
    ],
  };
}

/** The inventory import beside the traffic: lock order, counters, commitments that hold servers, audit. */
describe('inventory import', () => {
  let f: DbFixture;
  let importer: InventoryImporter;

  beforeEach(async () => {
    f = await openTestDatabase();
    importer = new InventoryImporter(f.prisma);
  });
  afterEach(async () => {
    expect(await invariantViolations(f.prisma, 10)).toEqual(NO_VIOLATIONS);
    await f.close();
  });

  it('keeps a commitment that holds servers when the file drops its pool: at 0, still counting them, and audited', async () => {
    await importer.import(fleet(4, 2, [229, 230]), undefined, { name: 'staff:ana' });
    await f.prisma.sql.rows(ALLOCATE, [28, 229, 32_345, 'IMPORTED-1', 2]);
    const file = fleet(4, 2, [229, 230]);
    file.contracts![0].commitments = [{ locationId: 28, instanceTypeId: 230, quantity: 2 }];
    const summary = await importer.import(file, undefined, { name: 'staff:ana' });
    expect(summary.overcommitted).toEqual([
      { contractId: 'IMPORTED-1', locationId: 28, instanceTypeId: 229, committed: 0, inUse: 2 },
    ]);

    const commitments = await f.prisma.contractCommitment.findMany({
      where: { contractId: 'IMPORTED-1' },
      orderBy: { instanceTypeId: 'asc' },
    });
    expect(commitments.map((c) => [c.instanceTypeId, c.quantity, c.inUse])).toEqual([
      [229, 0, 2],
      [230, 2, 0],
    ]);
    const audit = await f.prisma.auditEntry.findMany({
      where: { entity: 'contract', entityId: 'IMPORTED-1' },
      orderBy: { id: 'asc' },
    });
    expect(audit.map((a) => [a.action, a.actor])).toEqual([
      ['created', 'staff:ana'],
      ['updated', 'staff:ana'],
    ]);
  });

  it('gives each server it adds its audit row, and a Back to Baseline request with its run to those it adds in baselining', async () => {
    const file = fleet(2, 1);
    file.servers![1].status = 'baselining';
    await importer.import(file, undefined, { name: 'staff:ana' });
    const [available, baselining] = await f.prisma.server.findMany({ orderBy: { id: 'asc' } });
    const audits = await f.prisma.serverEvent.findMany({ orderBy: { id: 'asc' } });
    expect(audits.map((a) => [a.serverId, a.command, a.fromStatus, a.toStatus, a.actor])).toEqual([
      [available.id, 'import', null, 'available', 'staff:ana'],
      [baselining.id, 'import', null, 'baselining', 'staff:ana'],
    ]);
    const events = await f.prisma.outboxEvent.findMany();
    expect(events.map((e) => [e.serverId, e.type, (e.payload as { baseline: unknown }).baseline])).toEqual([
      [baselining.id, 'server.baseline.requested', { cause: 'added', id: baselining.baselineId }],
    ]);
    expect(
      await f.prisma.auditEntry.count({ where: { entity: 'client', entityId: '32345', actor: 'staff:ana' } }),
    ).toBe(1);

    await importer.import(file, undefined, { name: 'staff:ana' }); // again: nothing changes, nothing more is written
    expect(await f.prisma.serverEvent.count()).toBe(2);
    expect(await f.prisma.auditEntry.count()).toBe(2);
  });

  it('writes (and so locks) only the servers that change: a re-import passes by a server another command holds', async () => {
    const file = fleet(3, 1);
    await importer.import(file);
    const other = await SecondConnection.open(f.db.url);
    try {
      await other.hold(`SELECT 1 FROM "Server" WHERE "id" = 300001 FOR UPDATE`);
      const again = importer.import(file);
      const outcome = await Promise.race([
        again.then(() => 'imported'),
        new Promise((r) => setTimeout(r, 5000, 'waited')),
      ]);
      expect(outcome).toBe('imported');
    } finally {
      await other.rollback();
      await other.close();
    }
  });

  it('comes out of a deadlock with a command that locks a server, then its pool, by trying again', async () => {
    const file = fleet(2, 1);
    await importer.import(file);
    file.servers![0].rack = 'R2';
    const other = await SecondConnection.open(f.db.url);
    try {
      await other.hold(`UPDATE "Server" SET "rack" = 'R9' WHERE "id" = 300000`); // a command holds the server...
      const imported = importer.import(file); // ...the import holds the pool and waits for the server...
      await other.untilAnotherWaits();
      // ...and the command now wants the pool: PostgreSQL rolls one of the two back (the first to wait, the import).
      await other.run(`SELECT "lock_pools"(ARRAY[229])`).then(other.commit, other.rollback);
      await imported;
    } finally {
      await other.close();
    }
    expect((await f.prisma.server.findUniqueOrThrow({ where: { id: 300000 } })).rack).toBe('R2');
  });
});
