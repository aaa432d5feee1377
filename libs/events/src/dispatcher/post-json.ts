import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { AttemptOutcome } from './retry-policy';

// Connections to receivers are kept open between deliveries: one hook receives many events in a row.
const agents = {
  'http:': new HttpAgent({ keepAlive: true, maxSockets: 64 }),
  'https:': new HttpsAgent({ keepAlive: true, maxSockets: 64 }),
};

/** Connects to this address, whatever the host name resolves to now: the one the policy checked. */
function pinned(address: string, family: number): LookupFunction {
  return (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all)
      (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

/**
 * POSTs a JSON body to `url` at the checked `address`, and answers the receiver's status, or why there
 * is none, as a category (timed out, connection refused, ...): never a raw socket error. Redirects are
 * answered, not followed. node:http rather than fetch: a quarter of the CPU per delivery.
 */
export function postJson(
  url: string,
  address: { address: string; family: number },
  body: string,
  timeoutMs: number,
  headers: Record<string, string>,
): Promise<AttemptOutcome> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(
      target,
      {
        method: 'POST',
        agent: agents[target.protocol as keyof typeof agents],
        lookup: pinned(address.address, address.family),
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        signal: AbortSignal.timeout(timeoutMs),
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
        response.on('error', (error: NodeJS.ErrnoException) => resolve({ error: describe(error) }));
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ error: describe(error) }));
    request.end(body);
  });
}

const CATEGORIES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ECONNABORTED: 'connection reset',
  ENOTFOUND: 'name not resolved',
  EAI_AGAIN: 'name not resolved',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'host unreachable',
  CERT_HAS_EXPIRED: 'TLS error',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS error',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS error',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS error',
};

function describe(error: NodeJS.ErrnoException): string {
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return 'timed out';
  return CATEGORIES[error.code ?? ''] ?? 'network error';
}
