import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export const REQUEST_ID_HEADER = 'X-Request-Id';

let loggingFor: string | undefined;

/**
 * Writes the log lines of a request: each carries its id. Log writes are synchronous, so a variable set around
 * them is enough; an AsyncLocalStorage would carry the id into any line, but it turns on async hooks for every
 * promise of every request, which cost 15-20 % of a request's CPU (bench/http-overhead.js, A B A B).
 */
export function logForRequest(requestId: string, write: () => void): void {
  const outer = loggingFor;
  loggingFor = requestId;
  try {
    write();
  } finally {
    loggingFor = outer;
  }
}

/** The id of the request whose lines are being written (logForRequest), for the service's logger. */
export function currentRequestId(): string | undefined {
  return loggingFor;
}

/** An incoming X-Request-Id is kept (when it is 1 to 128 visible characters); otherwise one is made (Fastify's genReqId). */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[\x21-\x7e]{1,128}$/.test(given) ? given : randomUUID();
}

const reachedHandler = new WeakSet<FastifyRequest>();

/**
 * The route pattern of a request that reached its handler (authenticated, its body read); undefined for
 * one answered before (401, 413, ...) or matching no route: logs and metrics never carry ids.
 */
export function reachedRoute(request: FastifyRequest): string | undefined {
  return reachedHandler.has(request) ? request.routeOptions.url : undefined;
}

/** Every request's id is echoed back; a request that reaches its handler is marked so (reachedRoute). */
export function requestContext(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  fastify.addHook('preHandler', (request, _reply, done) => {
    reachedHandler.add(request);
    done();
  });
}
