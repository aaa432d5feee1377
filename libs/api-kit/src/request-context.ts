import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export const REQUEST_ID_HEADER = 'X-Request-Id';

interface RequestContext {
  requestId: string;
}

const context = new AsyncLocalStorage<RequestContext>();

/** The id of the request being handled, for log lines and error bodies; undefined outside a request. */
export function currentRequestId(): string | undefined {
  return context.getStore()?.requestId;
}

/** An incoming X-Request-Id is kept (when it is 1 to 128 visible characters) and echoed back; otherwise one is made. */
export function requestContext(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const given = req.header(REQUEST_ID_HEADER);
    const requestId = given && /^[\x21-\x7e]{1,128}$/.test(given) ? given : randomUUID();
    res.setHeader(REQUEST_ID_HEADER, requestId);
    context.run({ requestId }, next);
  };
}
