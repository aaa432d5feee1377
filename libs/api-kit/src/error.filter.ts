import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { DatabaseOutage, isDatabaseUnavailable, isTransientConflict } from '@app/database';
import { DomainError, ErrorCode } from '@app/errors';
import { ErrorBody } from './error-body';
import { currentRequestId } from './request-context';
import { ERROR_STATUS } from './error-status';

/** Codes for the HTTP errors the framework raises by itself (unknown route, malformed JSON, ...). */
const HTTP_STATUS_CODE: Partial<Record<number, ErrorCode>> = {
  [HttpStatus.BAD_REQUEST]: ErrorCode.VALIDATION_FAILED,
  [HttpStatus.UNAUTHORIZED]: ErrorCode.UNAUTHORIZED,
  [HttpStatus.FORBIDDEN]: ErrorCode.FORBIDDEN,
  [HttpStatus.NOT_FOUND]: ErrorCode.ROUTE_NOT_FOUND,
  [HttpStatus.PAYLOAD_TOO_LARGE]: ErrorCode.PAYLOAD_TOO_LARGE,
};

/** Body-parser errors (bad JSON, too large) carry their status this way. */
interface StatusCarrier {
  status?: number;
  statusCode?: number;
  message?: string;
}

const logger = new Logger('HTTP');

/** Where createApp leaves the database's outage tracker for the error answers (`app.locals`). */
export const DATABASE_OUTAGE = 'databaseOutage';

/** Seconds a client should wait before retrying while the database is unavailable. */
const RETRY_AFTER_SECONDS = 2;

/**
 * Answers `error` in the one error shape: from the exception filter, or from a middleware before Nest
 * routes. A response already sent (a request that timed out, say) is left alone.
 */
export function sendError(res: Response, error: unknown): void {
  if (res.headersSent) return;
  const outage = res.app?.locals?.[DATABASE_OUTAGE] as DatabaseOutage | undefined;
  if (outage ? outage.noticed(error) : isDatabaseUnavailable(error)) {
    res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    res.status(503).json(
      withRequestId({
        statusCode: 503,
        code: ErrorCode.DATABASE_UNAVAILABLE,
        message: `The database is unavailable; retry in ${RETRY_AFTER_SECONDS} s`,
      }),
    );
    return;
  }
  if (isTransientConflict(error)) {
    // Retried already where it can be (againAfterConflict); what is left is a moment of contention, not a fault.
    res.setHeader('Retry-After', '1');
    res.status(503).json(
      withRequestId({
        statusCode: 503,
        code: ErrorCode.DATABASE_UNAVAILABLE,
        message: 'The database is busy with conflicting changes (deadlock or serialization failure); retry in 1 s',
      }),
    );
    return;
  }
  const body = withRequestId(errorBody(error));
  const retryAfter = body.details?.retryAfterSeconds;
  if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
  res.status(body.statusCode).json(body);
}

function withRequestId(body: ErrorBody): ErrorBody {
  const requestId = currentRequestId();
  return requestId ? { ...body, requestId } : body;
}

/** Turns anything thrown while handling a request into the one error shape. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    sendError(host.switchToHttp().getResponse<Response>(), error);
  }
}

function errorBody(error: unknown): ErrorBody {
  if (error instanceof DomainError) {
    return {
      statusCode: ERROR_STATUS[error.code],
      code: error.code,
      message: error.message,
      ...(error.details && { details: error.details }),
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = HTTP_STATUS_CODE[status];
    // Our own validation throws DomainErrors: a framework 400 is a body that could not be parsed.
    const message =
      status === HttpStatus.BAD_REQUEST ? `The request body could not be read: ${error.message}` : error.message;
    if (code) return { statusCode: status, code, message };
  }
  const carrier = (error ?? {}) as StatusCarrier;
  const status = carrier.status ?? carrier.statusCode;
  if (status && status >= 400 && status < 500 && HTTP_STATUS_CODE[status]) {
    return { statusCode: status, code: HTTP_STATUS_CODE[status]!, message: carrier.message ?? 'Bad request' };
  }
  const errorId = randomUUID();
  logger.error(`Unexpected failure ${errorId}`, error instanceof Error ? error.stack : String(error));
  return {
    statusCode: 500,
    code: ErrorCode.INTERNAL_ERROR,
    message: 'Unexpected failure; the errorId finds it in the service logs',
    errorId,
  };
}
