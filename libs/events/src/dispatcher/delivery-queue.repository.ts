import { Injectable } from '@nestjs/common';
import { Hook, OutboxEvent, PrismaService } from '@app/database';
import { EventType } from '../event-types';
import { Verdict } from './retry-policy';

export interface ClaimedDelivery {
  id: bigint;
  /** This attempt's number, from 1. */
  attempts: number;
  createdAt: Date;
  hook: Pick<Hook, 'id' | 'name' | 'url' | 'secret'>;
  event: Pick<OutboxEvent, 'id' | 'type' | 'serverId' | 'occurredAt' | 'payload'>;
}

export interface AttemptRecord {
  status: number | null;
  error: string | null;
}

/** What became of one attempt, to record. */
export interface AttemptResult {
  id: bigint;
  /** The attempt's number, as claimed: only the holder of that claim records its outcome. */
  attempts: number;
  attempt: AttemptRecord;
  verdict: Verdict;
}

/**
 * Takes up to $1 due deliveries for $2 seconds, with what their POST needs. Only the oldest pending
 * delivery of each hook and server is eligible, so one server's events reach a hook in order; SKIP
 * LOCKED and the lease keep two dispatchers from taking the same one; a lease that runs out (the
 * process died) makes the delivery eligible again: at least once.
 * A Back to Baseline request whose run is no longer the server's current one (the run ended, or a newer
 * one started) is never sent, replayed or not: it is marked superseded instead (a wipe is asked for by its own run only).
 * A request whose run waits for a slot (baseline_pacing.sql) waits with it.
 */
const CLAIM = {
  name: 'claim-deliveries',
  text: `WITH superseded AS (
  UPDATE "HookDelivery" d SET "state" = 'superseded', "leaseUntil" = NULL
  FROM "OutboxEvent" e LEFT JOIN "Server" s ON s."id" = e."serverId"
  WHERE d."eventId" = e."id" AND d."state" = 'pending' AND e."type" = '${EventType.BaselineRequested}'
    AND (d."leaseUntil" IS NULL OR d."leaseUntil" < now())
    AND e."payload" -> 'baseline' ->> 'id' IS DISTINCT FROM s."baselineId"::text
  RETURNING d."id"
), claimed AS (
  UPDATE "HookDelivery" d SET "leaseUntil" = now() + make_interval(secs => $2::float8), "attempts" = d."attempts" + 1
  WHERE d."id" IN (
    SELECT c."id" FROM "HookDelivery" c
    JOIN "Hook" h ON h."id" = c."hookId" AND h."enabled"
    WHERE c."state" = 'pending' AND c."nextAttemptAt" <= now() AND (c."leaseUntil" IS NULL OR c."leaseUntil" < now())
      AND c."id" NOT IN (SELECT "id" FROM superseded)
      AND NOT EXISTS (
        SELECT 1 FROM "OutboxEvent" e JOIN "Server" s ON s."id" = e."serverId"
        WHERE e."id" = c."eventId" AND e."type" = '${EventType.BaselineRequested}' AND s."baselineDispatchedAt" IS NULL)
      AND NOT EXISTS (
        SELECT 1 FROM "HookDelivery" earlier
        WHERE earlier."hookId" = c."hookId" AND earlier."serverId" = c."serverId" AND earlier."state" = 'pending' AND earlier."sequence" < c."sequence")
    ORDER BY c."sequence"
    LIMIT $1
    FOR UPDATE OF c SKIP LOCKED)
  RETURNING d."id", d."attempts", d."createdAt", d."hookId", d."eventId", d."sequence"
)
SELECT claimed."id", claimed."attempts", claimed."createdAt",
  h."id" AS "hookId", h."name" AS "hookName", h."url" AS "hookUrl", h."secret" AS "hookSecret",
  e."id" AS "eventId", e."type" AS "eventType", e."serverId", e."occurredAt", e."payload"
FROM claimed JOIN "Hook" h ON h."id" = claimed."hookId" JOIN "OutboxEvent" e ON e."id" = claimed."eventId"
ORDER BY claimed."sequence"`,
};

/**
 * The outcomes of a batch of attempts, in one statement: delivered, due again after a delay, or dead. Only
 * the attempt that holds the claim writes: once a lease ran out and another dispatcher claimed the delivery
 * again (its attempt number moved on), the late outcome of the earlier attempt changes nothing.
 */
const RECORD = {
  name: 'record-deliveries',
  text: `UPDATE "HookDelivery" d SET
    "state" = o.state::"DeliveryState",
    "deliveredAt" = CASE WHEN o.state = 'delivered' THEN now() ELSE d."deliveredAt" END,
    "nextAttemptAt" = CASE WHEN o.delay IS NULL THEN d."nextAttemptAt" ELSE now() + make_interval(secs => o.delay) END,
    "leaseUntil" = NULL, "lastStatus" = o.status, "lastError" = o.error
  FROM unnest($1::bigint[], $2::text[], $3::int[], $4::text[], $5::float8[], $6::int[]) AS o(id, state, status, error, delay, attempts)
  WHERE d."id" = o.id AND d."attempts" = o.attempts AND d."state" = 'pending'`,
};

interface ClaimRow {
  id: string;
  attempts: number;
  createdAt: Date;
  hookId: number;
  hookName: string;
  hookUrl: string;
  hookSecret: string;
  eventId: string;
  eventType: string;
  serverId: number;
  occurredAt: Date;
  payload: OutboxEvent['payload'];
}

/** The deliveries still to make, shared by every dispatcher of every service process through row locks. */
@Injectable()
export class DeliveryQueueRepository {
  constructor(private readonly prisma: PrismaService) {}

  async claim(limit: number, leaseSeconds: number): Promise<ClaimedDelivery[]> {
    const rows = await this.prisma.sql.rows<ClaimRow>(CLAIM, [limit, leaseSeconds]);
    return rows.map((r) => ({
      id: BigInt(r.id),
      attempts: r.attempts,
      createdAt: r.createdAt,
      hook: { id: r.hookId, name: r.hookName, url: r.hookUrl, secret: r.hookSecret },
      event: { id: r.eventId, type: r.eventType, serverId: r.serverId, occurredAt: r.occurredAt, payload: r.payload },
    }));
  }

  async record(results: AttemptResult[]): Promise<void> {
    if (!results.length) return;
    const errorOf = ({ attempt, verdict }: AttemptResult) =>
      verdict.kind === 'dead'
        ? `${verdict.why}${attempt.error ? `: ${attempt.error}` : ''}`
        : verdict.kind === 'delivered'
          ? null
          : attempt.error;
    await this.prisma.sql.rows(RECORD, [
      results.map((r) => r.id.toString()),
      results.map((r) => (r.verdict.kind === 'retry' ? 'pending' : r.verdict.kind)),
      results.map((r) => r.attempt.status),
      results.map(errorOf),
      results.map((r) => (r.verdict.kind === 'retry' ? r.verdict.delaySeconds : null)),
      results.map((r) => r.attempts),
    ]);
  }
}
