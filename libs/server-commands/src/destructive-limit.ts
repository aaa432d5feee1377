import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { PrismaService } from '@app/database';
import { DomainError, ErrorCode } from '@app/errors';
import { Actor } from './server-state.repository';

const TAKE_SLOT = {
  name: 'take-destructive-slot',
  text: `SELECT "take_destructive_slot"($1::int, $2::int, $3::timestamp) AS taken`,
};

/** 429: the key ended DESTRUCTIVE_LIMIT allocations this minute; it may go on at the next one. */
export function destructiveLimitReached(now: Date): DomainError {
  const retryAfterSeconds = 60 - now.getUTCSeconds();
  return new DomainError(
    ErrorCode.TOO_MANY_REQUESTS,
    `This API key ended DESTRUCTIVE_LIMIT allocations this minute: nothing changed; retry in ${retryAfterSeconds} s`,
    { retryAfterSeconds },
  );
}

/**
 * DESTRUCTIVE_LIMIT: a command that ends an allocation first takes a slot of its API key's minute
 * (prisma/sql/destructive_limit.sql), or is refused with nothing changed. A slot is taken when the command is
 * decided, so a command that then fails still counts: the guard errs on the side of stopping a script.
 * Internal actors (the watchdog, the command line) have no key and no limit.
 */
@Injectable()
export class DestructiveLimit {
  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {}

  /** Whether the actor's commands that end an allocation take a slot. */
  applies(actor: Actor): boolean {
    return this.config.destructiveLimit > 0 && actor.id !== undefined;
  }

  async takeSlot(actor: Actor, now: Date): Promise<void> {
    if (!this.applies(actor)) return;
    const [{ taken }] = await this.prisma.sql.rows<{ taken: boolean }>(TAKE_SLOT, [
      actor.id,
      this.config.destructiveLimit,
      now.toISOString(),
    ]);
    if (!taken) throw destructiveLimitReached(now);
  }
}
