import { randomUUID } from 'node:crypto';
import { loadConfig } from '@app/config';
import { PrismaService, PROJECT_ROOT } from '@app/database';
import { DomainError } from '@app/errors';
import { CommandResult, invariantViolations, NO_VIOLATIONS, standaloneServerCommands } from '@app/server-commands';
import { CommandRunner } from '../../libs/server-commands/src/command-runner';
import { DestructiveLimit } from '../../libs/server-commands/src/destructive-limit';
import { ServerCommandsService } from '../../libs/server-commands/src/server-commands.service';
import { ServerStateRepository } from '../../libs/server-commands/src/server-state.repository';
import { DbFixture, openTestDatabase } from '../support/db';
import { createClient, createPool, Pool } from '../support/factories';
import { seededRandom } from '../support/seeded-random';

const ALLOCATE_ONE =
  "SELECT * FROM \"allocate_servers\"($1, $2, $3, NULL, TRUE, 1, 'none', now()::timestamp, 'db-test', 10, NULL, NULL, NULL, NULL, NULL)";

/** A runner that never presumes: every command reads its server first, as all of them did before. */
class ReadingRunner extends CommandRunner {
  override run(...[serverId, command, actor, plan, options]: Parameters<CommandRunner['run']>) {
    return super.run(serverId, command, actor, plan, { ...options, presume: undefined });
  }
}

/**
 * De-allocate and available are written without a read when the server is as MetalWorks usually finds it
 * (libs/server-commands/src/command-runner.ts). Two servers take the same random walk of commands and marks, one
 * through the service as it runs, one through a runner that always reads first: every answer, every state, every
 * audit row and every event agree, and the presumed path is taken whenever its presumption holds.
 */
