import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse } from '@nestjs/swagger';
import { ErrorCode } from '@app/errors';
import { ErrorBody } from './error-body';
import { ERROR_EXAMPLES } from './error-examples';
import { codesOf, ERROR_DETAILS_MODELS, errorResponseSchema } from './error-schemas';

/** The example of the code a route's description names first for this status, else of the status's first code. */
function exampleFor(status: number, description: string): ErrorBody {
  const codes = codesOf(status);
  const position = (code: ErrorCode) => description.search(new RegExp(`\\b${code}\\b`));
  const named = codes.filter((code) => position(code) >= 0).sort((a, b) => position(a) - position(b));
  const code = named[0] ?? codes[0];
  return { statusCode: status, code, ...ERROR_EXAMPLES[code] };
}

/** Documents the error answers of a route: for each status, any body of the codes it stands for, with an example. */
export function ApiErrors(errors: Record<number, string>) {
  return applyDecorators(
    ApiExtraModels(...ERROR_DETAILS_MODELS),
    ...Object.entries(errors).map(([status, description]) =>
      ApiResponse({
        status: Number(status),
        description,
        content: {
          'application/json': {
            schema: errorResponseSchema(Number(status)),
            example: exampleFor(Number(status), description),
          },
        },
      }),
    ),
  );
}

/** Every route that takes input can answer this. */
export const BAD_REQUEST = {
  400: 'Invalid input (code VALIDATION_FAILED): `details.fields` lists each field and what was wrong',
};

/** What any /api route may answer, whatever it does. */
export const EVERY_ROUTE = {
  413: 'The body is larger than BODY_LIMIT_BYTES (code PAYLOAD_TOO_LARGE)',
  415: 'The body is not UTF-8 JSON (code UNSUPPORTED_MEDIA_TYPE)',
  429: 'Too many failed authentications from this address (code TOO_MANY_REQUESTS); see Retry-After',
  500: 'Unexpected failure (code INTERNAL_ERROR) with an errorId that finds it in the logs',
  503: 'The database is unavailable (DATABASE_UNAVAILABLE) or the request took longer than REQUEST_TIMEOUT (REQUEST_TIMEOUT); see Retry-After',
};
