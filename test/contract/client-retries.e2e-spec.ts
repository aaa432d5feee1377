import { createServer, request as forward, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { createAllocatorClient, dataOf } from '@app/client';
import { createContractedPool } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

type Fault = 'drop-answer' | '503' | 'pass';

/**
 * A proxy on 127.0.0.1 in front of the service that plays a bad network: it can let a request through and lose
 * its answer (the work committed, the caller never hears), or answer 503 itself. It records what it forwarded.
 */
class FlakyProxy {
  readonly seen: { method: string; path: string; idempotencyKey?: string; body: string }[] = [];
  private readonly faults: Fault[] = [];
  private server?: Server;

  constructor(private readonly target: string) {}

  failNext(...faults: Fault[]): this {
    this.faults.push(...faults);
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((incoming, outgoing) => void this.handle(incoming, outgoing));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private async handle(incoming: IncomingMessage, outgoing: import('node:http').ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const idempotencyKey = incoming.headers['idempotency-key'] as string | undefined;
    this.seen.push({ method: incoming.method!, path: incoming.url!, idempotencyKey, body: body.toString() });
    const fault = this.faults.shift() ?? 'pass';
    if (fault === '503') {
      outgoing
        .writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' })
        .end('{"statusCode":503,"code":"DATABASE_UNAVAILABLE","message":"down"}');
      return;
    }
    const upstream = forward(
      `${this.target}${incoming.url}`,
      { method: incoming.method, headers: incoming.headers },
      (answer) => {
        if (fault === 'drop-answer') {
          answer.resume();
          answer.on('end', () => outgoing.socket?.destroy()); // the work is done; its answer never arrives
          return;
        }
        outgoing.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.end(body);
  }
}

/** The typed client makes retries safe: one allocation per call, however the network behaves. */
describe('The typed client, retrying', () => {
  let t: TestApp;
  let proxy: FlakyProxy;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp({}, { listen: true });
    key = await t.apiKey();
    proxy = await new FlakyProxy(t.url).start();
  });
  afterAll(async () => {
    await proxy.stop();
    await t.close();
  });

  it('allocates once when the answer to an allocate is lost: the retry carries the same Idempotency-Key and body', async () => {
    const { clientId, body } = await createContractedPool(t.prisma);
    const client = createAllocatorClient({ baseUrl: proxy.url, apiKey: key, retry: { baseDelayMs: 10 } });
    proxy.failNext('drop-answer');
    const answer = await dataOf(client.POST('/api/server/allocate', { body }));

    const sent = proxy.seen.slice(-2);
    expect(sent.map((s) => s.path)).toEqual(['/api/server/allocate', '/api/server/allocate']);
    expect(sent[0].idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent[1]).toEqual(sent[0]);
    expect(answer.changed).toBe(false); // the repeat answers what the first call did
    const allocations = await t.prisma.allocation.findMany({ where: { clientId } });
    expect(allocations.map((a) => a.id)).toEqual([answer.allocation!.id]);
  });

  it('retries a 503 after its Retry-After, with the same key, and gives up after the attempts allowed', async () => {
    const { clientId, body } = await createContractedPool(t.prisma);
    const client = createAllocatorClient({ baseUrl: proxy.url, apiKey: key, retry: { attempts: 3, maxDelayMs: 50 } });
    proxy.failNext('503', '503');
    const answer = await dataOf(client.POST('/api/server/allocate', { body }));
    expect(answer.changed).toBe(true);
    expect(new Set(proxy.seen.slice(-3).map((s) => s.idempotencyKey)).size).toBe(1);

    proxy.failNext('503', '503', '503');
    const { response } = await client.POST('/api/server/allocate', { body });
    expect(response.status).toBe(503);
    expect(await t.prisma.allocation.count({ where: { clientId } })).toBe(1);
  });

  it('gives each call its own key, and keeps the key a caller chose', async () => {
    const { body } = await createContractedPool(t.prisma);
    const client = createAllocatorClient({ baseUrl: proxy.url, apiKey: key });
    await dataOf(client.POST('/api/server/allocate', { body }));
    await dataOf(client.POST('/api/server/allocate', { body }));
    const [first, second] = proxy.seen.slice(-2).map((s) => s.idempotencyKey);
    expect(first).not.toBe(second);
    await client.POST('/api/server/allocate', { body, params: { header: { 'Idempotency-Key': 'chosen-by-caller' } } });
    expect(proxy.seen.at(-1)!.idempotencyKey).toBe('chosen-by-caller');
  });

  it('does not resend a POST that is not safe to repeat', async () => {
    const client = createAllocatorClient({ baseUrl: proxy.url, apiKey: key, retry: { baseDelayMs: 10 } });
    proxy.failNext('503');
    const before = proxy.seen.length;
    const { response } = await client.POST('/api/servers', {
      body: { servers: [{ id: 990101, hostname: 'once.test', locationId: 1, instanceTypeId: 1 }] },
    });
    expect(response.status).toBe(503);
    expect(proxy.seen.length).toBe(before + 1);
  });
});
