import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionClient } from '@app/database';
import { DomainError, ErrorCode } from '@app/errors';

/** The same request, byte for byte after normalisation, hashes the same. */
export function requestHash(request: object): string {
  const canonical = JSON.stringify(Object.keys(request).sort().map((key) => [key, (request as Record<string, unknown>)[key]]));
  return createHash('sha256').update(canonical).digest('hex');
}

/** Idempotency-Key of POST /api/server/allocate: a retry gets the allocation the first call made. */
@Injectable()
export class IdempotencyRepository {
  /**
   * The allocation an earlier call with this key made, or undefined when this call is the first.
   * A transaction-scoped advisory lock on the key makes concurrent calls with one key take turns,
   * so the second one finds what the first one committed.
   */
  async recall(tx: TransactionClient, key: string, hash: string, now: Date): Promise<number | undefined> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`idempotency:${key}`}::text, 0))`;
    const earlier = await tx.idempotencyKey.findUnique({ where: { key } });
    if (!earlier) return undefined;
    if (earlier.expiresAt <= now) {
      await tx.idempotencyKey.delete({ where: { key } });
      return undefined;
    }
    if (earlier.requestHash !== hash) {
      throw new DomainError(ErrorCode.IDEMPOTENCY_KEY_REUSED, `Idempotency-Key ${key} was used for a different request`, { idempotencyKey: key });
    }
    return earlier.allocationId;
  }

  async remember(tx: TransactionClient, key: string, hash: string, allocationId: number, now: Date, ttlSeconds: number): Promise<void> {
    await tx.idempotencyKey.create({ data: { key, requestHash: hash, allocationId, createdAt: now, expiresAt: new Date(now.getTime() + ttlSeconds * 1000) } });
  }
}
