import { Logger } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import './fastify-types';
import { logForRequest, reachedRoute } from './request-context';

const log = new Logger('HTTP');

/** One line per request: method, route, status, duration and the API key's name (never a secret). */
export function accessLog(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = reachedRoute(request) ?? request.url.split('?')[0];
    const key = request.user?.name ?? '-';
    const line = `${request.method} ${route} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)} ms key=${key}`;
    logForRequest(request.id, () => log.log(line));
    done();
  });
}
