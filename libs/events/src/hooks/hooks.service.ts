import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DeliveryState, Hook, Page, PrismaService, Slice } from '@app/database';
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

export type HookView = Omit<Hook, 'secret'>;

export interface DeliveryView {
  id: string;
  hookId: number;
  hookName: string;
  eventId: string;
  eventType: string;
  serverId: number;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: Date;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

export interface DeliveryFilter {
  state?: DeliveryState;
  hookId?: number;
}

const EVENT_TYPES = Object.values(EventType) as string[];

function view({ secret: _secret, ...hook }: Hook): HookView {
  return hook;
}

/** Subscriptions to events and what became of their deliveries. */
@Injectable()
export class HooksService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly targets: HookTargetPolicy,
  ) {}

  /** Creates the hook, or replaces the one of that name (its URL, types and secret). The secret is returned here only. */
  async put(input: HookInput): Promise<{ hook: HookView; secret: string; created: boolean }> {
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
    const { count } = await this.prisma.hook.createMany({
      data: [{ name: input.name, ...data }],
      skipDuplicates: true,
    });
    const hook = count
      ? await this.prisma.hook.findUniqueOrThrow({ where: { name: input.name } })
      : await this.prisma.hook.update({ where: { name: input.name }, data });
    return { hook: view(hook), secret, created: count === 1 };
  }

  async list(): Promise<HookView[]> {
    return (await this.prisma.hook.findMany({ orderBy: { id: 'asc' } })).map(view);
  }

  async remove(id: number): Promise<HookView> {
    const hook = await this.prisma.hook.delete({ where: { id } }).catch(() => null);
    if (!hook) throw new NotFoundError(ErrorCode.HOOK_NOT_FOUND, 'Hook', id);
    return view(hook);
  }

  /** A disabled hook gets no new deliveries; those pending wait until it is enabled again. */
  async setEnabled(id: number, enabled: boolean): Promise<HookView> {
    const hook = await this.prisma.hook.update({ where: { id }, data: { enabled } }).catch(() => null);
    if (!hook) throw new NotFoundError(ErrorCode.HOOK_NOT_FOUND, 'Hook', id);
    return view(hook);
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

  /** Puts a dead-lettered delivery back in the queue, with fresh attempts. */
  async replay(id: bigint): Promise<void> {
    const updated = await this.prisma.hookDelivery.updateMany({
      where: { id, state: 'dead' },
      data: { state: 'pending', attempts: 0, nextAttemptAt: new Date(), leaseUntil: null, createdAt: new Date() },
    });
    if (updated.count) return;
    const delivery = await this.prisma.hookDelivery.findUnique({ where: { id }, select: { state: true } });
    if (!delivery) throw new NotFoundError(ErrorCode.DELIVERY_NOT_FOUND, 'Delivery', id.toString());
    throw new DomainError(
      ErrorCode.DELIVERY_NOT_DEAD,
      `Delivery ${id} is ${delivery.state}: only dead-lettered deliveries are replayed`,
      { state: delivery.state },
    );
  }
}
