import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { DomainError, ErrorCode } from '@app/errors';
import { sendError } from './error.filter';

/**
 * No request waits longer than `seconds`, whatever the database or a receiver does: it is answered
 * 503 REQUEST_TIMEOUT with Retry-After (a later answer of its handler is dropped).
 */
export function requestTimeout(seconds: number): RequestHandler {
  return (_req: Request, res: Response, next: NextFunction) => {
    const timer = setTimeout(() => {
      res.setHeader('Retry-After', '1');
      sendError(
        res,
        new DomainError(
          ErrorCode.REQUEST_TIMEOUT,
          `The request took longer than ${seconds} s and was given up; retry later`,
        ),
      );
    }, seconds * 1000);
    res.once('close', () => clearTimeout(timer));
    next();
  };
}
