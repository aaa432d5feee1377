import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { PrismaService } from '@app/database';
import { assertReferencesExist, checkQuota, QuotaCheck, QuotaRepository } from '@app/quota';
import { AllocateBatchRequest } from './allocate-servers';

export type QuotaCheckRequest = Omit<AllocateBatchRequest, 'amount' | 'spread'> & { amount?: number };

/** The quota check of seed 004's "check limits": allocate's decision on the same figures, without a lock or a write. */
@Injectable()
export class CheckQuota {
  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
    private readonly quota: QuotaRepository,
  ) {}

  async execute(request: QuotaCheckRequest): Promise<QuotaCheck> {
    const now = new Date();
    const subject = { locationId: request.locationId, instanceTypeId: request.instanceTypeId, clientId: request.clientId, contractId: request.contractId || null };
    const { facts, figures } = await this.quota.read(this.prisma.sql, subject, { now, defaultOnDemandLimit: this.config.defaultOnDemandLimit });
    assertReferencesExist(subject, facts);
    return checkQuota(subject, { amount: request.amount ?? 1, overflow: request.overflow ?? false }, facts, figures, now);
  }
}
