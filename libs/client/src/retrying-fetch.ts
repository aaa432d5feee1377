/** How the client retries what may be retried. */
export interface RetryOptions {
  /** Attempts in all, the first included (default 4; 1 turns retries off). */
  attempts?: number;
  /** The wait when the answer names none (Retry-After), doubled at each attempt (default 200 ms). */
  baseDelayMs?: number;
  /** The longest wait, Retry-After included (default 5 s). */
  maxDelayMs?: number;
}

/** allocate and allocate/batch: retried only with an Idempotency-Key, which makes a repeat answer the same allocation. */
const ALLOCATE = /\/api\/server\/allocate(\/batch)?$/;
/** The seed-003 commands that end up in the same state however often they are sent. */
const IDEMPOTENT_COMMANDS = /\/api\/server\/\d+\/(isolate|available|quarantine)$/;

/**
 * A request the service may have carried out before its answer was lost: a 503 (the database was unreachable, or
 * the request timed out) or a broken connection. Each may be sent again with the same body: GET, PUT and DELETE
 * by their nature, the seed-003 POST commands because they are idempotent, allocate because it carries an
 * Idempotency-Key (made here when the caller sent none).
 */
function retriable(request: Request): boolean {
  const path = new URL(request.url).pathname;
  return request.method !== 'POST' || ALLOCATE.test(path) || IDEMPOTENT_COMMANDS.test(path);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function delayOf(
  response: Response | undefined,
  attempt: number,
  { baseDelayMs, maxDelayMs }: Required<RetryOptions>,
): number {
  const retryAfter = Number(response?.headers.get('retry-after'));
  const wanted = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : baseDelayMs * 2 ** (attempt - 1);
  return Math.min(wanted, maxDelayMs);
}

type Fetch = (request: Request) => Promise<Response>;

/** A fetch that gives every allocate an Idempotency-Key and sends again, a bounded number of times, what may be retried. */
export function retryingFetch(
  options: RetryOptions = {},
  fetchImpl: Fetch = (request) => globalThis.fetch(request),
): Fetch {
  const settings: Required<RetryOptions> = { attempts: 4, baseDelayMs: 200, maxDelayMs: 5000, ...options };
  return async (input: Request) => {
    const request =
      ALLOCATE.test(new URL(input.url).pathname) && !input.headers.has('idempotency-key') ? withKey(input) : input;
    if (!retriable(request)) return fetchImpl(request);
    for (let attempt = 1; ; attempt++) {
      let response: Response | undefined;
      try {
        response = await fetchImpl(request.clone());
        if (response.status !== 503 || attempt >= settings.attempts) return response;
      } catch (error) {
        if (attempt >= settings.attempts) throw error;
      }
      await sleep(delayOf(response, attempt, settings));
    }
  };
}

function withKey(request: Request): Request {
  const headers = new Headers(request.headers);
  headers.set('Idempotency-Key', globalThis.crypto.randomUUID());
  return new Request(request, { headers });
}
