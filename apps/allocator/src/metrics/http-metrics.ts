import type { FastifyInstance } from 'fastify';
import { reachedRoute } from '@app/api-kit';
import { Metrics } from '@app/metrics';

/** Every HTTP request, by method, route pattern (not its ids) and status, and how long it took. */
export function httpMetrics(fastify: FastifyInstance, metrics: Metrics): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = reachedRoute(request) ?? 'unmatched';
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    done();
  });
}
