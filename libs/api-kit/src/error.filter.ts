import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { DatabaseOutage, isDatabaseUnavailable, isTransientConflict } from '@app/database';
import { DomainError, ErrorCode } from '@app/errors';
import { ErrorBody } from './error-body';
import { ERROR_STATUS } from './error-status';
import './fastify-types';
import { logForRequest } from './request-context';

/** Codes for the HTTP errors the framework raises by itself (unknown route, malformed JSON, ...). */
const HTTP_STATUS_CODE: Partial<Record<number, ErrorCode>> = {
  [HttpStatus.BAD_REQUEST]: ErrorCode.VALIDATION_FAILED,
  [HttpStatus.UNAUTHORIZED]: ErrorCode.UNAUTHORIZED,
  [HttpStatus.FORBIDDEN]: ErrorCode.FORBIDDEN,
  [HttpStatus.NOT_FOUND]: ErrorCode.ROUTE_NOT_FOUND,
  [HttpStatus.PAYLOAD_TOO_LARGE]: ErrorCode.PAYLOAD_TOO_LARGE,
};

/** Fastify's own errors (body too large, cut off, a malformed URL) carry their status this way. */
interface StatusCarrier {
  status?: number;
  statusCode?: number;
  message?: string;
}

const logger = new Logger('HTTP');

/** Seconds a client should wait before retrying while the database is unavailable. */
const RETRY_AFTER_SECONDS = 2;

/**
 * Answers `error` in the one error shape: from the exception filter, or from a hook before Nest
 * routes. A response already sent (a request that timed out, say) is left alone.
 */
export function sendError(reply: FastifyReply, error: unknown): void {
  // What it logs (an unexpected failure, a database outage it noticed) belongs to the request.
  logForRequest(reply.request.id, () => answerError(reply, error));
}

function answerError(reply: FastifyReply, error: unknown): void {
  if (reply.sent) return;
  const outage: DatabaseOutage | undefined = reply.server.databaseOutage;
  const withRequestId = (body: ErrorBody): ErrorBody => ({ ...body, requestId: reply.request.id });
  if (outage ? outage.noticed(error) : isDatabaseUnavailable(error)) {
    reply.header('Retry-After', String(RETRY_AFTER_SECONDS));
    reply.code(503).send(
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
    reply.header('Retry-After', '1');
    reply.code(503).send(
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
  if (retryAfter !== undefined) reply.header('Retry-After', String(retryAfter));
  reply.code(body.statusCode).send(body);
}

/** Turns anything thrown while handling a request into the one error shape. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    sendError(host.switchToHttp().getResponse<FastifyReply>(), error);
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