describe('commands written on a presumed server', () => {
  let f: DbFixture;
  let counted: PrismaService;

  beforeAll(async () => {
    f = await openTestDatabase();
    counted = new PrismaService(f.db.url, 4);
  });
  afterAll(async () => {
    await counted.$disconnect();
    await f.close();
  });

  it('agree with the commands that read first, on a random walk of 800 steps', async () => {
    const config = loadConfig({ DATABASE_URL: f.db.url }, PROJECT_ROOT);
    const presuming = standaloneServerCommands(counted, config).commands;
    const reading = new ServerCommandsService(
      new ReadingRunner(f.prisma, new ServerStateRepository(), new DestructiveLimit(f.prisma, config)),
      config,
    );
    const reads = jest.spyOn(counted.sql, 'rows');
    // Two servers of their own pools; a new two once they are retired, where every command is refused.
    const pools: Pool[] = [];
    const newPair = async () => {
      const pair = [await createPool(f.prisma, 1), await createPool(f.prisma, 1)];
      pools.push(...pair);
      return pair.map((p) => p.serverIds[0]);
    };
    const pairs = [await newPair()];
    const clients = [await createClient(f.prisma, 5), await createClient(f.prisma, 5)];
    const [maintenance] = await f.prisma.sql.rows<{ id: number }>(
      `INSERT INTO "Maintenance" ("reason", "then", "selector", "plan", "startedAt", "startedBy")
       VALUES ('db-test', 'return', '{}', '{}', now(), 'db-test') RETURNING "id"`,
    );
    const actor = { name: 'db-test' };
    const random = seededRandom(17);
    const pick = <T>(items: readonly T[]) => items[random(items.length)];

    const server = (id: number) =>
      f.prisma.server.findUniqueOrThrow({
        where: { id },
        include: { currentAllocation: { select: { clientId: true, endedAt: true, endedBy: true } } },
      });
    const history = async (id: number) => ({
      audit: (await f.prisma.serverEvent.findMany({ where: { serverId: id }, orderBy: { id: 'asc' } })).map(
        ({ command, fromStatus, toStatus, subState, reason }) => ({ command, fromStatus, toStatus, subState, reason }),
      ),
      events: (await f.prisma.outboxEvent.findMany({ where: { serverId: id }, orderBy: { sequence: 'asc' } })).map(
        (e) => e.type,
      ),
    });
    /** What a step's answer says, without the ids that differ between the two servers. */
    const outcome = async (call: () => Promise<CommandResult | unknown>) => {
      try {
        const result = (await call()) as CommandResult | undefined;
        if (!result || !('changed' in result)) return { done: true };
        const { changed, message, server: view, allocation } = result;
        // Ids, run ids and times differ between the two servers; the rest of the answer does not.
        const normalized = (value: unknown) =>
          JSON.stringify(value)
            .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'uuid')
            .replace(/\d+/g, '#');
        return { changed, message: normalized(message), view: normalized(view), allocation: normalized(allocation) };
      } catch (error) {
        if (error instanceof DomainError) return { refused: error.code };
        throw error;
      }
    };

    type Step = { name: string; run: (id: number, commands: ServerCommandsService) => Promise<unknown> };
    /** A step `times` as likely as the others: MetalWorks' loop, and the ways out of the states a walk sticks in. */
    const often = (times: number, step: Step) => Array<Step>(times).fill(step);
    const steps = (): Step[] => {
      const client = pick(clients);
      const staleRun = randomUUID();
      return [
        ...often(4, {
          name: `allocate to ${client}`,
          run: async (id) => {
            const pool = pools.find((p) => p.serverIds[0] === id)!;
            await f.prisma.sql.rows(ALLOCATE_ONE, [pool.locationId, pool.instanceTypeId, client]);
          },
        }),
        ...often(4, { name: `deallocate by ${client}`, run: (id, c) => c.deallocate(client, id, actor) }),
        { name: `compensate by ${client}`, run: (id, c) => c.compensate(client, id, actor) },
        ...often(3, { name: 'available', run: (id, c) => c.markAvailable(id, undefined, actor) }),
        ...often(2, {
          name: 'available, naming its run',
          run: async (id, c) => c.markAvailable(id, (await server(id)).baselineId ?? staleRun, actor),
        }),
        { name: 'available, naming another run', run: (id, c) => c.markAvailable(id, staleRun, actor) },
        { name: 'isolate', run: (id, c) => c.isolate(id, { subState: 'failedBaseline', reason: 'test' }, actor) },
        ...often(3, { name: 'unisolate', run: (id, c) => c.unisolate(id, actor) }),
        { name: 'retire', run: (id, c) => c.retire(id, { reason: 'old' }, actor) },
        { name: 'quarantine', run: (id, c) => c.quarantine(id, actor) },
        ...often(6, { name: 'lift quarantine', run: (id, c) => c.liftQuarantine(id, actor) }),
        {
          name: 'join the maintenance',
          run: (id) =>
            f.prisma.sql.rows(
              `WITH joined AS (
                 UPDATE "Server" SET "maintenanceId" = $2, "version" = "version" + 1
                 WHERE "id" = $1 AND "status" NOT IN ('available', 'retired') RETURNING "id", "status")
               INSERT INTO "MaintenanceServer" ("maintenanceId", "serverId", "joinedAs")
               SELECT $2, "id", "status" FROM joined ON CONFLICT DO NOTHING`,
              [id, maintenance.id],
            ),
        },
        {
          name: 'leave the maintenance',
          run: (id) =>
            f.prisma.sql.rows(`UPDATE "Server" SET "maintenanceId" = NULL, "version" = "version" + 1 WHERE "id" = $1`, [
              id,
            ]),
        },
      ];
    };

    const presumedWrites = { deallocate: 0, available: 0 };
    for (let i = 0; i < 800; i++) {
      if ((await server(pairs[0][0])).status === 'retired') pairs.unshift(await newPair());
      const [x, y] = pairs[0];
      const step = pick(steps());
      const before = await server(x);
      // De-allocate presumes the client's allocation; available, a Back to Baseline without a mark to divert it.
      const presumptionHolds = step.name.startsWith('deallocate')
        ? before.status === 'allocated' && step.name.endsWith(` ${before.currentAllocation?.clientId}`)
        : step.name.startsWith('available') &&
          step.name !== 'available, naming another run' &&
          before.status === 'baselining' &&
          !before.retiring &&
          before.maintenanceId === null;
      reads.mockClear();
      const [got, expected] = [await outcome(() => step.run(x, presuming)), await outcome(() => step.run(y, reading))];
      const context = `step ${i}: ${step.name}, from ${before.status}`;
      expect({ context, outcome: got }).toEqual({ context, outcome: expected });
      const [a, b] = [await server(x), await server(y)];
      const state = (s: typeof a) => ({
        status: s.status,
        subState: s.subState,
        retiring: s.retiring,
        inMaintenance: s.maintenanceId !== null,
        quarantinedFrom: s.quarantinedFrom,
        baselining: s.baselineId !== null && s.baselineStartedAt !== null,
        allocation: s.currentAllocation,
      });
      expect({ context, state: state(a) }).toEqual({ context, state: state(b) });
      if (presumptionHolds) {
        expect({ context, reads: reads.mock.calls.map(([s]) => (typeof s === 'string' ? s : s.name)) }).toEqual({
          context,
          reads: ['apply-change'],
        });
        presumedWrites[step.name.startsWith('deallocate') ? 'deallocate' : 'available']++;
      }
    }
    for (const [x, y] of pairs) expect(await history(x)).toEqual(await history(y));
    expect(presumedWrites.deallocate).toBeGreaterThan(10);
    expect(presumedWrites.available).toBeGreaterThan(10);
    expect(await invariantViolations(f.prisma, 10)).toEqual(NO_VIOLATIONS);
  });
});
