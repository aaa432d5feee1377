import { Injectable } from '@nestjs/common';
import { TransactionClient } from '@app/database';
import { QuotaFigures } from './quota-rules';

export interface QuotaQuestion {
  clientId: number;
  contractId: string | null;
  instanceTypeId: number;
  defaultOnDemandLimit: number;
  now: Date;
}

/**
 * Reads quota figures, and takes the locks under which they stay true until the allocation commits.
 * An instance type exists in one location, so its row stands for the pool.
 */
@Injectable()
export class QuotaRepository {
  /** Serialises allocations in one pool: each sees the figures the previous one left. */
  async lockPool(tx: TransactionClient, instanceTypeId: number): Promise<void> {
    await tx.$queryRaw`SELECT 1 FROM "InstanceType" WHERE "id" = ${instanceTypeId} FOR NO KEY UPDATE`;
  }

  /** Serialises the client's on-demand accounting, which spans pools. */
  async lockClient(tx: TransactionClient, clientId: number): Promise<void> {
    await tx.$queryRaw`SELECT 1 FROM "Client" WHERE "id" = ${clientId} FOR NO KEY UPDATE`;
  }

  async figures(tx: TransactionClient, q: QuotaQuestion): Promise<QuotaFigures> {
    const [client, available, reserved, onDemandUsed, contract] = await Promise.all([
      tx.client.findUniqueOrThrow({ where: { id: q.clientId }, select: { onDemandLimit: true } }),
      tx.server.count({ where: { instanceTypeId: q.instanceTypeId, status: 'available' } }),
      this.unusedCommitments(tx, q.instanceTypeId, q.now),
      tx.allocation.count({ where: { clientId: q.clientId, quota: 'ON_DEMAND', endedAt: null } }),
      q.contractId ? this.contractFigures(tx, q.contractId, q.instanceTypeId) : undefined,
    ]);
    return {
      contract,
      onDemand: { limit: client.onDemandLimit ?? q.defaultOnDemandLimit, used: onDemandUsed },
      pool: { available, unusedCommitments: reserved },
    };
  }

  private async contractFigures(tx: TransactionClient, contractId: string, instanceTypeId: number) {
    const [commitment, used] = await Promise.all([
      tx.contractCommitment.findFirst({ where: { contractId, instanceTypeId }, select: { quantity: true } }),
      tx.allocation.count({ where: { contractId, instanceTypeId, quota: 'COMMITTED', endedAt: null } }),
    ]);
    return { contractId, committed: commitment?.quantity ?? 0, used };
  }

  /** Committed servers not yet taken, over every contract valid now: the capacity on-demand must leave alone. */
  private async unusedCommitments(tx: TransactionClient, instanceTypeId: number, now: Date): Promise<number> {
    const [row] = await tx.$queryRaw<{ unused: bigint }[]>`
      SELECT COALESCE(SUM(GREATEST(cc."quantity" - COALESCE(taken.count, 0), 0)), 0)::bigint AS unused
      FROM "ContractCommitment" cc
      JOIN "Contract" c ON c."contractId" = cc."contractId"
      LEFT JOIN (
        SELECT "contractId", COUNT(*) AS count FROM "Allocation"
        WHERE "instanceTypeId" = ${instanceTypeId} AND "quota" = 'COMMITTED' AND "endedAt" IS NULL
        GROUP BY "contractId"
      ) taken ON taken."contractId" = cc."contractId"
      WHERE cc."instanceTypeId" = ${instanceTypeId} AND c."startsAt" <= ${now} AND (c."endsAt" IS NULL OR c."endsAt" > ${now})`;
    return Number(row.unused);
  }
}
