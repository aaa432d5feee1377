import { createContractedPool } from '../support/factories';
import { TestReceiver } from '../support/receiver';
import { serverCommands } from '../support/server-commands-client';
import { startTestApp, TestApp } from '../support/test-app';
import { waitFor } from '../support/wait';

const SECRET = 'whsec_audit_secret_0123';

/** Who changed what: every staff change audited, by key name and id (names are not unique), and history kept. */
describe('The audit trail', () => {
  let t: TestApp;
  let keyId: number;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp({ DISPATCHER: 'true', DISPATCH_INTERVAL: '50ms' });
    key = await t.apiKey();
    keyId = (await t.prisma.apiKey.findFirstOrThrow({ orderBy: { id: 'desc' } })).id;
  });
  afterAll(() => t.close());

  const auditOf = (entity: string, entityId: string | number) =>
    t.prisma.auditEntry.findMany({ where: { entity, entityId: String(entityId) }, orderBy: { id: 'asc' } });

  it('records a change of what describes a server, before and after, and who by name and key id', async () => {
    const { pool } = await createContractedPool(t.prisma);
    const [serverId] = pool.serverIds;
    await t.http.patch(`/api/servers/${serverId}`).set('X-Api-Key', key).send({ rack: 'R42' }).expect(200);
    const [entry] = await auditOf('server', serverId);
    expect(entry).toMatchObject({
      action: 'described',
      actor: 'test-all',
      actorKeyId: keyId,
      before: expect.objectContaining({ rack: 'R1' }),
      after: expect.objectContaining({ rack: 'R42' }),
    });
  });

  it('records the key id of whoever gave a server command, allocate included', async () => {
    const { clientId, body } = await createContractedPool(t.prisma);
    const api = serverCommands(t, key);
    const serverId = (await api.allocate(body).expect(200)).body.server.id;
    await api.deallocate(clientId, serverId).expect(200);
    const events = await t.prisma.serverEvent.findMany({ where: { serverId }, orderBy: { id: 'asc' } });
    expect(events.map((e) => [e.command, e.actor, e.actorKeyId])).toEqual([
      ['allocate', 'test-all', keyId],
      ['deallocate', 'test-all', keyId],
    ]);
  });

  it('records every change of a hook, and keeps its deliveries in the histories of servers once it is deleted', async () => {
    const receiver = await new TestReceiver(SECRET).answer(400).start();
    try {
      const put = (url: string) =>
        t.http
          .put('/api/hooks')
          .set('X-Api-Key', key)
          .send({ name: 'audited', url, secret: SECRET, eventTypes: ['server.allocated'] });
      const hookId = (await put(receiver.url).expect(200)).body.hook.id;
      await put(`${receiver.url}/v2`).expect(200);
      await t.http.post(`/api/hooks/${hookId}/disable`).set('X-Api-Key', key).expect(200);
      await t.http.post(`/api/hooks/${hookId}/enable`).set('X-Api-Key', key).expect(200);
      const { body } = await createContractedPool(t.prisma);
      const serverId = (await serverCommands(t, key).allocate(body).expect(200)).body.server.id;
      await waitFor(async () => (await t.prisma.hookDelivery.count({ where: { hookId, state: 'dead' } })) > 0);
      const dead = await t.prisma.hookDelivery.findFirstOrThrow({ where: { hookId } });
      await t.http.post(`/api/hooks/deliveries/${dead.id}/replay`).set('X-Api-Key', key).expect(200);
      await t.http.delete(`/api/hooks/${hookId}`).set('X-Api-Key', key).expect(200);

      const audit = await auditOf('hook', hookId);
      expect(audit.map((a) => [a.action, a.actor, a.actorKeyId])).toEqual(
        ['created', 'updated', 'disabled', 'enabled', 'replayed', 'deleted'].map((action) => [
          action,
          'test-all',
          keyId,
        ]),
      );
      expect(JSON.stringify(audit.map((a) => [a.before, a.after]))).not.toContain(SECRET);

      const { body: history } = await t.http.get(`/api/servers/${serverId}/history`).set('X-Api-Key', key).expect(200);
      const deliveries = history.flatMap((h: { events: { deliveries: unknown[] }[] }) =>
        h.events.flatMap((e) => e.deliveries),
      );
      expect(deliveries).toEqual([expect.objectContaining({ hookId })]);
      expect(
        (await t.http.get('/api/hooks').set('X-Api-Key', key).expect(200)).body.map((h: { id: number }) => h.id),
      ).not.toContain(hookId);
      await put(receiver.url).expect(200); // the name is free again: a new hook
      const { body: refused } = await t.http
        .put('/api/hooks')
        .set('X-Api-Key', key)
        .send({ name: `audited (deleted #${hookId})`, url: receiver.url, secret: SECRET })
        .expect(400);
      expect(refused.details.fields).toEqual([expect.objectContaining({ field: 'name' })]);
    } finally {
      await receiver.stop();
    }
  });
});
