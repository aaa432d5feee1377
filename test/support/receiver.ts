import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { SIGNATURE_HEADER, verifySignature } from '@app/client';
import type { EventEnvelope } from '@app/events';

export interface Received {
  envelope: EventEnvelope;
  /** The body as sent, which the signature covers. */
  body: string;
  headers: IncomingMessage['headers'];
  signatureValid: boolean;
  at: number;
}

/** What the receiver does with the n-th request: answer a status, or hang (never answer). */
export type Behaviour = number | 'hang';

/**
 * A real HTTP receiver on 127.0.0.1 that records every delivery, checks its signature, and can be
 * told how to answer, be stopped (receiver down) and started again on the same port.
 */
export class TestReceiver {
  readonly received: Received[] = [];
  /** Highest number of requests for one event id in flight at once. */
  maxConcurrentPerEvent = 0;
  private readonly inFlight = new Map<string, number>();
  private server?: Server;
  private plan: Behaviour[] = [];
  private port = 0;
  private readonly hanging = new Set<ServerResponse>();

  constructor(
    private readonly secret: string,
    private readonly delayMs = 0,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  /** Answers for the next requests, in order; 200 after the list is used up. */
  answer(...plan: Behaviour[]): this {
    this.plan.push(...plan);
    return this;
  }

  /** Forgets the answers still planned: 200 from now on (a receiver that was failing comes back). */
  recover(): this {
    this.plan = [];
    return this;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.hanging.clear();
    const closed = new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    // The dispatcher keeps connections alive: close them, or close() waits for them forever.
    this.server?.closeAllConnections();
    await closed;
  }

  eventIds(): string[] {
    return this.received.map((r) => r.envelope.id);
  }

  /** Waits until `predicate` holds on what was received. */
  async until(predicate: (received: Received[]) => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.received)) {
      if (Date.now() > deadline)
        throw new Error(
          `receiver: condition not met in ${timeoutMs} ms; received ${this.received.map((r) => r.envelope.type).join(', ')}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const envelope = JSON.parse(body) as EventEnvelope;
    const concurrent = (this.inFlight.get(envelope.id) ?? 0) + 1;
    this.inFlight.set(envelope.id, concurrent);
    this.maxConcurrentPerEvent = Math.max(this.maxConcurrentPerEvent, concurrent);
    const behaviour = this.plan.shift() ?? 200;
    if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    this.inFlight.set(envelope.id, concurrent - 1);
    if (behaviour === 'hang') {
      this.hanging.add(response);
      return;
    }
    const signatureValid = verifySignature(
      this.secret,
      request.headers[SIGNATURE_HEADER.toLowerCase()] as string,
      body,
    ).valid;
    if (behaviour >= 200 && behaviour < 300)
      this.received.push({ envelope, body, headers: request.headers, signatureValid, at: Date.now() });
    response.writeHead(behaviour).end();
  }
}
