import { SERVER_COMMANDS, SERVER_LIFECYCLE, SERVER_STATUSES, ServerCommand, Status } from '@app/lifecycle';
import { createClient, createContract, createPool, Pool } from '../support/factories';
import { footprint, serverCommands, ServerCommandsClient } from '../support/server-commands-client';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Walks the whole lifecycle table over HTTP: every state × every command. Allowed commands
 * answer 200 with the state the table names; the others answer 409 and change nothing.
 */
describe('The server lifecycle, state by command', () => {
  let t: TestApp;
  let api: ServerCommandsClient;

  beforeAll(async () => {
    t = await startTestApp();
    api = serverCommands(t, await t.apiKey());
  });
  afterAll(() => t.close());

  interface Scene {
    pool: Pool;
    clientId: number;
    contractId: string;
    serverId: number;
  }

  /** A pool of one server, driven into `status` through the API. Quarantined means frozen while allocated; retired, retired while idle. */
  async function serverIn(status: Status): Promise<Scene> {
    const pool = await createPool(t.prisma, 1);
    const clientId = await createClient(t.prisma);
    const contractId = await createContract(t.prisma, clientId, pool, 1);
    const serverId = pool.serverIds[0];
    const allocate = () =>
      api
        .allocate({ locationId: pool.locationId, instanceTypeId: pool.instanceTypeId, clientId, contractId })
        .expect(200);
    if (status === 'allocated' || status === 'baselining' || status === 'quarantined') await allocate();
    if (status === 'baselining') await api.deallocate(clientId, serverId).expect(200);
    if (status === 'isolated') await api.isolate(serverId, { subState: 'maintenance' }).expect(200);
    if (status === 'quarantined') await api.quarantine(serverId).expect(200);
    if (status === 'retired') await api.retire(serverId, { reason: 'end of life' }).expect(200);
    return { pool, clientId, contractId, serverId };
  }

  /** An Available server beside the scene's, for a replace to take. */
  const addSpare = (pool: Pool, serverId: number) =>
    t.prisma.server.create({
      data: {
        id: serverId + 1,
        hostname: `spare${serverId + 1}.test`,
        locationId: pool.locationId,
        instanceTypeId: pool.instanceTypeId,
      },
    });

  function send(command: ServerCommand, { pool, clientId, contractId, serverId }: Scene) {
    switch (command) {
      case 'allocate':
        return api.allocate({
          locationId: pool.locationId,
          instanceTypeId: pool.instanceTypeId,
          clientId,
          contractId,
          overflow: true,
        });
      case 'deallocate':
        return api.deallocate(clientId, serverId);
      case 'compensate':
        return api.compensate(clientId, serverId);
      case 'isolate':
        return api.isolate(serverId, { subState: 'investigation', reason: 'table walk' });
      case 'unisolate':
        return api.unisolate(serverId);
      case 'available':
        return api.available(serverId);
      case 'quarantine':
        return api.quarantine(serverId);
      case 'unquarantine':
        return api.unquarantine(serverId);
      case 'retire':
        return api.retire(serverId, { reason: 'table walk' });
      case 'replace':
        return addSpare(pool, serverId).then(() => api.replace(clientId, serverId, { subState: 'brokenHardware' }));
    }
  }

  /**
   * The baselining scene's client released its allocation: compensate marks that allocation COMPENSATED and leaves
   * the server where it is (a billing correction, not a transition of the table).
   */
  const correctsBilling = (status: Status, command: ServerCommand) =>
    command === 'compensate' && status === 'baselining';

  /** deallocate and compensate of a client that holds no allocation are answered 200: already done (seed 003). */
  const alreadyDone = (status: Status, command: ServerCommand) =>
    ['deallocate', 'compensate'].includes(command) && !['allocated', 'quarantined'].includes(status);

  const cells = SERVER_STATUSES.flatMap((status) => SERVER_COMMANDS.map((command) => [status, command] as const));

  it.each(cells)('%s × %s', async (status, command) => {
    const scene = await serverIn(status);
    const before = await footprint(t, scene.serverId);
    const response = await send(command, scene);
    const transition = SERVER_LIFECYCLE.find((tr) => tr.from === status && tr.command === command);

    if (transition && !transition.noop) {
      const to = transition.to === 'restore' ? 'allocated' : transition.to;
      expect({ status: response.status, changed: response.body.changed, to: response.body.server?.status }).toEqual({
        status: 200,
        changed: true,
        to,
      });
      const after = await footprint(t, scene.serverId);
      expect(after.server.status).toBe(to);
      expect(after.events).toBe(before.events + 1);
      expect(after.outbox).toBeGreaterThan(before.outbox);
    } else if (correctsBilling(status, command)) {
      expect(response.body).toMatchObject({
        changed: true,
        server: { status },
        allocation: { endedBy: 'COMPENSATED' },
      });
      expect((await footprint(t, scene.serverId)).server.status).toBe(status);
    } else if (transition?.noop || alreadyDone(status, command)) {
      expect({ status: response.status, changed: response.body.changed }).toEqual({ status: 200, changed: false });
      expect(await footprint(t, scene.serverId)).toEqual(before);
    } else {
      expect(response.status).toBe(409);
      expect(response.body.code).toEqual(
        expect.stringMatching(
          /^(INVALID_STATE|QUARANTINED|RETIRED|NOT_ISOLATED|NOT_QUARANTINED|NOT_BASELINING|NO_CAPACITY)$/,
        ),
      );
      expect(await footprint(t, scene.serverId)).toEqual(before);
    }
  });
});
