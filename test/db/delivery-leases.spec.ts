import { randomUUID } from 'node:crypto';
import { DeliveryQueueRepository } from '@app/events';
import { DbFixture, openTestDatabase } from '../support/db';

/** The delivery queue's claims and leases, at the database, as several dispatchers share them. */
describe('delivery leases', () => {
  let f: DbFixture;
  let queue: DeliveryQueueRepository;

  beforeAll(async () => {
    f = await openTestDatabase();
    queue = new DeliveryQueueRepository(f.prisma);
  });
  afterAll(() => f.close());

  it('records an outcome only from the claim that holds the delivery: a late write of an expired lease changes nothing', async () => {
    const hook = await f.prisma.hook.create({
      data: { name: 'leases', url: 'http://127.0.0.1:9/', eventTypes: [], secret: 'whsec_0123456789abcdef' },
    });
    await f.prisma.outboxEvent.create({
      data: { id: randomUUID(), type: 'server.isolated', serverId: 1, payload: {} },
    });

    const [first] = await queue.claim(10, 0.2);
    expect(first).toMatchObject({ attempts: 1, hook: { id: hook.id } });
    await new Promise((resolve) => setTimeout(resolve, 400)); // the first dispatcher stalls past its lease
    const [second] = await queue.claim(10, 30);
    expect({ id: second.id, attempts: second.attempts }).toEqual({ id: first.id, attempts: 2 });

    await queue.record([
      { id: second.id, attempts: 2, attempt: { status: 200, error: null }, verdict: { kind: 'delivered' } },
    ]);
    await queue.record([
      {
        id: first.id,
        attempts: 1,
        attempt: { status: null, error: 'timed out' },
        verdict: { kind: 'retry', delaySeconds: 1 },
      },
    ]);
    expect(await f.prisma.hookDelivery.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({
      state: 'delivered',
      attempts: 2,
      lastStatus: 200,
      lastError: null,
    });
  });
});
