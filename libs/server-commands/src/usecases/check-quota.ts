import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { PrismaService } from '@app/database';
import { isMissingReference, QuotaRepository, QuotaRequest, QuotaSubject, refusalOf } from '@app/quota';
import { AllocateBatchRequest } from './allocate-servers';

export type QuotaCheckRequest = Omit<AllocateBatchRequest, 'amount' | 'spread'> & { amount?: number };

/** The answer of a quota check: what an allocation would be charged, or why it would be refused. */
export interface QuotaCheck {
  allowed: boolean;
  amount: number;
  charged: { committed: number; onDemand: number };
  committed: { contractId: string; limit: number; used: number; requested: number } | null;
  onDemand: { limit: number; used: number; requested: number };
  pool: { available: number; reserved: number };
  /** What allocate would answer instead of 200. */
  code?: string;
  message?: string;
}

/**
 * The quota check of seed 004's "check limits": allocate's very decision (quota_assessment), asked
 * without a lock or a write, and reported instead of carried out. What does not exist is a 404, as for allocate.
 */
@Injectable()
export class CheckQuota {
  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
    private readonly quota: QuotaRepository,
  ) {}

  async execute(input: QuotaCheckRequest): Promise<QuotaCheck> {
    const subject: QuotaSubject = {
      locationId: input.locationId,
      instanceTypeId: input.instanceTypeId,
      clientId: input.clientId,
      contractId: input.contractId || null,
    };
    const request: QuotaRequest = { amount: input.amount ?? 1, overflow: input.overflow ?? false };
    const assessment = await this.quota.assess(this.prisma.sql, subject, request, {
      now: new Date(),
      defaultOnDemandLimit: this.config.defaultOnDemandLimit,
    });
    const refusal = assessment.refusal === null ? undefined : refusalOf(subject, request, assessment);
    if (refusal && isMissingReference(assessment.refusal)) throw refusal;
    const {
      figures: { contract, onDemand, pool },
      requested,
    } = assessment;
    return {
      allowed: !refusal,
      amount: request.amount,
      charged: refusal ? { committed: 0, onDemand: 0 } : requested,
      committed: contract
        ? {
            contractId: contract.contractId,
            limit: contract.committed,
            used: contract.used,
            requested: requested.committed,
          }
        : null,
      onDemand: { limit: onDemand.limit, used: onDemand.used, requested: requested.onDemand },
      pool: { available: pool.available, reserved: pool.unusedCommitments },
      ...(refusal && { code: refusal.code, message: refusal.message }),
    };
  }
}
