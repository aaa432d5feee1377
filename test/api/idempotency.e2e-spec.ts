import { IdempotencyKeySweeper } from '@app/server-commands';
import { createClient, createContractedPool, createPool } from '../support/factories';
import { serverCommands, ServerCommandsClient } from '../support/server-commands-client';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Retries of allocate with an Idempotency-Key: a repeat answers what the first call allocated. A key belongs to
 * the API key that sent it. (Orders of N: test/api/allocate-batch.e2e-spec.ts.)
 */
describe('Idempotency-Key on allocate', () => {
  let t: TestApp;
  let api: ServerCommandsClient;

  beforeAll(async () => {
    t = await startTestApp();
    api = serverCommands(t, await t.apiKey());
  });
  afterAll(() => t.close());

  const setUp = (servers?: number, committed?: number) => createContractedPool(t.prisma, servers, committed);

  it('answers a repeat with the same allocation instead of allocating a second server', async () => {
    const { clientId, body } = await setUp();
    const first = await api.allocate(body, 'retry-1').expect(200);
    const again = await api.allocate(body, 'retry-1').expect(200);
    expect(again.body).toMatchObject({
      changed: false,
      allocation: { id: first.body.allocation.id },
      server: { id: first.body.server.id },
    });
    expect(await t.prisma.allocation.count({ where: { clientId } })).toBe(1);
  });

  it('answers parallel repeats with one allocation', async () => {
    const { clientId, body } = await setUp(5, 5);
    const answers = await Promise.all(Array.from({ length: 8 }, () => api.allocate(body, 'retry-parallel')));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect(new Set(answers.map((a) => a.body.allocation.id)).size).toBe(1);
    expect(await t.prisma.allocation.count({ where: { clientId } })).toBe(1);
  });

  it('answers 422 when the key comes with another body', async () => {
    const { body } = await setUp();
    await api.allocate(body, 'retry-2').expect(200);
    const { body: error } = await api.allocate({ ...body, overflow: true }, 'retry-2').expect(422);
    expect(error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('sweeps expired keys away, and only those', async () => {
    const { body } = await setUp(4, 4);
    await api.allocate(body, 'kept').expect(200);
    await api.allocate(body, 'expired').expect(200);
    await t.prisma.idempotencyKey.updateMany({
      where: { key: 'expired' },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect(await t.app.get(IdempotencyKeySweeper).sweep()).toBeGreaterThanOrEqual(1);
    const left = await t.prisma.idempotencyKey.findMany({ where: { key: { in: ['kept', 'expired'] } } });
    expect(left.map((k) => k.key)).toEqual(['kept']);
  });

  it('forgets a key once it expired', async () => {
    const { clientId, body } = await setUp();
    await api.allocate(body, 'retry-3').expect(200);
    await t.prisma.idempotencyKey.updateMany({
      where: { key: 'retry-3' },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect((await api.allocate(body, 'retry-3').expect(200)).body.changed).toBe(true);
    expect(await t.prisma.allocation.count({ where: { clientId } })).toBe(2);
  });

  it('answers 400 to a key that is not 1 to 255 visible characters', async () => {
    const { body } = await setUp();
    expect((await api.allocate(body, 'x'.repeat(256)).expect(400)).body.code).toBe('VALIDATION_FAILED');
  });

  it('gives another caller with the same key its own allocation, and reveals nothing of the first', async () => {
    const pool = await createPool(t.prisma, 4);
    const clientId = await createClient(t.prisma, 10);
    const [first, second] = [
      serverCommands(t, await t.apiKey('server:allocate')),
      serverCommands(t, await t.apiKey('server:allocate')),
    ];
    const body = { locationId: pool.locationId, instanceTypeId: pool.instanceTypeId, clientId };
    const mine = await first.allocate(body, 'shared-key').expect(200);
    const theirs = await second.allocate(body, 'shared-key').expect(200);
    expect(theirs.body.changed).toBe(true);
    expect(theirs.body.server.id).not.toBe(mine.body.server.id);
    await second.allocate({ ...body, overflow: true }, 'other-key').expect(200);
    expect((await first.allocate({ ...body, overflow: true }, 'other-key').expect(200)).body.changed).toBe(true);
    expect((await first.allocate(body, 'shared-key').expect(200)).body.server.id).toBe(mine.body.server.id);
  });
});
