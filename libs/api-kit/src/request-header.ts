import { ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** A header of the request being handled, by its name in any case; undefined when absent. */
export function requestHeader(context: ExecutionContext, name: string): string | undefined {
  return context.switchToHttp().getRequest<FastifyRequest>().headers[name.toLowerCase()] as string | undefined;
}
