import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { createAllocatorClient, dataOf, SIGNATURE_HEADER, verifySignature } from '@app/client';
import { EventEnvelope, EventType } from '@app/events';

export interface MetalworksSimOptions {
  allocatorUrl: string;
  /** Needs the scopes admin (to register its hook), server:available and server:isolate. */
  apiKey: string;
  host?: string;
  port?: number;
  hookName?: string;
  delaySeconds: number;
  /** Fraction of baselines that fail, 0 to 1. */
  failRate: number;
  random?: () => number;
  log?: (message: string) => void;
}

export interface MetalworksSim {
  url: string;
  /** Baselines finished so far, by outcome. */
  stats: {
    received: number;
    duplicates: number;
    rejected: number;
    available: number;
    failed: number;
    callbackErrors: number;
  };
  stop(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * Stands in for MetalWorks' Back to Baseline: registers a hook for server.baseline.requested,
 * verifies each delivery's signature, "wipes and checks" for a while, then calls back available,
 * or isolate with failedBaseline for a fraction of servers.
 */
export async function startMetalworksSim(options: MetalworksSimOptions): Promise<MetalworksSim> {
  const log = options.log ?? (() => undefined);
  const random = options.random ?? Math.random;
  const secret = `whsec_${randomBytes(24).toString('base64url')}`;
  const seen = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  const stats = { received: 0, duplicates: 0, rejected: 0, available: 0, failed: 0, callbackErrors: 0 };

  const allocator = createAllocatorClient({ baseUrl: options.allocatorUrl, apiKey: options.apiKey });

  /** Ends the run `baselineId` asked for: the allocator refuses a run that is no longer the one under way. */
  const finishBaseline = async (serverId: number, baselineId: string | undefined) => {
    const path = { serverId };
    try {
      if (random() < options.failRate) {
        const body = {
          subState: 'failedBaseline',
          reason: 'Health check failed after wipe (simulated)',
          operationUuid: randomUUID(),
        } as const;
        await dataOf(allocator.POST('/api/server/{serverId}/isolate', { params: { path }, body }));
        stats.failed++;
        log(`Back to Baseline of server ${serverId} failed: isolated`);
      } else {
        await dataOf(allocator.POST('/api/server/{serverId}/available', { params: { path }, body: { baselineId } }));
        stats.available++;
        log(`Back to Baseline of server ${serverId} done: Available`);
      }
    } catch (error) {
      stats.callbackErrors++;
      log(`Call back for server ${serverId} failed: ${(error as Error).message}`);
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    if (request.method !== 'POST' || request.url !== '/events') return response.writeHead(404).end();
    const body = await readBody(request);
    const check = verifySignature(secret, request.headers[SIGNATURE_HEADER.toLowerCase()] as string | undefined, body);
    if (!check.valid) {
      stats.rejected++;
      return response
        .writeHead(401, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: `signature ${check.reason}` }));
    }
    const event = JSON.parse(body) as EventEnvelope;
    response.writeHead(202).end();
    if (seen.has(event.id)) {
      stats.duplicates++;
      return;
    }
    seen.add(event.id);
    stats.received++;
    if (event.type !== EventType.BaselineRequested) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      void finishBaseline(event.payload.server.id, event.payload.baseline?.id);
    }, options.delaySeconds * 1000);
    timers.add(timer);
  };

  const server = createServer(
    (request, response) => void handle(request, response).catch(() => response.writeHead(400).end()),
  );
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;

  const hook = {
    name: options.hookName ?? 'metalworks-sim',
    url: `${url}/events`,
    eventTypes: [EventType.BaselineRequested],
    secret,
  };
  try {
    await dataOf(allocator.PUT('/api/hooks', { body: hook }));
  } catch (error) {
    server.close();
    throw new Error(`Could not register the MetalWorks simulator's hook: ${(error as Error).message}`, {
      cause: error,
    });
  }
  log(
    `MetalWorks simulator on ${url}: Back to Baseline takes ${options.delaySeconds} s, ${Math.round(options.failRate * 100)}% fail`,
  );

  return {
    url,
    stats,
    stop: () => {
      for (const timer of timers) clearTimeout(timer);
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
