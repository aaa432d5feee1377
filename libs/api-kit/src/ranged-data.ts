import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiResponseOptions } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Page, Slice } from '@app/database';
import { InvalidFieldError } from '@app/errors';
import { requestHeader } from './request-header';

/**
 * The provider's paging convention (seed 001): request header `RANGED-DATA: start=0,results=25`;
 * the answer carries `RANGED-DATA: start=0,results=25,total=60` with the range returned.
 */
export const RANGED_DATA_HEADER = 'RANGED-DATA';
export const DEFAULT_RESULTS = 25;
export const MAX_RESULTS = 1000;

export function parseRange(header: string | undefined): Slice {
  if (header === undefined || header.trim() === '') return { start: 0, results: DEFAULT_RESULTS };
  const match = /^\s*start=(\d{1,9})\s*,\s*results=(\d{1,9})\s*$/i.exec(header);
  const range = match && { start: Number(match[1]), results: Number(match[2]) };
  if (!range || range.results < 1 || range.results > MAX_RESULTS) {
    const rule = `must look like start=0,results=25 with results from 1 to ${MAX_RESULTS}`;
    throw new InvalidFieldError(RANGED_DATA_HEADER, `${rule} (got "${header}")`, `${RANGED_DATA_HEADER} ${rule}`);
  }
  return range;
}

/** The requested range of a list endpoint; sets the answer's RANGED-DATA header once the total is known. */
export const RangedData = createParamDecorator((_: unknown, context: ExecutionContext) => {
  const range = parseRange(requestHeader(context, RANGED_DATA_HEADER));
  return {
    ...range,
    answer<T>(page: Page<T>): T[] {
      context
        .switchToHttp()
        .getResponse<FastifyReply>()
        .header(RANGED_DATA_HEADER, `start=${range.start},results=${page.items.length},total=${page.total}`);
      return page.items;
    },
  };
});

export type RangedRequest = Slice & { answer<T>(page: Page<T>): T[] };

/** Documents the request and response RANGED-DATA headers of a list endpoint. */
export function ApiRangedData() {
  return applyDecorators(
    ApiHeader({
      name: RANGED_DATA_HEADER,
      required: false,
      description: `Range to return, \`start=0,results=${DEFAULT_RESULTS}\` when absent; results at most ${MAX_RESULTS}`,
      example: 'start=0,results=25',
    }),
  );
}

export const RANGED_DATA_RESPONSE_HEADERS: ApiResponseOptions['headers'] = {
  [RANGED_DATA_HEADER]: {
    description: 'The range returned and the total, e.g. `start=0,results=25,total=60`',
    schema: { type: 'string' },
  },
};
