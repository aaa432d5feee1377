import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AllocatorApiError, createAllocatorClient, dataOf } from '@app/client';
import { DemoSeeder } from '@app/inventory';
import { metalworksFlow } from '../../examples/metalworks-client';
import { TestReceiver } from '../support/receiver';
import { startTestApp, TestApp } from '../support/test-app';

const ROOT = join(__dirname, '..', '..');

/** libs/client: generated from openapi.json, and what MetalWorks (and our simulator) call the service with. */
describe('The typed client', () => {
  let t: TestApp;
  let key: string;
  const receiver = new TestReceiver('whsec_metalworks_example_0001');

  beforeAll(async () => {
    t = await startTestApp({ DISPATCHER: 'true', DISPATCH_INTERVAL: '50ms' }, { listen: true });
    key = (await t.app.get(DemoSeeder).seedIfEmpty())!.apiKey;
    await receiver.start();
  });
  afterAll(async () => {
    await receiver.stop();
    await t.close();
  });

  it('is generated from openapi.json exactly as committed (run `npm run openapi` after changing the API)', () => {
    const generated = execFileSync(
      join(ROOT, 'node_modules', '.bin', 'openapi-typescript'),
      [join(ROOT, 'openapi.json')],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    expect(readFileSync(join(ROOT, 'libs', 'client', 'src', 'generated', 'openapi.ts'), 'utf8')).toBe(generated);
  });

  it("runs MetalWorks' flow of the README on the demo data: allocate, de-allocate, verify the hook, available, isolate, a typed refusal", async () => {
    const client = createAllocatorClient({ baseUrl: t.url, apiKey: key });
    await dataOf(
      client.PUT('/api/hooks', {
        body: {
          name: 'metalworks',
          url: receiver.url,
          eventTypes: ['server.baseline.requested'],
          secret: 'whsec_metalworks_example_0001',
        },
      }),
    );
    const nextDelivery = async () => {
      await receiver.until((received) => received.length === 1);
      return receiver.received[0];
    };

    const allowed = await metalworksFlow(t.url, key, 'whsec_metalworks_example_0001', nextDelivery);

    expect(allowed).toEqual(['isolate', 'unisolate', 'quarantine', 'retire']);
    expect(receiver.received[0].envelope).toMatchObject({ type: 'server.baseline.requested', serverId: 157437 });
    const server = await dataOf(client.GET('/api/servers/{serverId}', { params: { path: { serverId: 157437 } } }));
    expect(server).toMatchObject({
      status: 'isolated',
      subState: 'brokenHardware',
      isolationReason: 'IPMI boot failed',
      allocation: null,
    });
  });

  it('throws the error body, typed, from dataOf; reads RANGED-DATA lists with their header', async () => {
    const client = createAllocatorClient({ baseUrl: t.url, apiKey: key });
    const missing = await dataOf(client.GET('/api/servers/{serverId}', { params: { path: { serverId: 999 } } })).catch(
      (error: unknown) => error,
    );
    expect(missing).toBeInstanceOf(AllocatorApiError);
    expect((missing as AllocatorApiError).body).toMatchObject({
      statusCode: 404,
      code: 'SERVER_NOT_FOUND',
      details: { id: 999 },
    });

    const { data, response } = await client.GET('/api/servers', {
      params: { query: { locationId: 18 }, header: { 'RANGED-DATA': 'start=0,results=5' } },
    });
    expect(data).toHaveLength(5);
    expect(response.headers.get('ranged-data')).toBe('start=0,results=5,total=30');
  });
});
