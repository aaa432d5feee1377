import { Page, Prisma, PrismaService, Slice, TransactionClient } from '@app/database';

export type AuditedEntity = 'client' | 'contract';

export interface AuditRecord {
  entity: AuditedEntity;
  entityId: string;
  action: 'created' | 'updated';
  actor: string;
  before: unknown;
  after: unknown;
}

export interface AuditView {
  id: string;
  action: string;
  actor: string;
  before: unknown;
  after: unknown;
  occurredAt: Date;
}

/** Every change to a client or a contract: who, when, before → after; written in the change's transaction. */
export function recordChange(tx: TransactionClient, record: AuditRecord): Promise<unknown> {
  const json = (value: unknown) =>
    value === null ? Prisma.DbNull : (JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue);
  return tx.auditEntry.create({ data: { ...record, before: json(record.before), after: json(record.after) } });
}

/** The changes of one client or contract, newest first. */
export async function historyOf(
  prisma: PrismaService,
  entity: AuditedEntity,
  entityId: string,
  slice: Slice,
): Promise<Page<AuditView>> {
  const where = { entity, entityId };
  const [rows, total] = await Promise.all([
    prisma.auditEntry.findMany({ where, orderBy: { id: 'desc' }, skip: slice.start, take: slice.results }),
    prisma.auditEntry.count({ where }),
  ]);
  return {
    total,
    items: rows.map((r) => ({
      id: r.id.toString(),
      action: r.action,
      actor: r.actor,
      before: r.before,
      after: r.after,
      occurredAt: r.occurredAt,
    })),
  };
}
