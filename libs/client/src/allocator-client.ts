import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, paths } from './generated/openapi';
import { retryingFetch, type RetryOptions } from './retrying-fetch';

/** The allocator's API, typed from openapi.json: `client.POST('/api/server/allocate', { body })`. */
export type AllocatorClient = Client<paths>;

export type Schemas = components['schemas'];

/** Any error body the API answers; narrow on `code` to read its `details`. */
export type ApiError = Extract<Schemas[keyof Schemas], { statusCode: number; code: string; message: string }>;

export interface AllocatorClientOptions extends Omit<ClientOptions, 'baseUrl' | 'headers'> {
  /** Where the service listens, e.g. http://127.0.0.1:3000 */
  baseUrl: string;
  /** Sent as X-Api-Key on every request. */
  apiKey: string;
  /** Retries of a 503 or a broken connection (retrying-fetch.ts); `{ attempts: 1 }` turns them off. */
  retry?: RetryOptions;
}

/**
 * A client that makes retries safe: every allocate carries an Idempotency-Key (one per call, kept across its
 * retries), and what may have been carried out before its answer was lost (503, broken connection) is sent again.
 */
export function createAllocatorClient({
  baseUrl,
  apiKey,
  retry,
  fetch,
  ...options
}: AllocatorClientOptions): AllocatorClient {
  return createClient<paths>({
    ...options,
    fetch: retryingFetch(retry, fetch),
    baseUrl: baseUrl.replace(/\/+$/, ''),
    headers: { 'X-Api-Key': apiKey },
  });
}

/** An error answer of the API, thrown by `dataOf`. */
export class AllocatorApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiError,
  ) {
    super(`${status} ${body.code}: ${body.message}`);
    this.name = 'AllocatorApiError';
  }
}

type Answer<Data, Failure> =
  { data: Data; error?: never; response: Response } | { data?: never; error: Failure; response: Response };

/** The data of a successful answer (every answer of this API has a JSON body); an AllocatorApiError for any error answer. */
export async function dataOf<Data, Failure>(
  request: Promise<Answer<Data, Failure>>,
): Promise<Exclude<Data, undefined>> {
  const { data, error, response } = await request;
  if (error !== undefined) throw new AllocatorApiError(response.status, error as ApiError);
  return data as Exclude<Data, undefined>;
}
