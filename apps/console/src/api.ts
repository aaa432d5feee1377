import { AllocatorApiError, createAllocatorClient, dataOf, type AllocatorClient, type Schemas } from '@app/client';

export type Scope = Schemas['SessionDto']['scopes'][number];

/** The signed-in key: the typed client that sends it, and what it may do. */
export interface Session {
  client: AllocatorClient;
  name: string;
  can(scope: Scope): boolean;
}

/** An error answer as the console shows it: code, message and the request id that finds it in the logs. */
export interface Failure {
  status: number;
  code: string;
  message: string;
  requestId?: string;
}

// The key lives in this browser tab's session only: never in a URL, a cookie or local storage.
const STORED_KEY = 'allocator-console:api-key';

export const storedKey = (): string | null => sessionStorage.getItem(STORED_KEY);
export const forgetKey = (): void => sessionStorage.removeItem(STORED_KEY);

export async function openSession(apiKey: string): Promise<Session> {
  const client = createAllocatorClient({ baseUrl: window.location.origin, apiKey, retry: { attempts: 1 } });
  const me = await dataOf(client.GET('/api/session'));
  sessionStorage.setItem(STORED_KEY, apiKey);
  return { client, name: me.name, can: (scope) => me.scopes.includes(scope) };
}

export function failureOf(error: unknown): Failure {
  if (error instanceof AllocatorApiError) {
    const body = error.body as { code: string; message: string; requestId?: string };
    return { status: error.status, code: body.code, message: body.message, requestId: body.requestId };
  }
  return { status: 0, code: 'NETWORK', message: error instanceof Error ? error.message : String(error) };
}

/** One page of a list and how many there are in all, from the answer's RANGED-DATA header. */
export interface Page<T> {
  items: T[];
  total: number;
}

export const rangeOf = (start: number, results: number) => ({ 'RANGED-DATA': `start=${start},results=${results}` });

type Answer<Data> =
  { data: Data; error?: never; response: Response } | { data?: never; error: unknown; response: Response };

export async function pageOf<T>(request: Promise<Answer<T[]>>): Promise<Page<T>> {
  const items = await dataOf(request);
  const { response } = await request;
  const total = /total=(\d+)/.exec(response.headers.get('RANGED-DATA') ?? '')?.[1];
  return { items, total: total === undefined ? items.length : Number(total) };
}

export { dataOf };
export type { Schemas };
