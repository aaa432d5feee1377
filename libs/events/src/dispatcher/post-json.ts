import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { AttemptOutcome } from './retry-policy';

// Connections to receivers are kept open between deliveries: one hook receives many events in a row.
const agents = { 'http:': new HttpAgent({ keepAlive: true, maxSockets: 64 }), 'https:': new HttpsAgent({ keepAlive: true, maxSockets: 64 }) };

/**
 * POSTs a JSON body and answers the receiver's status, or why there is none (network error, timeout).
 * Redirects are answered, not followed. node:http rather than fetch: a quarter of the CPU per delivery.
 */
export function postJson(url: string, body: string, timeoutMs: number, headers: Record<string, string>): Promise<AttemptOutcome> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(target, {
      method: 'POST',
      agent: agents[target.protocol as keyof typeof agents],
      headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      signal: AbortSignal.timeout(timeoutMs),
    }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
      response.on('error', (error: NodeJS.ErrnoException) => resolve({ error: describe(error) }));
    });
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ error: describe(error) }));
    request.end(body);
  });
}

function describe(error: NodeJS.ErrnoException): string {
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return 'timed out';
  return error.code ?? error.message;
}
