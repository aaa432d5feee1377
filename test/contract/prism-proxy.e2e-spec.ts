import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { AllocatorClient, createAllocatorClient, dataOf } from '@app/client';
import { DemoSeeder } from '@app/inventory';
import { ServiceProcess, startPrismProxy } from '../support/processes';
import { OPENAPI } from '../support/openapi-document';
import { TestReceiver } from '../support/receiver';
import { EXAMPLE_REQUESTS } from '../support/spec-examples';
import { startTestApp, TestApp } from '../support/test-app';
import { waitFor } from '../support/wait';

interface Exchange {
  call: string;
  status: number;
  /** What Prism found wrong with the request or the answer (its problem+json body); never our own answer. */
  violation?: unknown;
}

/**
 * The main flows through Prism's validating proxy (`prism proxy openapi.json --errors`) in front of
 * the real service: Prism refuses any request the spec does not allow and turns any answer that
 * breaks the spec into its own error. Calls go through the generated client, as MetalWorks' would.
 */
describe('openapi.json under a validating proxy (Prism)', () => {
  let t: TestApp;
  let prism: ServiceProcess;
  let client: AllocatorClient;
  let clientKey: (key: string) => AllocatorClient;
  const exchanges: Exchange[] = [];
  const secret = 'whsec_prism_suite_0001';
  const receiver = new TestReceiver(secret);

  beforeAll(async () => {
    t = await startTestApp({ DISPATCHER: 'true', DISPATCH_INTERVAL: '50ms' }, { listen: true });
    const key = (await t.app.get(DemoSeeder).seedIfEmpty())!.apiKey;
    prism = await startPrismProxy(t.url);
    await receiver.start();
    clientKey = (apiKey) => {
      const proxied = createAllocatorClient({ baseUrl: prism.url, apiKey });
      proxied.use({
        async onResponse({ request, response, schemaPath }) {
          const call = `${request.method.toLowerCase()} ${schemaPath}`;
          const fromPrism = response.headers.get('content-type')?.startsWith('application/problem+json');
          exchanges.push({
            call,
            status: response.status,
            ...(fromPrism && { violation: await response.clone().json() }),
          });
        },
      });
      return proxied;
    };
    client = clientKey(key);
  }, 90_000);
  afterAll(async () => {
    await prism?.stop();
    await receiver.stop();
    await t?.close();
  });

  const server = (serverId: number) => ({ params: { path: { serverId } } });
  const ofClient = (clientId: number, serverId: number) => ({ params: { path: { clientId, serverId } } });
  const page = (results: number) => ({ 'RANGED-DATA': `start=0,results=${results}` });

  it('passes every server command, in each state it allows', async () => {
    const order = { locationId: 18, instanceTypeId: 129, clientId: 12345, contractId: 'MY-CONTRACT-123' };
    const { server: first } = await dataOf(client.POST('/api/server/allocate', { body: order }));
    await dataOf(client.DELETE('/api/client/{clientId}/server/{serverId}/allocate', ofClient(12345, first.id)));
    await dataOf(client.POST('/api/server/{serverId}/available', server(first.id)));
    const batch = await dataOf(
      client.POST('/api/server/allocate/batch', {
        body: { ...order, amount: 2, spread: 'rack' },
        params: { header: { 'Idempotency-Key': randomUUID() } },
      }),
    );
    const [taken, kept] = batch.servers;
    await dataOf(
      client.DELETE('/api/client/{clientId}/server/{serverId}/allocate/compensate', ofClient(12345, taken.id)),
    );
    await dataOf(
      client.POST('/api/server/{serverId}/isolate', {
        ...server(taken.id),
        body: { subState: 'failedBaseline', reason: 'Disk wipe failed', operationUuid: randomUUID() },
      }),
    );
    await dataOf(client.DELETE('/api/server/{serverId}/isolate', server(taken.id)));
    await dataOf(client.POST('/api/server/{serverId}/available', server(taken.id)));
    await dataOf(client.POST('/api/server/{serverId}/quarantine', server(kept.id)));
    await dataOf(client.POST('/api/server/{serverId}/quarantine', server(kept.id)));
    await dataOf(client.DELETE('/api/server/{serverId}/quarantine', server(kept.id)));
    await dataOf(client.POST('/api/quota/check', { body: { ...order, amount: 2, overflow: true } }));
    await dataOf(
      client.PATCH('/api/servers/{serverId}', { ...server(taken.id), body: { rack: 'AMS1:02:009999:0409' } }),
    );
    await dataOf(
      client.POST('/api/servers', {
        body: {
          servers: [{ id: 159001, hostname: 'server159001.dedi.example.net', locationId: 18, instanceTypeId: 129 }],
        },
      }),
    );
    await dataOf(
      client.POST('/api/servers/{serverId}/retire', { ...server(157450), body: { reason: 'Out of warranty' } }),
    );
    const { server: failing } = await dataOf(client.POST('/api/server/allocate', { body: order }));
    await dataOf(
      client.POST('/api/client/{clientId}/server/{serverId}/replace', {
        ...ofClient(12345, failing.id),
        body: { subState: 'brokenHardware', reason: 'DIMM errors' },
        params: { ...ofClient(12345, failing.id).params, header: { 'Idempotency-Key': randomUUID() } },
      }),
    );
    expect(exchanges.filter((e) => e.violation)).toEqual([]);
  });

  it('passes the lists, with RANGED-DATA and filters, and the histories', async () => {
    await dataOf(client.GET('/api/locations', { params: { header: page(1) } }));
    await dataOf(client.GET('/api/locations/{locationId}/instance-types', { params: { path: { locationId: 18 } } }));
    await dataOf(
      client.GET('/api/servers', {
        params: {
          query: { status: 'allocated', locationId: 18, instanceTypeId: 129, clientId: 12345 },
          header: page(10),
        },
      }),
    );
    await dataOf(client.GET('/api/servers/{serverId}', server(157437)));
    await dataOf(
      client.GET('/api/servers/{serverId}/history', { params: { path: { serverId: 157437 }, header: page(50) } }),
    );
    await dataOf(client.GET('/api/capacity', { params: { query: { locationId: 18 } } }));
    await dataOf(client.GET('/api/capacity/baselines'));
    await dataOf(client.GET('/api/session'));
    await dataOf(client.GET('/api/client/{clientId}/capacity', { params: { path: { clientId: 12345 } } }));
    await dataOf(
      client.GET('/api/client/{clientId}/allocations', {
        params: { path: { clientId: 12345 }, query: { state: 'ended', from: '2026-01-01T00:00:00Z' }, header: page(5) },
      }),
    );
    await dataOf(client.GET('/api/clients', { params: { header: page(1) } }));
    await dataOf(
      client.PUT('/api/clients/{clientId}', {
        params: { path: { clientId: 34567 } },
        body: { name: 'Prism Test Ltd', onDemandLimit: 2 },
      }),
    );
    await dataOf(client.GET('/api/clients/{clientId}', { params: { path: { clientId: 34567 } } }));
    await dataOf(client.GET('/api/clients/{clientId}/history', { params: { path: { clientId: 34567 } } }));
    const contract = {
      contractId: 'PRISM-2027',
      clientId: 34567,
      startsAt: '2027-01-01T00:00:00Z',
      endsAt: null,
      commitments: [{ locationId: 8, instanceTypeId: 126, quantity: 2 }],
    };
    await dataOf(client.POST('/api/contracts', { body: contract }));
    await dataOf(
      client.PATCH('/api/contracts/{contractId}', {
        params: { path: { contractId: 'PRISM-2027' } },
        body: { endsAt: '2027-12-31T00:00:00Z' },
      }),
    );
    await dataOf(client.GET('/api/contracts', { params: { query: { clientId: 34567 } } }));
    await dataOf(client.GET('/api/contracts/{contractId}', { params: { path: { contractId: 'PRISM-2027' } } }));
    await dataOf(client.GET('/api/contracts/{contractId}/history', { params: { path: { contractId: 'PRISM-2027' } } }));
    await dataOf(client.GET('/health'));
    await dataOf(client.GET('/health/live'));
    await dataOf(client.GET('/health/ready'));
    expect(exchanges.filter((e) => e.violation)).toEqual([]);
  });

  it('passes the hooks and their deliveries, a dead letter replayed', async () => {
    const { hook } = await dataOf(
      client.PUT('/api/hooks', { body: { name: 'prism', url: receiver.url, eventTypes: ['server.isolated'], secret } }),
    );
    receiver.answer(400);
    await dataOf(
      client.POST('/api/server/{serverId}/isolate', {
        ...server(157440),
        body: { subState: 'maintenance', reason: 'Firmware update' },
      }),
    );
    const dead = async () =>
      (await dataOf(client.GET('/api/hooks/deliveries', { params: { query: { state: 'dead', hookId: hook.id } } })))[0];
    await waitFor(async () => (await dead()) !== undefined, 15_000, 'a dead letter');
    const { id } = await dead();
    await dataOf(client.POST('/api/hooks/deliveries/{deliveryId}/replay', { params: { path: { deliveryId: id } } }));
    await receiver.until((received) => received.length === 1);
    await dataOf(client.GET('/api/hooks'));
    await dataOf(client.GET('/api/hooks/deliveries/health'));
    await dataOf(client.POST('/api/hooks/{hookId}/disable', { params: { path: { hookId: hook.id } } }));
    await dataOf(client.POST('/api/hooks/{hookId}/enable', { params: { path: { hookId: hook.id } } }));
    await dataOf(client.DELETE('/api/hooks/{hookId}', { params: { path: { hookId: hook.id } } }));
    expect(exchanges.filter((e) => e.violation)).toEqual([]);
  });

  it('passes a maintenance of a rack: planned, started, listed, described and ended', async () => {
    const request = {
      selector: { locationId: 8, rack: 'LA3:02:002160:0409' },
      reason: 'PDU swap',
      then: 'return',
    } as const;
    await dataOf(client.POST('/api/maintenances', { body: { ...request, dryRun: true } }));
    const { maintenanceId } = await dataOf(client.POST('/api/maintenances', { body: { ...request, force: true } }));
    const path = { params: { path: { maintenanceId: maintenanceId! } } };
    await dataOf(client.GET('/api/maintenances', { params: { query: { state: 'open' }, header: page(5) } }));
    await dataOf(client.GET('/api/maintenances/{maintenanceId}', path));
    await dataOf(client.POST('/api/maintenances/{maintenanceId}/end', path));
    expect(exchanges.filter((e) => e.violation)).toEqual([]);
  });

  it('passes the error answers, each with its documented status and details', async () => {
    const refusals = await Promise.all([
      client.GET('/api/servers/{serverId}', server(999)),
      client.DELETE('/api/server/{serverId}/isolate', server(157441)),
      client.POST('/api/server/allocate/batch', {
        body: { locationId: 18, instanceTypeId: 129, clientId: 12345, contractId: 'MY-CONTRACT-123', amount: 20 },
      }),
      client.POST('/api/server/allocate', {
        body: { locationId: 18, instanceTypeId: 129, clientId: 23456, contractId: 'MY-CONTRACT-123' },
      }),
      client.PUT('/api/hooks', { body: { name: 'elsewhere', url: 'http://127.0.0.2/events' } }),
      client.POST('/api/hooks/deliveries/{deliveryId}/replay', {
        params: { path: { deliveryId: '9007199254740993' } },
      }),
      client.POST('/api/contracts', {
        body: { contractId: 'MY-CONTRACT-123', clientId: 12345, startsAt: '2026-01-01T00:00:00Z', commitments: [] },
      }),
      clientKey(await t.apiKey('inventory:read')).POST('/api/server/{serverId}/quarantine', server(157442)),
      clientKey('not-a-key').GET('/api/servers'),
    ]);
    expect(refusals.map((r) => [r.response.status, r.error?.code])).toEqual([
      [404, 'SERVER_NOT_FOUND'],
      [409, 'NOT_ISOLATED'],
      [409, 'QUOTA_EXCEEDED'],
      [403, 'CONTRACT_OF_ANOTHER_CLIENT'],
      [400, 'VALIDATION_FAILED'],
      [404, 'DELIVERY_NOT_FOUND'],
      [409, 'CONTRACT_EXISTS'],
      [403, 'FORBIDDEN'],
      [401, 'UNAUTHORIZED'],
    ]);
    expect(exchanges.filter((e) => e.violation)).toEqual([]);
  });

  it('has seen every operation of the spec pass, without a single violation', () => {
    const operations = Object.entries(OPENAPI.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );
    expect(operations.filter((operation) => !exchanges.some((e) => e.call === operation))).toEqual([]);
    expect(exchanges.filter((e) => e.violation)).toEqual([]);
    process.stdout.write(
      `Prism: ${exchanges.length} exchanges, ${exchanges.filter((e) => e.violation).length} violations\n`,
    );
  });
});

