import { ServerStatus } from '@app/database';
import { SERVER_STATUSES } from '@app/lifecycle';
import { invariantViolations, NO_VIOLATIONS } from '@app/server-commands';
import { DbFixture, openTestDatabase } from '../support/db';
import { createPool } from '../support/factories';

/** The list of server statuses is libs/lifecycle's SERVER_STATUSES; the database's forms of it agree. */
describe('server statuses', () => {
  let f: DbFixture;

  beforeAll(async () => {
    f = await openTestDatabase();
  });
  afterAll(() => f.close());

  it('are the values of the ServerStatus enum, in the database and in the Prisma client', async () => {
    const [{ statuses }] = await f.prisma.sql.rows<{ statuses: string[] }>(
      `SELECT enum_range(NULL::"ServerStatus")::text[] AS statuses`,
    );
    expect(statuses).toEqual([...SERVER_STATUSES]);
    expect(Object.values(ServerStatus)).toEqual([...SERVER_STATUSES]);
  });

  it('each have their column in PoolCounter', async () => {
    const columns = await f.prisma.sql.rows<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'PoolCounter'`,
    );
    expect(columns.map((c) => c.column_name)).toEqual(expect.arrayContaining([...SERVER_STATUSES]));
  });

  // Commands change servers one by one (count_server_change), the import in bulk (count_servers): both are counted.
  it.each([
    ['one by one', false],
    ['in bulk', true],
  ])('are counted as servers enter, change and leave each status, %s', async (_, bulk) => {
    // This database is the suite's own: without the checks that tie a status to its allocation and
    // sub-state, a server can be put in any status by one statement, and the counter must follow.
    await f.prisma.sql.rows(`ALTER TABLE "Server" DROP CONSTRAINT IF EXISTS "Server_allocation_matches_status",
      DROP CONSTRAINT IF EXISTS "Server_substate_matches_status", DROP CONSTRAINT IF EXISTS "Server_quarantine_remembers_status",
      DROP CONSTRAINT IF EXISTS "Server_baseline_run_matches_status"`);
    const pool = await createPool(f.prisma, SERVER_STATUSES.length);
    const counter = async () =>
      (
        await f.prisma.sql.rows<Record<string, number>>(`SELECT * FROM "PoolFigures" WHERE "instanceTypeId" = $1`, [
          pool.instanceTypeId,
        ])
      )[0];
    const byStatus = (counts: Record<string, number>) => Object.fromEntries(SERVER_STATUSES.map((s) => [s, counts[s]]));
    const setStatus = (ids: number[], statuses: string[]) =>
      f.prisma.$transaction(async (tx) => {
        if (bulk) await tx.$executeRaw`SELECT "count_in_bulk"()`;
        await tx.$executeRawUnsafe(
          `UPDATE "Server" s SET "status" = t.status::"ServerStatus" FROM unnest($1::int[], $2::text[]) AS t(id, status) WHERE s."id" = t.id`,
          ids,
          statuses,
        );
      });

    await setStatus(pool.serverIds, [...SERVER_STATUSES]);
    expect(byStatus(await counter())).toEqual(Object.fromEntries(SERVER_STATUSES.map((s) => [s, 1])));
    await setStatus(pool.serverIds, [...SERVER_STATUSES].reverse());
    expect(byStatus(await counter())).toEqual(Object.fromEntries(SERVER_STATUSES.map((s) => [s, 1])));
    await setStatus(
      pool.serverIds,
      SERVER_STATUSES.map(() => SERVER_STATUSES[0]),
    );
    expect(byStatus(await counter())).toEqual(
      Object.fromEntries(SERVER_STATUSES.map((s, i) => [s, i === 0 ? SERVER_STATUSES.length : 0])),
    );
    expect((await invariantViolations(f.prisma, 10)).poolCounterDrift).toEqual(NO_VIOLATIONS.poolCounterDrift);

    await f.prisma.sql.rows(`DELETE FROM "Server" WHERE "id" = ANY($1::int[])`, [pool.serverIds]);
    expect(byStatus(await counter())).toEqual(Object.fromEntries(SERVER_STATUSES.map((s) => [s, 0])));
  });

  // The marks (in an open maintenance, marked to retire) are counted by both triggers too: on random changes of
  // status, maintenance and mark, one by one and in bulk, the counters always equal a recount.
  it('count servers pending maintenance or retirement, one by one and in bulk, on random changes', async () => {
    await f.prisma.sql.rows(`ALTER TABLE "Server" DROP CONSTRAINT IF EXISTS "Server_allocation_matches_status",
      DROP CONSTRAINT IF EXISTS "Server_substate_matches_status", DROP CONSTRAINT IF EXISTS "Server_quarantine_remembers_status",
      DROP CONSTRAINT IF EXISTS "Server_baseline_run_matches_status", DROP CONSTRAINT IF EXISTS "Server_maintenance_never_available",
      DROP CONSTRAINT IF EXISTS "Server_retired_not_marked", DROP CONSTRAINT IF EXISTS "Server_dispatched_while_baselining"`);
    const pool = await createPool(f.prisma, 12);
    const [{ id: maintenanceId }] = await f.prisma.sql.rows<{ id: number }>(
      `INSERT INTO "Maintenance" ("reason", "then", "selector", "plan", "startedAt", "startedBy")
       VALUES ('counting', 'return', '{}', '{}', now(), 'test') RETURNING "id"`,
    );
    let seed = 17;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let round = 0; round < 40; round++) {
      const bulk = round % 2 === 1;
      const changes = pool.serverIds.map((id) => ({
        id,
        status: SERVER_STATUSES[random(SERVER_STATUSES.length)],
        maintenanceId: random(2) ? maintenanceId : null,
        retiring: random(2) === 1,
      }));
      await f.prisma.$transaction(async (tx) => {
        if (bulk) await tx.$executeRaw`SELECT "count_in_bulk"()`;
        await tx.$executeRawUnsafe(
          `UPDATE "Server" s SET "status" = t.status::"ServerStatus", "maintenanceId" = t.maintenance, "retiring" = t.retiring
           FROM unnest($1::int[], $2::text[], $3::int[], $4::boolean[]) AS t(id, status, maintenance, retiring) WHERE s."id" = t.id`,
          changes.map((c) => c.id),
          changes.map((c) => c.status),
          changes.map((c) => c.maintenanceId),
          changes.map((c) => c.retiring),
        );
      });
      const [figures] = await f.prisma.sql.rows<{ pendingMaintenance: number; pendingRetirement: number }>(
        `SELECT * FROM "PoolFigures" WHERE "instanceTypeId" = $1`,
        [pool.instanceTypeId],
      );
      expect({ round, ...figures }).toMatchObject({
        round,
        pendingMaintenance: changes.filter((c) => c.maintenanceId && ['allocated', 'baselining'].includes(c.status))
          .length,
        pendingRetirement: changes.filter((c) => c.retiring).length,
      });
    }
    expect((await invariantViolations(f.prisma, 10)).poolCounterDrift).toEqual([]);
  });
});
