import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ErrorCode } from '@app/errors';
import { ErrorResponseDto } from './error-response.dto';
import { ERROR_STATUS } from './error-status';

/** One typical body per status, so that each documented error shows an example that matches it. */
const EXAMPLES: Record<number, Omit<ErrorResponseDto, 'statusCode'>> = {
  400: { code: ErrorCode.VALIDATION_FAILED, message: 'locationId must be an integer number', details: { fields: [{ field: 'locationId', problems: ['locationId must be an integer number'] }] } },
  401: { code: ErrorCode.UNAUTHORIZED, message: 'Missing X-Api-Key header' },
  403: { code: ErrorCode.FORBIDDEN, message: 'This API key lacks the scope server:allocate', details: { requiredScopes: ['server:allocate'], missingScopes: ['server:allocate'] } },
  404: { code: ErrorCode.SERVER_NOT_FOUND, message: 'Server 157437 does not exist', details: { id: 157437 } },
  409: { code: ErrorCode.INVALID_STATE, message: 'Server 157437 is baselining: allocate is not allowed', details: { serverId: 157437, status: 'baselining', command: 'allocate' } },
  413: { code: ErrorCode.PAYLOAD_TOO_LARGE, message: 'request entity too large' },
  415: { code: ErrorCode.UNSUPPORTED_MEDIA_TYPE, message: 'The body must be application/json (got text/plain)' },
  422: { code: ErrorCode.IDEMPOTENCY_KEY_REUSED, message: 'Idempotency-Key retry-1 was used for a different request', details: { idempotencyKey: 'retry-1' } },
  429: { code: ErrorCode.TOO_MANY_REQUESTS, message: 'Too many failed authentications from this address; retry in 42 s', details: { retryAfterSeconds: 42 } },
  500: { code: ErrorCode.INTERNAL_ERROR, message: 'Unexpected failure; the errorId finds it in the service logs', errorId: '3b0b2c1e-7d1c-4d43-9b6e-2f2a0a1f4c55' },
  503: { code: ErrorCode.DATABASE_UNAVAILABLE, message: 'The database is unavailable; retry in 2 s' },
};

/** A status's example with the code a route names first in its description, when that code answers with this status. */
function exampleFor(status: number, description: string): ErrorResponseDto {
  const named = Object.values(ErrorCode).find((code) => ERROR_STATUS[code] === status && description.includes(code));
  const example = EXAMPLES[status] ?? { code: ErrorCode.INTERNAL_ERROR, message: description };
  return { statusCode: status, ...(named && named !== example.code ? { code: named, message: description } : example) };
}

/** Documents the error answers of a route, each with the one error body and an example of its own. */
export function ApiErrors(errors: Record<number, string>) {
  return applyDecorators(
    ApiExtraModels(ErrorResponseDto),
    ...Object.entries(errors).map(([status, description]) =>
      ApiResponse({
        status: Number(status),
        description,
        content: { 'application/json': { schema: { $ref: getSchemaPath(ErrorResponseDto) }, example: exampleFor(Number(status), description) } },
      }),
    ),
  );
}

/** Every route that takes input can answer this. */
export const BAD_REQUEST = { 400: 'Invalid input (code VALIDATION_FAILED): `details.fields` lists each field and what was wrong' };

/** What any /api route may answer, whatever it does. */
export const EVERY_ROUTE = {
  413: 'The body is larger than BODY_LIMIT_BYTES (code PAYLOAD_TOO_LARGE)',
  415: 'The body is not UTF-8 JSON (code UNSUPPORTED_MEDIA_TYPE)',
  429: 'Too many failed authentications from this address (code TOO_MANY_REQUESTS); see Retry-After',
  500: 'Unexpected failure (code INTERNAL_ERROR) with an errorId that finds it in the logs',
  503: 'The database is unavailable (DATABASE_UNAVAILABLE) or the request took longer than REQUEST_TIMEOUT (REQUEST_TIMEOUT); see Retry-After',
};
