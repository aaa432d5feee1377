import { Injectable } from '@nestjs/common';
import { Actor, Page, PrismaService, recordChange, Slice } from '@app/database';
import { DomainError, ErrorCode, InvalidFieldError, NotFoundError } from '@app/errors';
import { AuditView, historyOf } from './audit';
import { CommitmentInput, ContractView, Overcommitment, overcommitted, view, WITH_COMMITMENTS } from './contract-view';
import { lockPools, replaceCommitments } from './contract-writes';

export interface ContractInput {
  contractId: string;
  clientId: number;
  startsAt: Date;
  endsAt?: Date | null;
  commitments: CommitmentInput[];
}

export interface ContractChange {
  endsAt?: Date | null;
  /** Replace the contract's commitments. */
  commitments?: CommitmentInput[];
}

export interface ContractChangeResult {
  contract: ContractView;
  overcommitted: Overcommitment[];
}

/**
 * Contracts: listed, read, created and changed by staff, every change audited. A change locks the
 * counters of the pools it touches first (the order every allocation follows), so that allocations
 * decide on the figures before it or after it, never on a mix; the guarantee for every other client
 * follows the new figures at once.
 */
@Injectable()
export class ContractsService {
  constructor(private readonly prisma: PrismaService) {}

  async list(filter: { clientId?: number }, slice: Slice, now = new Date()): Promise<Page<ContractView>> {
    const where = { clientId: filter.clientId };
    const [rows, total] = await Promise.all([
      this.prisma.contract.findMany({
        where,
        include: WITH_COMMITMENTS,
        orderBy: { contractId: 'asc' },
        skip: slice.start,
        take: slice.results,
      }),
      this.prisma.contract.count({ where }),
    ]);
    return { total, items: rows.map((r) => view(r, now)) };
  }

  async get(contractId: string, now = new Date()): Promise<ContractView> {
    const row = await this.prisma.contract.findUnique({ where: { contractId }, include: WITH_COMMITMENTS });
    if (!row) throw new NotFoundError(ErrorCode.CONTRACT_NOT_FOUND, 'Contract', contractId);
    return view(row, now);
  }

  async create(input: ContractInput, actor: Actor, now = new Date()): Promise<ContractChangeResult> {
    checkPeriod(input.startsAt, input.endsAt);
    await this.checkCommitments(input.commitments);
    if (!(await this.prisma.client.count({ where: { id: input.clientId } })))
      throw new NotFoundError(ErrorCode.CLIENT_NOT_FOUND, 'Client', input.clientId);
    return this.prisma.$transaction(async (tx) => {
      await lockPools(tx, input.commitments);
      if (await tx.contract.count({ where: { contractId: input.contractId } })) {
        throw new DomainError(
          ErrorCode.CONTRACT_EXISTS,
          `Contract ${input.contractId} exists already; change it with PATCH`,
          { contractId: input.contractId },
        );
      }
      await tx.contract.create({
        data: {
          contractId: input.contractId,
          clientId: input.clientId,
          startsAt: input.startsAt,
          endsAt: input.endsAt ?? null,
          commitments: { create: input.commitments },
        },
      });
      const contract = view(
        await tx.contract.findUniqueOrThrow({ where: { contractId: input.contractId }, include: WITH_COMMITMENTS }),
        now,
      );
      await recordChange(tx, {
        entity: 'contract',
        entityId: input.contractId,
        action: 'created',
        actor,
        before: null,
        after: contract,
      });
      return { contract, overcommitted: overcommitted(contract) };
    });
  }

  async update(
    contractId: string,
    change: ContractChange,
    actor: Actor,
    now = new Date(),
  ): Promise<ContractChangeResult> {
    if (change.commitments) await this.checkCommitments(change.commitments);
    return this.prisma.$transaction(async (tx) => {
      const existing = await tx.contract.findUnique({ where: { contractId }, include: WITH_COMMITMENTS });
      if (!existing) throw new NotFoundError(ErrorCode.CONTRACT_NOT_FOUND, 'Contract', contractId);
      if (change.endsAt !== undefined) checkPeriod(existing.startsAt, change.endsAt);
      await lockPools(tx, [...existing.commitments, ...(change.commitments ?? [])]);
      const before = view(
        await tx.contract.findUniqueOrThrow({ where: { contractId }, include: WITH_COMMITMENTS }),
        now,
      );
      if (change.endsAt !== undefined)
        await tx.contract.update({ where: { contractId }, data: { endsAt: change.endsAt } });
      if (change.commitments) await replaceCommitments(tx, contractId, before.commitments, change.commitments);
      const contract = view(
        await tx.contract.findUniqueOrThrow({ where: { contractId }, include: WITH_COMMITMENTS }),
        now,
      );
      await recordChange(tx, {
        entity: 'contract',
        entityId: contractId,
        action: 'updated',
        actor,
        before,
        after: contract,
      });
      return { contract, overcommitted: overcommitted(contract) };
    });
  }

  async history(contractId: string, slice: Slice): Promise<Page<AuditView>> {
    await this.get(contractId);
    return historyOf(this.prisma, 'contract', contractId, slice);
  }

  /** Each pool once, and offered: the instance type exists at that location. */
  private async checkCommitments(commitments: CommitmentInput[]): Promise<void> {
    const pools = commitments.map((c) => `${c.locationId}/${c.instanceTypeId}`);
    const twice = pools.filter((p, i) => pools.indexOf(p) !== i);
    if (twice.length)
      throw new InvalidFieldError(
        'commitments',
        `commit to pool ${[...new Set(twice)].join(', ')} more than once`,
        `Each pool may be committed once; ${[...new Set(twice)].join(', ')} more than once`,
      );
    const types = await this.prisma.instanceType.findMany({
      where: { id: { in: commitments.map((c) => c.instanceTypeId) } },
      select: { id: true, locationId: true },
    });
    const locationOf = new Map(types.map((t) => [t.id, t.locationId]));
    const unknown = commitments.find((c) => locationOf.get(c.instanceTypeId) !== c.locationId);
    if (unknown) {
      throw new DomainError(
        ErrorCode.INSTANCE_TYPE_NOT_FOUND,
        `Instance type ${unknown.instanceTypeId} is not offered at location ${unknown.locationId}`,
        {
          locationId: unknown.locationId,
          instanceTypeId: unknown.instanceTypeId,
        },
      );
    }
  }
}

function checkPeriod(startsAt: Date, endsAt: Date | null | undefined): void {
  if (endsAt && endsAt <= startsAt) {
    throw new InvalidFieldError('endsAt', 'must be after startsAt');
  }
}
