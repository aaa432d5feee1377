import { AuditedEntity, Page, PrismaService, Slice } from '@app/database';

export interface AuditView {
  id: string;
  action: string;
  actor: string;
  /** The API key that acted, when a key did. */
  actorKeyId: number | null;
  before: unknown;
  after: unknown;
  occurredAt: Date;
}

/** The changes of one audited entity, newest first. */
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
      actorKeyId: r.actorKeyId,
      before: r.before,
      after: r.after,
      occurredAt: r.occurredAt,
    })),
  };
}
