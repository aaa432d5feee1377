import type { Server } from 'node:http';

const IDLE_SWEEP_MS = 100;

/**
 * Stops taking connections, lets the requests in flight be answered, and closes kept-alive connections
 * as they fall idle; after `timeoutMs` whatever is left is cut.
 */
export function drainHttp(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    const deadline = setTimeout(() => server.closeAllConnections(), timeoutMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve();
    });
  });
}
