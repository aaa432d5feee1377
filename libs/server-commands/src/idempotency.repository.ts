import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Sql } from '@app/database';
import { DomainError, ErrorCode } from '@app/errors';

/** The same request, byte for byte after normalisation, hashes the same. */
export function requestHash(request: object): string {
  const canonical = JSON.stringify(
    Object.keys(request)
      .sort()
      .map((key) => [key, (request as Record<string, unknown>)[key]]),
  );
  return createHash('sha256').update(canonical).digest('hex');
}

/** Who sent the key: keys of different callers never meet. */
export interface KeyOwner {
  apiKeyId: number;
  key: string;
}

const LOCK_KEY = {
  name: 'idempotency-lock',
  text: `SELECT pg_advisory_xact_lock(hashtextextended('idempotency:' || $1::int || ':' || $2::text, 0))`,
};
const RECALL = {
  name: 'idempotency-recall',
  text: `SELECT "requestHash", "allocationIds", "expiresAt" FROM "IdempotencyKey" WHERE "apiKeyId" = $1 AND "key" = $2`,
};
const FORGET = {
  name: 'idempotency-forget',
  text: `DELETE FROM "IdempotencyKey" WHERE "apiKeyId" = $1 AND "key" = $2`,
};
const REMEMBER = {
  name: 'idempotency-remember',
  text: `INSERT INTO "IdempotencyKey" ("apiKeyId", "key", "requestHash", "allocationIds", "createdAt", "expiresAt") VALUES ($1, $2, $3, $4, $5::timestamp, $6::timestamp)`,
};

/** Idempotency-Key of the allocate routes: a retry gets the allocations the first call made. */
@Injectable()
export class IdempotencyRepository {
  /**
   * The allocations an earlier call with this key made, or undefined when this call is the first.
   * A transaction-scoped advisory lock on the key makes concurrent calls with one key take turns,
   * so the second one finds what the first one committed.
   */
  async recall(sql: Sql, owner: KeyOwner, hash: string, now: Date): Promise<number[] | undefined> {
    await sql.rows(LOCK_KEY, [owner.apiKeyId, owner.key]);
    const [earlier] = await sql.rows<{ requestHash: string; allocationIds: number[]; expiresAt: Date }>(RECALL, [
      owner.apiKeyId,
      owner.key,
    ]);
    if (!earlier) return undefined;
    if (earlier.expiresAt <= now) {
      await sql.rows(FORGET, [owner.apiKeyId, owner.key]);
      return undefined;
    }
    if (earlier.requestHash !== hash) {
      throw new DomainError(
        ErrorCode.IDEMPOTENCY_KEY_REUSED,
        `Idempotency-Key ${owner.key} was used for a different request`,
        { idempotencyKey: owner.key },
      );
    }
    return earlier.allocationIds;
  }

  async remember(
    sql: Sql,
    owner: KeyOwner,
    hash: string,
    allocationIds: number[],
    now: Date,
    ttlSeconds: number,
  ): Promise<void> {
    await sql.rows(REMEMBER, [
      owner.apiKeyId,
      owner.key,
      hash,
      allocationIds,
      now.toISOString(),
      new Date(now.getTime() + ttlSeconds * 1000).toISOString(),
    ]);
  }
}
