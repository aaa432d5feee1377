import { Logger } from '@nestjs/common';

/**
 * PostgreSQL error classes and socket errors that mean "the database cannot be reached, is shutting down, or is
 * not the primary" (25006: a write reached a standby, as for a moment after a failover).
 */
const UNAVAILABLE_CODES = new Set([
  '25006',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '57014',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'EAI_AGAIN',
  // Prisma: cannot reach, timed out, closed the connection, no connection from the pool in time.
  'P1001',
  'P1002',
  'P1008',
  'P1017',
  'P2024',
]);
const UNAVAILABLE_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|Query read timeout|connection error|Client was closed|server closed the connection|Transaction API error/i;
const UNAVAILABLE_KINDS = new Set([
  'DatabaseNotReachable',
  'DatabaseDoesNotExist',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'TransactionAlreadyClosed',
]);

/** Whether `error` (or what it wraps) says the database is unreachable, too slow or going away: a 503, not a 500. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const e = error as {
    code?: unknown;
    message?: unknown;
    kind?: unknown;
    cause?: unknown;
    meta?: { driverAdapterError?: unknown };
  };
  if (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code)) return true;
  if (typeof e.kind === 'string' && UNAVAILABLE_KINDS.has(e.kind)) return true;
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.test(e.message)) return true;
  return isDatabaseUnavailable(e.cause, depth + 1) || isDatabaseUnavailable(e.meta?.driverAdapterError, depth + 1);
}

const PROBE_INTERVAL_MS = 500;

/**
 * Says once that the database is down (with why), and once that it is back (with how long it was
 * away), instead of a stack per request: while down it probes every half second.
 */
export class DatabaseOutage {
  private readonly log = new Logger('Database');
  private downSince?: number;
  private probing?: NodeJS.Timeout;

  constructor(private readonly probe: () => Promise<unknown>) {}

  get down(): boolean {
    return this.downSince !== undefined;
  }

  /** Called with an error a request met; true when it means the database is unavailable. */
  noticed(error: unknown): boolean {
    if (!isDatabaseUnavailable(error)) return false;
    if (this.downSince === undefined) {
      this.downSince = Date.now();
      this.log.warn(
        `Database unavailable (${error instanceof Error ? error.message.split('\n')[0] : String(error)}): answering 503 until it is back`,
      );
      this.probing = setInterval(() => void this.check(), PROBE_INTERVAL_MS).unref();
    }
    return true;
  }

  stop(): void {
    clearInterval(this.probing);
  }

  private async check(): Promise<void> {
    try {
      await this.probe();
    } catch {
      return;
    }
    if (this.downSince === undefined) return;
    this.log.log(`Database back after ${((Date.now() - this.downSince) / 1000).toFixed(1)} s`);
    this.downSince = undefined;
    this.stop();
  }
}
