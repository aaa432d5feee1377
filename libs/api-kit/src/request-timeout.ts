import type { FastifyInstance } from 'fastify';
import { DomainError, ErrorCode } from '@app/errors';
import { sendError } from './error.filter';

/**
 * No request waits longer than `seconds`, whatever the database or a receiver does: it is answered
 * 503 REQUEST_TIMEOUT with Retry-After (a later answer of its handler is dropped).
 */
export function requestTimeout(fastify: FastifyInstance, seconds: number): void {
  fastify.addHook('onRequest', (_request, reply, done) => {
    const timer = setTimeout(() => {
      reply.header('Retry-After', '1');
      sendError(
        reply,
        new DomainError(
          ErrorCode.REQUEST_TIMEOUT,
          `The request took longer than ${seconds} s and was given up; retry later`,
        ),
      );
    }, seconds * 1000);
    reply.raw.once('close', () => clearTimeout(timer));
    done();
  });
}
