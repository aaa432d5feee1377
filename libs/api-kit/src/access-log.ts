import { Logger } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

const log = new Logger('HTTP');

/** One line per request: method, route, status, duration and the API key's name (never a secret). */
export function accessLog(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const route = req.route ? `${req.baseUrl}${req.route.path as string}` : req.originalUrl.split('?')[0];
      const key = (req.user as { name?: string } | undefined)?.name ?? '-';
      log.log(`${req.method} ${route} ${res.statusCode} ${ms.toFixed(1)} ms key=${key}`);
    });
    next();
  };
}
