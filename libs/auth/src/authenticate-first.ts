import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import passport from 'passport';
import { sendError } from '@app/api-kit';
import { DomainError, ErrorCode } from '@app/errors';
import { API_KEY_HEADER, API_KEY_STRATEGY } from './api-key.strategy';
import { ApiKeyPrincipal } from './api-key.service';

/** Too many failed authentications from one address in a window: the next ones are refused without a lookup. */
export class FailedAuthLimiter {
  /** By address, oldest window first (an entry whose window starts again moves to the end). */
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowSeconds: number,
    /** Addresses remembered at most: beyond, the oldest windows are forgotten first, never the ones holding an address off. */
    private readonly capacity = 100_000,
  ) {}

  /** Seconds the address must wait, or 0 when it may try. */
  retryAfter(address: string, now = Date.now()): number {
    const entry = this.failures.get(address);
    if (!entry) return 0;
    const left = entry.since + this.windowSeconds * 1000 - now;
    if (left <= 0) {
      this.failures.delete(address);
      return 0;
    }
    return entry.count >= this.limit ? Math.ceil(left / 1000) : 0;
  }

  failed(address: string, now = Date.now()): void {
    const entry = this.failures.get(address);
    if (entry && entry.since + this.windowSeconds * 1000 > now) {
      entry.count++;
      return;
    }
    this.failures.delete(address);
    this.failures.set(address, { count: 1, since: now });
    this.forgetBeyondCapacity(now);
  }

  /** How many addresses are remembered now. */
  get size(): number {
    return this.failures.size;
  }

  private forgetBeyondCapacity(now: number): void {
    for (const [address, entry] of this.failures) {
      if (this.failures.size <= this.capacity) return;
      const expired = entry.since + this.windowSeconds * 1000 <= now;
      // Past the window, or an address that failed less than the limit: forgetting it frees nobody who is held off.
      if (expired || entry.count < this.limit) this.failures.delete(address);
    }
  }
}

/** The API's own paths: /api and everything under it. */
const API_PATH = /^\/api(?:[/?]|$)/i;

/**
 * Authenticates every /api request before its body is read, so that a request without a valid key is
 * 401 whatever its body; an address that keeps failing is answered 429 with Retry-After before it
 * costs a lookup. The route's guard then checks the key's scopes.
 */
export function authenticateFirst(fastify: FastifyInstance, limiter: FailedAuthLimiter): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!API_PATH.test(request.url)) return done();
    // The client's address: the socket's, or, behind a trusted proxy (TRUST_PROXY), the one it forwarded.
    const address = request.ip;
    const wait = limiter.retryAfter(address);
    if (wait) {
      // sendError sets Retry-After from details.retryAfterSeconds.
      return sendError(
        reply,
        new DomainError(
          ErrorCode.TOO_MANY_REQUESTS,
          `Too many failed authentications from this address; retry in ${wait} s`,
          { retryAfterSeconds: wait },
        ),
      );
    }
    const verify = passport.authenticate(
      API_KEY_STRATEGY,
      { session: false },
      (error: unknown, principal: ApiKeyPrincipal | false) => {
        if (principal) {
          request.user = principal;
          return done();
        }
        const refusal = error ?? new DomainError(ErrorCode.UNAUTHORIZED, `Missing ${API_KEY_HEADER} header`);
        if (refusal instanceof DomainError && refusal.code === ErrorCode.UNAUTHORIZED) limiter.failed(address);
        sendError(reply, refusal);
      },
    ) as (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;
    verify(request.raw, reply.raw, (error) => done(error as Error | undefined));
  });
}
