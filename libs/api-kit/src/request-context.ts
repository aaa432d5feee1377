import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export const REQUEST_ID_HEADER = 'X-Request-Id';

interface RequestContext {
  requestId: string;
}

const context = new AsyncLocalStorage<RequestContext>();

/** The id of the request being handled, for log lines and error bodies; undefined outside a request. */
export function currentRequestId(): string | undefined {
  return context.getStore()?.requestId;
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

/**
 * Every request's id is echoed back and known to its log lines. Reading the body leaves the context (its
 * stream's events belong to the connection), so the hook before the handler enters it again.
 */
export function requestContext(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    context.run({ requestId: request.id }, done);
  });
  fastify.addHook('preHandler', (request, _reply, done) => {
    reachedHandler.add(request);
    context.run({ requestId: request.id }, done);
  });
}
