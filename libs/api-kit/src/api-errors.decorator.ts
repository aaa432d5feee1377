import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from './error-response.dto';

/** Documents the error answers of a route, each with the one error body. */
export function ApiErrors(errors: Record<number, string>) {
  return applyDecorators(
    ...Object.entries(errors).map(([status, description]) => ApiResponse({ status: Number(status), description, type: ErrorResponseDto })),
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
