import { Injectable } from '@nestjs/common';
import { Hook, OutboxEvent, PrismaService } from '@app/database';

export interface ClaimedDelivery {
  id: bigint;
  /** This attempt's number, from 1. */
  attempts: number;
  createdAt: Date;
  hook: Hook;
  event: OutboxEvent;
}

export interface AttemptRecord {
  status: number | null;
  error: string | null;
}

/** The deliveries still to make, shared by every dispatcher of every service process through row locks. */
@Injectable()
export class DeliveryQueueRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Takes up to `limit` due deliveries for `leaseSeconds`. Only the oldest pending delivery of each
   * hook and server is eligible, so one server's events reach a hook in order; SKIP LOCKED and the
   * lease keep two dispatchers from taking the same one; a lease that runs out (the process died)
   * makes the delivery eligible again: at least once.
   */
  async claim(limit: number, leaseSeconds: number): Promise<ClaimedDelivery[]> {
    const claimed = await this.prisma.$queryRaw<{ id: bigint }[]>`
      UPDATE "HookDelivery" d SET "leaseUntil" = now() + make_interval(secs => ${leaseSeconds}::float8), "attempts" = d."attempts" + 1
      WHERE d."id" IN (
        SELECT c."id" FROM "HookDelivery" c
        JOIN "Hook" h ON h."id" = c."hookId" AND h."enabled"
        WHERE c."state" = 'pending' AND c."nextAttemptAt" <= now() AND (c."leaseUntil" IS NULL OR c."leaseUntil" < now())
          AND NOT EXISTS (
            SELECT 1 FROM "HookDelivery" earlier
            WHERE earlier."hookId" = c."hookId" AND earlier."serverId" = c."serverId" AND earlier."state" = 'pending' AND earlier."sequence" < c."sequence")
        ORDER BY c."sequence"
        LIMIT ${limit}
        FOR UPDATE OF c SKIP LOCKED)
      RETURNING d."id"`;
    if (!claimed.length) return [];
    return this.prisma.hookDelivery.findMany({
      where: { id: { in: claimed.map((c) => c.id) } },
      select: { id: true, attempts: true, createdAt: true, hook: true, event: true },
      orderBy: { sequence: 'asc' },
    });
  }

  async delivered(id: bigint, attempt: AttemptRecord): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE "HookDelivery" SET "state" = 'delivered', "deliveredAt" = now(), "leaseUntil" = NULL, "lastStatus" = ${attempt.status}, "lastError" = NULL
      WHERE "id" = ${id}`;
  }

  async retryLater(id: bigint, attempt: AttemptRecord, delaySeconds: number): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE "HookDelivery" SET "nextAttemptAt" = now() + make_interval(secs => ${delaySeconds}::float8), "leaseUntil" = NULL,
             "lastStatus" = ${attempt.status}, "lastError" = ${attempt.error}
      WHERE "id" = ${id}`;
  }

  async deadLetter(id: bigint, attempt: AttemptRecord, why: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE "HookDelivery" SET "state" = 'dead', "leaseUntil" = NULL, "lastStatus" = ${attempt.status}, "lastError" = ${`${why}${attempt.error ? `: ${attempt.error}` : ''}`}
      WHERE "id" = ${id}`;
  }
}