/**
 * Prism passes an answer unchecked when it cannot compile the answer's schema (it did so for a nullable
 * enum written with `enum: [null]`): so that "0 violations" above means something, every operation's
 * documented example is sent through Prism to an upstream that answers nonsense, which must be caught.
 */
describe('Prism, checked itself', () => {
  let upstream: Server;
  let prism: ServiceProcess;

  beforeAll(async () => {
    upstream = createServer((request, response) => {
      const status = Number(request.headers['x-upstream-status']);
      response.writeHead(status, { 'content-type': 'application/json' }).end('{"nonsense":true}');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    prism = await startPrismProxy(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
  }, 90_000);
  afterAll(async () => {
    await prism?.stop();
    await new Promise((resolve) => upstream?.close(resolve));
  });

  it('flags a wrong answer to every operation: no schema of the spec is skipped', async () => {
    const unchecked: string[] = [];
    for (const request of EXAMPLE_REQUESTS) {
      const status = request.documented.find((code) => code < 300)!;
      const response = await fetch(`${prism.url}${request.path}`, {
        method: request.method.toUpperCase(),
        headers: {
          'X-Api-Key': 'any',
          'content-type': 'application/json',
          'x-upstream-status': String(status),
          ...request.headers,
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
      });
      const problem = response.headers.get('content-type')?.startsWith('application/problem+json')
        ? ((await response.json()) as { validation?: { location: string[] }[] })
        : undefined;
      if (!problem?.validation?.some((v) => v.location[0] === 'response'))
        unchecked.push(`${request.operationId} (${response.status})`);
    }
    expect(unchecked).toEqual([]);
  });
});
