import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { InvalidFieldError } from '@app/errors';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** The optional Idempotency-Key header: 1 to 255 visible ASCII characters. */
export const IdempotencyKey = createParamDecorator((_: unknown, context: ExecutionContext): string | undefined => {
  const value = context.switchToHttp().getRequest<FastifyRequest>().headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()] as
    string | undefined;
  if (value === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(value)) {
    throw new InvalidFieldError(IDEMPOTENCY_KEY_HEADER, 'must be 1 to 255 visible ASCII characters');
  }
  return value;
});
