import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { inTransaction, PrismaService, TransactionClient } from '@app/database';
import { DomainError, ErrorCode, NotFoundError } from '@app/errors';
import { EventType } from '@app/events';
import { transitionFor } from '@app/lifecycle';
import { decideQuota, QuotaRepository } from '@app/quota';
import { lockAvailableServer } from '../allocation-query';
import { CommandResult, commandResult } from '../command-result';
import { IdempotencyRepository, requestHash } from '../idempotency.repository';
import { Actor, ServerStateRepository } from '../server-state.repository';

export interface AllocateRequest {
  locationId: number;
  instanceTypeId: number;
  clientId: number;
  /** Empty or null: on-demand quota (seed 003). */
  contractId?: string | null;
  overflow?: boolean;
}

/**
 * Allocate = check the references, take the pool's and the client's locks, decide the quota, take
 * an Available server, and record it all; in one transaction, so that every figure the decision
 * read stays true until it commits.
 */
@Injectable()
export class AllocateServer {
  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
    private readonly quota: QuotaRepository,
    private readonly states: ServerStateRepository,
    private readonly idempotency: IdempotencyRepository,
  ) {}

  execute(request: AllocateRequest, actor: Actor, idempotencyKey?: string): Promise<CommandResult> {
    const normalized = { ...request, contractId: request.contractId || null, overflow: request.overflow ?? false };
    const hash = requestHash(normalized);
    return inTransaction(this.prisma, async (tx) => {
      const now = new Date();
      if (idempotencyKey) {
        const earlier = await this.idempotency.recall(tx, idempotencyKey, hash, now);
        if (earlier !== undefined) return this.replay(tx, earlier, idempotencyKey);
      }
      await this.checkReferences(tx, normalized, now);
      await this.quota.lockPool(tx, normalized.instanceTypeId);
      await this.quota.lockClient(tx, normalized.clientId);
      const figures = await this.quota.figures(tx, { ...normalized, defaultOnDemandLimit: this.config.defaultOnDemandLimit, now });
      const decision = decideQuota(normalized, figures);

      const serverId = await lockAvailableServer(tx, normalized.locationId, normalized.instanceTypeId);
      if (serverId === undefined) {
        throw new DomainError(ErrorCode.NO_CAPACITY, 'No server can be allocated: every Available server of the pool is busy with another command', { available: 0 });
      }
      const server = (await this.states.read(tx, serverId))!;
      transitionFor(server.status, 'allocate', serverId);
      const allocation = await this.states.startAllocation(tx, {
        serverId, clientId: normalized.clientId, locationId: normalized.locationId, instanceTypeId: normalized.instanceTypeId,
        quota: decision.quota, contractId: decision.contractId, startedAt: now,
      });
      const updated = await this.states.apply(tx, server, {
        command: 'allocate', from: server.status, to: 'allocated', actor,
        set: { currentAllocationId: allocation.id }, allocation, events: [EventType.ServerAllocated],
      });
      if (idempotencyKey) await this.idempotency.remember(tx, idempotencyKey, hash, allocation.id, now, this.config.idempotencyTtlSeconds);
      const charged = decision.quota === 'COMMITTED' ? `committed quota of contract ${decision.contractId}` : 'on-demand quota';
      return commandResult('allocate', true, `Server ${serverId} allocated to client ${normalized.clientId}, charged to the ${charged}`, updated, allocation);
    });
  }

  private async replay(tx: TransactionClient, allocationId: number, key: string): Promise<CommandResult> {
    const allocation = await tx.allocation.findUniqueOrThrow({ where: { id: allocationId } });
    const server = await tx.server.findUniqueOrThrow({ where: { id: allocation.serverId }, include: { currentAllocation: true } });
    return commandResult('allocate', false, `Repeated request (Idempotency-Key ${key}): allocation ${allocationId} of server ${server.id}`, server, allocation);
  }

  /** 404 for what does not exist; a contract must be the client's own and valid now. */
  private async checkReferences(tx: TransactionClient, request: Required<AllocateRequest>, now: Date): Promise<void> {
    const [location, instanceType, client, contract] = await Promise.all([
      tx.location.findUnique({ where: { id: request.locationId }, select: { id: true } }),
      tx.instanceType.findUnique({ where: { id: request.instanceTypeId }, select: { locationId: true } }),
      tx.client.findUnique({ where: { id: request.clientId }, select: { id: true } }),
      request.contractId ? tx.contract.findUnique({ where: { contractId: request.contractId } }) : null,
    ]);
    if (!location) throw new NotFoundError(ErrorCode.LOCATION_NOT_FOUND, 'Location', request.locationId);
    if (!instanceType || instanceType.locationId !== request.locationId) {
      throw new DomainError(ErrorCode.INSTANCE_TYPE_NOT_FOUND, `Instance type ${request.instanceTypeId} is not offered at location ${request.locationId}`, {
        locationId: request.locationId, instanceTypeId: request.instanceTypeId,
      });
    }
    if (!client) throw new NotFoundError(ErrorCode.CLIENT_NOT_FOUND, 'Client', request.clientId);
    if (!request.contractId) return;
    if (!contract) throw new NotFoundError(ErrorCode.CONTRACT_NOT_FOUND, 'Contract', request.contractId);
    if (contract.clientId !== request.clientId) {
      throw new DomainError(ErrorCode.CONTRACT_OF_ANOTHER_CLIENT, `Contract ${contract.contractId} is not a contract of client ${request.clientId}`, { contractId: contract.contractId, clientId: request.clientId });
    }
    if (contract.startsAt > now || (contract.endsAt && contract.endsAt <= now)) {
      throw new DomainError(ErrorCode.CONTRACT_NOT_ACTIVE, `Contract ${contract.contractId} is not valid now`, {
        contractId: contract.contractId, startsAt: contract.startsAt, endsAt: contract.endsAt,
      });
    }
  }
}
