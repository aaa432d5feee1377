import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Actor, DeliveryState, Hook, Page, PrismaService, recordChange, Slice, TransactionClient } from '@app/database';
import { DomainError, ErrorCode, InvalidFieldError, NotFoundError } from '@app/errors';
import { EventType } from '../event-types';
import { HookTargetPolicy } from './hook-target-policy';

export interface HookInput {
  name: string;
  url: string;
  /** Empty or absent: every event. */
  eventTypes?: string[];
  /** Generated when absent. */
  secret?: string;
}

export type HookView = Omit<Hook, 'secret' | 'deletedAt'>;

export interface DeliveryView {
  id: string;
  hookId: number;
  hookName: string;
  eventId: string;
  eventType: string;
  serverId: number | null;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: Date;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

export interface DeliveryHealth {
  pending: number;
  oldestPendingSeconds: number;
  dead: number;
  failures: { category: 'refused' | 'receiverError' | 'unreachable'; count: number }[];
}

const DELIVERY_HEALTH = {
  name: 'delivery-health',
  text: `SELECT count(*) FILTER (WHERE d."state" = 'pending')::int AS pending,
    coalesce(EXTRACT(EPOCH FROM (now() AT TIME ZONE 'UTC') - min(d."createdAt") FILTER (WHERE d."state" = 'pending')), 0)::float8 AS "oldestPendingSeconds",
    count(*) FILTER (WHERE d."state" = 'dead')::int AS dead,
    (SELECT jsonb_agg(jsonb_build_object('category', f.category, 'count', f.n) ORDER BY f.category) FROM (
      SELECT CASE WHEN x."lastStatus" BETWEEN 400 AND 499 THEN 'refused' WHEN x."lastStatus" >= 500 THEN 'receiverError' ELSE 'unreachable' END AS category,
        count(*)::int AS n
      FROM "HookDelivery" x WHERE x."state" IN ('pending', 'dead') AND (x."lastStatus" IS NOT NULL OR x."lastError" IS NOT NULL) GROUP BY 1) f) AS failures
  FROM "HookDelivery" d WHERE d."state" IN ('pending', 'dead')`,
};

export interface DeliveryFilter {
  state?: DeliveryState;
  hookId?: number;
}

const EVENT_TYPES = Object.values(EventType) as string[];

function view({ secret: _secret, deletedAt: _deletedAt, ...hook }: Hook): HookView {
  return hook;
}

/** Every change to a hook is audited (its secret never is). */
const audit = (tx: TransactionClient, hookId: number, action: string, actor: Actor, before: unknown, after: unknown) =>
  recordChange(tx, { entity: 'hook', entityId: String(hookId), action, actor, before, after });

const LIVE = { deletedAt: null };

/** Subscriptions to events and what became of their deliveries. */
@Injectable()
export class HooksService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly targets: HookTargetPolicy,
  ) {}

  /** Creates the hook, or replaces the one of that name (its URL, types and secret). The secret is returned here only. */
  async put(input: HookInput, actor: Actor): Promise<{ hook: HookView; secret: string; created: boolean }> {
    const unknown = (input.eventTypes ?? []).filter((t) => !EVENT_TYPES.includes(t));
    if (unknown.length)
      throw new InvalidFieldError(
        'eventTypes',
        `has unknown types ${unknown.join(', ')} (known: ${EVENT_TYPES.join(', ')})`,
        `Unknown event types: ${unknown.join(', ')}`,
      );
    const url = URL.canParse(input.url) ? new URL(input.url) : undefined;
    if (!url || !['http:', 'https:'].includes(url.protocol))
      throw new InvalidFieldError('url', 'must be an http or https URL');
    const target = await this.targets.target(input.url);
    if ('refused' in target || 'unresolved' in target) {
      throw new InvalidFieldError(
        'url',
        'refused' in target ? `refused by policy: ${target.refused}` : `${target.unresolved}: try again`,
      );
    }
    const secret = input.secret ?? `whsec_${randomBytes(24).toString('base64url')}`;
    const data = { url: input.url, eventTypes: [...new Set(input.eventTypes ?? [])], secret, enabled: true };
    // The name is claimed first (INSERT … ON CONFLICT DO NOTHING): of two PUTs of one name at once, the later
    // waits for the earlier and replaces it, and `created` says truly which one created the hook.
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.hook.createMany({ data: [{ name: input.name, ...data }], skipDuplicates: true });
      const existing = count ? null : await tx.hook.findUniqueOrThrow({ where: { name: input.name } });
      if (existing?.deletedAt) throw new InvalidFieldError('name', 'is the name a deleted hook keeps: choose another');
      const before = existing && view(existing);
      const hook = count
        ? await tx.hook.findUniqueOrThrow({ where: { name: input.name } })
        : await tx.hook.update({ where: { name: input.name }, data });
      await audit(tx, hook.id, count ? 'created' : 'updated', actor, before, view(hook));
      return { hook: view(hook), secret, created: count === 1 };
    });
  }

  async list(): Promise<HookView[]> {
    return (await this.prisma.hook.findMany({ where: LIVE, orderBy: { id: 'asc' } })).map(view);
  }

  /**
   * The hook stops for good: disabled, renamed (its name is free again) and kept, with its deliveries, which
   * the histories of servers show; those still pending are dead-lettered as such.
   */
  async remove(id: number, actor: Actor): Promise<HookView> {
    return this.prisma.$transaction(async (tx) => {
      const before = await this.live(tx, id);
      const hook = await tx.hook.update({
        where: { id },
        data: { deletedAt: new Date(), enabled: false, name: `${before.name} (deleted #${id})` },
      });
      await tx.hookDelivery.updateMany({
        where: { hookId: id, state: 'pending' },
        data: { state: 'dead', leaseUntil: null, lastError: 'the hook was deleted' },
      });
      await audit(tx, id, 'deleted', actor, view(before), null);
      return view(hook);
    });
  }

  /** A disabled hook gets no new deliveries; those pending wait until it is enabled again. */
  async setEnabled(id: number, enabled: boolean, actor: Actor): Promise<HookView> {
    return this.prisma.$transaction(async (tx) => {
      const before = await this.live(tx, id);
      const hook = await tx.hook.update({ where: { id }, data: { enabled } });
      await audit(tx, id, enabled ? 'enabled' : 'disabled', actor, view(before), view(hook));
      return view(hook);
    });
  }

  /** The hook, unless it was deleted: 404 then, as for one that never existed. */
  private async live(tx: TransactionClient, id: number): Promise<Hook> {
    const hook = await tx.hook.findFirst({ where: { id, ...LIVE } });
    if (!hook) throw new NotFoundError(ErrorCode.HOOK_NOT_FOUND, 'Hook', id);
    return hook;
  }

  async deliveries(filter: DeliveryFilter, slice: Slice): Promise<Page<DeliveryView>> {
    const where = { state: filter.state, hookId: filter.hookId };
    const [rows, total] = await Promise.all([
      this.prisma.hookDelivery.findMany({
        where,
        orderBy: { id: 'desc' },
        skip: slice.start,
        take: slice.results,
        include: { hook: { select: { name: true } }, event: { select: { type: true } } },
      }),
      this.prisma.hookDelivery.count({ where }),
    ]);
    return {
      items: rows.map(({ hook, event, id, sequence: _sequence, leaseUntil: _lease, ...rest }) => ({
        ...rest,
        id: id.toString(),
        hookName: hook.name,
        eventType: event.type,
      })),
      total,
    };
  }

  /**
   * How deliveries fare: the backlog, its oldest, the dead letters, and the failures of the deliveries still
   * pending or dead by what went wrong last (the receiver refused, failed, or could not be reached).
   */
  async health(): Promise<DeliveryHealth> {
    const [row] = await this.prisma.sql.rows<DeliveryHealth & { failures: DeliveryHealth['failures'] | null }>(
      DELIVERY_HEALTH,
    );
    return { ...row, failures: row.failures ?? [] };
  }

  /** Puts a dead-lettered delivery of a hook that is not deleted back in the queue, with fresh attempts. */
  async replay(id: bigint, actor: Actor): Promise<void> {
    const replayed = await this.prisma.$transaction(async (tx) => {
      const [delivery] = await tx.hookDelivery.updateManyAndReturn({
        where: { id, state: 'dead', hook: LIVE },
        data: { state: 'pending', attempts: 0, nextAttemptAt: new Date(), leaseUntil: null, createdAt: new Date() },
      });
      if (delivery) await audit(tx, delivery.hookId, 'replayed', actor, null, { deliveryId: id.toString() });
      return Boolean(delivery);
    });
    if (replayed) return;
    const delivery = await this.prisma.hookDelivery.findUnique({
      where: { id },
      select: { state: true, hookId: true },
    });
    if (!delivery) throw new NotFoundError(ErrorCode.DELIVERY_NOT_FOUND, 'Delivery', id.toString());
    if (delivery.state === 'dead') throw new NotFoundError(ErrorCode.HOOK_NOT_FOUND, 'Hook', delivery.hookId);
    throw new DomainError(
      ErrorCode.DELIVERY_NOT_DEAD,
      `Delivery ${id} is ${delivery.state}: only dead-lettered deliveries are replayed`,
      { state: delivery.state },
    );
  }
}
