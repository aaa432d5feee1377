import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { requestHeader } from '@app/api-kit';
import { InvalidFieldError } from '@app/errors';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** The optional Idempotency-Key header: 1 to 255 visible ASCII characters. */
export const IdempotencyKey = createParamDecorator((_: unknown, context: ExecutionContext): string | undefined => {
  const value = requestHeader(context, IDEMPOTENCY_KEY_HEADER);
  if (value === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(value)) {
    throw new InvalidFieldError(IDEMPOTENCY_KEY_HEADER, 'must be 1 to 255 visible ASCII characters');
  }
  return value;
});
