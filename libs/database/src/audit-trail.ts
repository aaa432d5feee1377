import { Prisma } from './generated/prisma/client';
import type { TransactionClient } from './transaction';

/** Who acted: an API key (its name, and its id, since names are not unique), or an internal job by name. */
export interface Actor {
  name: string;
  /** The API key's id, when a key acted. */
  id?: number;
}

export type AuditedEntity = 'client' | 'contract' | 'server' | 'hook' | 'maintenance';

export interface AuditRecord {
  entity: AuditedEntity;
  entityId: string;
  /** created, updated, described, deleted, enabled, disabled, replayed, started, ended. */
  action: string;
  actor: Actor;
  before: unknown;
  after: unknown;
}

/** Writes one entry of the audit trail (who, when, before → after), in the change's own transaction. */
export function recordChange(tx: TransactionClient, { actor, ...record }: AuditRecord): Promise<unknown> {
  const json = (value: unknown) =>
    value === null || value === undefined
      ? Prisma.DbNull
      : (JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue);
  return tx.auditEntry.create({
    data: {
      ...record,
      actor: actor.name,
      actorKeyId: actor.id ?? null,
      before: json(record.before),
      after: json(record.after),
    },
  });
}
