import { ErrorCode } from '@app/errors';

/** The one body of every non-2xx answer; its schema per code is in error-schemas.ts. */
export interface ErrorBody {
  /** HTTP status, repeated for convenience. */
  statusCode: number;
  code: ErrorCode;
  /** For people. */
  message: string;
  /** Facts behind the error, by code (ERROR_DETAILS). */
  details?: Record<string, unknown>;
  /** Correlation id of an unexpected failure. */
  errorId?: string;
  /** The request's id (X-Request-Id). */
  requestId?: string;
}
