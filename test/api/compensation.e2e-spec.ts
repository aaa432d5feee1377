import { invariantViolations, NO_VIOLATIONS } from '@app/server-commands';
import { createClient, createContractedPool, createPool } from '../support/factories';
import { footprint, serverCommands, ServerCommandsClient } from '../support/server-commands-client';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Compensate applies to the client's latest allocation of the server, wherever the server is now, and never
 * to a later one; de-allocate and compensate tell one client nothing of another client's allocation.
 */
describe('Compensation finds its allocation', () => {
  let t: TestApp;
  let api: ServerCommandsClient;
  let reader: string;

  beforeAll(async () => {
    t = await startTestApp();
    api = serverCommands(t, await t.apiKey());
    reader = await t.apiKey('inventory:read');
  });
  afterAll(async () => {
    expect(await invariantViolations(t.prisma, 10)).toEqual(NO_VIOLATIONS);
    await t.close();
  });

  const billed = async (clientId: number) =>
    (await t.http.get(`/api/client/${clientId}/allocations`).set('X-Api-Key', reader).expect(200)).body as {
      id: number;
      endedBy: string;
      billable: boolean;
    }[];

  it('compensates an allocation that ended by isolation (failedDelivery): not billed, the server stays isolated', async () => {
    const { clientId, body } = await createContractedPool(t.prisma);
    const { server, allocation } = (await api.allocate(body).expect(200)).body;
    await api.isolate(server.id, { subState: 'failedDelivery', reason: 'OS install failed' }).expect(200);

    const { body: compensated } = await api.compensate(clientId, server.id).expect(200);
    expect(compensated).toMatchObject({
      changed: true,
      server: { status: 'isolated', subState: 'failedDelivery' },
      allocation: { id: allocation.id, endedBy: 'COMPENSATED' },
    });
    expect(await billed(clientId)).toEqual([
      expect.objectContaining({ id: allocation.id, endedBy: 'COMPENSATED', billable: false }),
    ]);

    const before = await footprint(t, server.id);
    expect((await api.compensate(clientId, server.id).expect(200)).body.changed).toBe(false);
    expect(await footprint(t, server.id)).toEqual(before);
  });

  it('compensates an allocation the client released, leaving the server in Back to Baseline', async () => {
    const { clientId, body } = await createContractedPool(t.prisma);
    const { server, allocation } = (await api.allocate(body).expect(200)).body;
    await api.deallocate(clientId, server.id).expect(200);
    const { body: compensated } = await api.compensate(clientId, server.id).expect(200);
    expect(compensated).toMatchObject({
      changed: true,
      server: { status: 'baselining' },
      allocation: { endedBy: 'COMPENSATED' },
    });
    expect((await t.prisma.allocation.findUniqueOrThrow({ where: { id: allocation.id } })).endedAt).not.toBeNull();
  });

  it("compensates the client's latest allocation of the server; once the server was allocated again, 409 ALLOCATION_SUPERSEDED", async () => {
    const pool = await createPool(t.prisma, 1);
    const [serverId] = pool.serverIds;
    const [mine, other] = [await createClient(t.prisma, 5), await createClient(t.prisma, 5)];
    const order = (clientId: number) => ({
      locationId: pool.locationId,
      instanceTypeId: pool.instanceTypeId,
      clientId,
    });
    const cycle = async (clientId: number) => {
      await api.allocate(order(clientId)).expect(200);
      await api.deallocate(clientId, serverId).expect(200);
      await api.available(serverId).expect(200);
    };
    await cycle(mine);
    await cycle(mine); // the same client had the same server twice

    const theirs = (await api.allocate(order(other)).expect(200)).body; // and now another client has it
    const mineBefore = await t.prisma.allocation.findMany({ where: { clientId: mine }, orderBy: { id: 'asc' } });
    const before = await footprint(t, serverId);
    const { body: refused } = await api.compensate(mine, serverId).expect(409);
    expect(refused).toMatchObject({
      code: 'ALLOCATION_SUPERSEDED',
      details: { serverId, clientId: mine, allocationId: mineBefore[1].id },
    });
    expect(JSON.stringify(refused)).not.toContain(String(other));
    expect(await footprint(t, serverId)).toEqual(before);

    await api.deallocate(other, serverId).expect(200);
    await api.available(serverId).expect(200);
    await cycle(mine);
    expect((await api.compensate(mine, serverId).expect(200)).body.allocation).toMatchObject({
      endedBy: 'COMPENSATED',
    });
    const mineAfter = await t.prisma.allocation.findMany({ where: { clientId: mine }, orderBy: { id: 'asc' } });
    expect(mineAfter.map((a) => a.endedBy)).toEqual(['RELEASED', 'RELEASED', 'COMPENSATED']);
    expect((await t.prisma.allocation.findUniqueOrThrow({ where: { id: theirs.allocation.id } })).endedBy).toBe(
      'RELEASED',
    );
  });

  it("answers a de-allocate or compensate naming another client without that client's allocation", async () => {
    const { body } = await createContractedPool(t.prisma);
    const { server, allocation } = (await api.allocate(body).expect(200)).body;
    const stranger = await createClient(t.prisma);
    for (const call of [api.deallocate(stranger, server.id), api.compensate(stranger, server.id)]) {
      const { body: answer } = await call.expect(200);
      expect(answer).toMatchObject({ changed: false, allocation: null, server: { id: server.id, allocation: null } });
      const text = JSON.stringify(answer);
      expect(text).not.toContain(body.contractId);
      expect(text).not.toContain(`"clientId":${body.clientId}`);
    }
    expect((await t.prisma.allocation.findUniqueOrThrow({ where: { id: allocation.id } })).endedAt).toBeNull();
  });
});
