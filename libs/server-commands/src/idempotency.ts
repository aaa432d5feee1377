import { createHash } from 'node:crypto';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PrismaService } from '@app/database';

/** The same request, byte for byte after normalisation, hashes the same. */
export function requestHash(request: object): string {
  const canonical = JSON.stringify(
    Object.keys(request)
      .sort()
      .map((key) => [key, (request as Record<string, unknown>)[key]]),
  );
  return createHash('sha256').update(canonical).digest('hex');
}

/** Expired keys are forgotten when their key comes again (allocate_servers); the others are swept. */
const SWEEP_EVERY_MS = 10 * 60_000;
const SWEEP_BATCH = 10_000;
const DELETE_EXPIRED = {
  name: 'idempotency-sweep',
  text: `DELETE FROM "IdempotencyKey" WHERE ("apiKeyId", "key") IN (
    SELECT "apiKeyId", "key" FROM "IdempotencyKey" WHERE "expiresAt" <= $1::timestamp LIMIT ${SWEEP_BATCH}) RETURNING 1`,
};

/**
 * Deletes expired Idempotency-Keys, so that the table holds about IDEMPOTENCY_TTL of keys, not all of them.
 * Every process sweeps; deletes of the same rows simply find them gone.
 */
@Injectable()
export class IdempotencyKeySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('IdempotencyKeySweeper');
  private timer?: NodeJS.Timeout;

  constructor(private readonly prisma: PrismaService) {}

  onApplicationBootstrap(): void {
    const run = () => void this.sweep().catch((e: unknown) => this.logger.error(`Sweep failed: ${String(e)}`));
    this.timer = setInterval(run, SWEEP_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Deletes the keys expired at `now`, a batch at a time; returns how many. */
  async sweep(now = new Date()): Promise<number> {
    let deleted = 0;
    for (;;) {
      const { length } = await this.prisma.sql.rows(DELETE_EXPIRED, [now.toISOString()]);
      deleted += length;
      if (length < SWEEP_BATCH) return deleted;
    }
  }
}
