import { Injectable } from '@nestjs/common';
import { PrismaService } from '@app/database';
import { AppConfig } from '@app/config';
import { AllocationView, ServerView, toAllocationView, toServerView } from '@app/inventory';
import { allocateServers, KeyedRequest, Order, Spread } from '../allocation-query';
import { CommandResult, commandResult } from '../command-result';
import { requestHash } from '../idempotency';
import { Actor } from '../server-state.repository';

export interface AllocateRequest {
  locationId: number;
  instanceTypeId: number;
  clientId: number;
  /** Empty or null: on-demand quota (seed 003). */
  contractId?: string | null;
  overflow?: boolean;
}

/** An order of N servers of one pool (seed 000's `amount`, seed 002's cloud of N nodes). */
export interface AllocateBatchRequest extends AllocateRequest {
  amount: number;
  spread?: Spread;
}

/** The caller: its name goes into the audit trail, its id owns its idempotency keys. */
export interface Caller extends Actor {
  id: number;
}

export interface BatchResult {
  command: 'allocate';
  changed: boolean;
  message: string;
  amount: number;
  charged: { committed: number; onDemand: number };
  servers: ServerView[];
  allocations: AllocationView[];
}

/**
 * Allocate = check the references, take the pool's and the client's locks, read the figures, decide
 * the quota, take the servers and record it all: one call of the allocation query (allocation-query.ts),
 * one transaction, so that every figure the decision read stays true until it commits. All or nothing:
 * an order either gets all its servers or none. With an Idempotency-Key, the key is looked up and
 * remembered in the same transaction.
 */
@Injectable()
export class AllocateServers {
  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {}

  async single(request: AllocateRequest, caller: Caller, idempotencyKey?: string): Promise<CommandResult> {
    const order: Order = { ...normalize(request), amount: 1, spread: 'none' };
    const { taken, replayed } = await this.allocate(order, 'single', caller, idempotencyKey);
    const [{ server, allocation }] = taken;
    if (replayed)
      return commandResult(
        'allocate',
        false,
        `Repeated request (Idempotency-Key ${idempotencyKey}): allocation ${allocation.id} of server ${server.id}`,
        server,
        allocation,
      );
    const quota =
      allocation.quota === 'COMMITTED' ? `committed quota of contract ${allocation.contractId}` : 'on-demand quota';
    return commandResult(
      'allocate',
      true,
      `Server ${server.id} allocated to client ${order.clientId}, charged to the ${quota}`,
      server,
      allocation,
    );
  }

  async batch(request: AllocateBatchRequest, caller: Caller, idempotencyKey?: string): Promise<BatchResult> {
    const order: Order = { ...normalize(request), amount: request.amount, spread: request.spread ?? 'none' };
    const { taken, replayed } = await this.allocate(order, 'batch', caller, idempotencyKey);
    const committed = taken.filter((t) => t.allocation.quota === 'COMMITTED').length;
    const charged = { committed, onDemand: taken.length - committed };
    const racks = new Set(taken.map((t) => t.server.rack)).size;
    const message = replayed
      ? `Repeated request (Idempotency-Key ${idempotencyKey}): the ${taken.length} servers allocated then`
      : `${taken.length} servers allocated to client ${order.clientId} from ${racks} racks: ${charged.committed} on committed quota, ${charged.onDemand} on-demand`;
    return {
      command: 'allocate',
      changed: !replayed,
      message,
      amount: taken.length,
      charged,
      servers: taken.map((t) => toServerView(t.server)),
      allocations: taken.map((t) => toAllocationView(t.allocation)),
    };
  }

  /** One statement, one transaction: with a key, the allocations and the key commit together or not at all. */
  private allocate(order: Order, kind: 'single' | 'batch', caller: Caller, idempotencyKey?: string) {
    const now = new Date();
    const keyed: KeyedRequest | undefined = idempotencyKey
      ? {
          apiKeyId: caller.id,
          key: idempotencyKey,
          requestHash: requestHash({ kind, ...order }),
          expiresAt: new Date(now.getTime() + this.config.idempotencyTtlSeconds * 1000),
        }
      : undefined;
    return allocateServers(this.prisma.sql, order, caller, now, this.config.defaultOnDemandLimit, keyed);
  }
}

function normalize(request: AllocateRequest): Omit<Order, 'amount' | 'spread'> {
  return {
    locationId: request.locationId,
    instanceTypeId: request.instanceTypeId,
    clientId: request.clientId,
    contractId: request.contractId || null,
    overflow: request.overflow ?? false,
  };
}
