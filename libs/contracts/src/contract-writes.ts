import { Actor, recordChange, TransactionClient } from '@app/database';
import { CLIENT_VIEW, ClientInput, ClientView } from './client-view';
import { CommitmentInput, ContractView, view, WITH_COMMITMENTS } from './contract-view';

/**
 * Writes of clients and contracts that staff (PUT, POST, PATCH) and the inventory import share: in the caller's
 * transaction, in the lock order every writer follows (pool counters, then clients, then commitments), audited.
 */

/**
 * Creates or updates the client; `created` says which. The row is claimed first (INSERT … ON CONFLICT DO
 * NOTHING), then locked, so that of two writes of one client at once the later waits for the earlier and
 * applies as an update after it, audited with what the earlier wrote as its `before`. An update that changes
 * nothing is not audited when `quiet` (a re-import of the same file).
 */
export async function writeClient(
  tx: TransactionClient,
  clientId: number,
  input: ClientInput,
  actor: Actor,
  options: { quiet?: boolean } = {},
): Promise<{ client: ClientView; created: boolean }> {
  const data = { name: input.name, onDemandLimit: input.onDemandLimit ?? null };
  const { count } = await tx.client.createMany({ data: [{ id: clientId, ...data }], skipDuplicates: true });
  const created = count === 1;
  let before: ClientView | null = null;
  if (!created) {
    await tx.$executeRaw`SELECT 1 FROM "Client" WHERE "id" = ${clientId} FOR UPDATE`;
    before = await tx.client.findUniqueOrThrow({ where: { id: clientId }, select: CLIENT_VIEW });
  }
  const client = created
    ? await tx.client.findUniqueOrThrow({ where: { id: clientId }, select: CLIENT_VIEW })
    : await tx.client.update({ where: { id: clientId }, data, select: CLIENT_VIEW });
  const unchanged = before !== null && before.name === client.name && before.onDemandLimit === client.onDemandLimit;
  if (!(options.quiet && unchanged)) {
    const action = created ? 'created' : 'updated';
    await recordChange(tx, { entity: 'client', entityId: String(clientId), action, actor, before, after: client });
  }
  return { client, created };
}

/** A contract as a file states it: created, or changed to what the file says (its commitments replaced). */
export interface ContractRecord {
  contractId: string;
  clientId: number;
  startsAt: Date;
  endsAt: Date | null;
  commitments: CommitmentInput[];
}

async function readContract(tx: TransactionClient, contractId: string, now: Date): Promise<ContractView | null> {
  const row = await tx.contract.findUnique({ where: { contractId }, include: WITH_COMMITMENTS });
  return row && view(row, now);
}

/**
 * Writes a contract as stated (the import): its pools locked first, its commitments replaced without ever
 * dropping one that holds servers (kept at 0, counted, overcommitted), audited when it changed.
 */
export async function writeContract(
  tx: TransactionClient,
  record: ContractRecord,
  actor: Actor,
  now = new Date(),
): Promise<ContractView> {
  const before = await readContract(tx, record.contractId, now);
  await lockPools(tx, [...(before?.commitments ?? []), ...record.commitments]);
  const { commitments, ...data } = record;
  await tx.contract.upsert({ where: { contractId: record.contractId }, create: data, update: data });
  await replaceCommitments(tx, record.contractId, before?.commitments ?? [], commitments);
  const after = (await readContract(tx, record.contractId, now))!;
  if (JSON.stringify(before) !== JSON.stringify(after)) {
    const action = before ? 'updated' : 'created';
    await recordChange(tx, { entity: 'contract', entityId: record.contractId, action, actor, before, after });
  }
  return after;
}

/** The pools, in one order (by id), before any commitment row: the allocations' order (lock_pools). */
export async function lockPools(tx: TransactionClient, pools: { instanceTypeId: number }[]): Promise<void> {
  const ids = [...new Set(pools.map((p) => p.instanceTypeId))].sort((a, b) => a - b);
  if (ids.length) await tx.$executeRaw`SELECT "lock_pools"(${ids}::int[])`;
}

/**
 * The new commitments replace the old. A pool dropped while the contract still holds servers in it is
 * kept at quantity 0, so that what it holds stays counted (and is reported overcommitted).
 */
export async function replaceCommitments(
  tx: TransactionClient,
  contractId: string,
  old: (CommitmentInput & { inUse: number })[],
  next: CommitmentInput[],
): Promise<void> {
  const key = (c: { locationId: number; instanceTypeId: number }) => `${c.locationId}/${c.instanceTypeId}`;
  const kept = new Set(next.map(key));
  for (const c of old.filter((o) => !kept.has(key(o)))) {
    const where = {
      contractId_locationId_instanceTypeId: { contractId, locationId: c.locationId, instanceTypeId: c.instanceTypeId },
    };
    if (c.inUse > 0) await tx.contractCommitment.update({ where, data: { quantity: 0 } });
    else await tx.contractCommitment.delete({ where });
  }
  for (const c of next) {
    await tx.contractCommitment.upsert({
      where: {
        contractId_locationId_instanceTypeId: {
          contractId,
          locationId: c.locationId,
          instanceTypeId: c.instanceTypeId,
        },
      },
      create: { contractId, ...c },
      update: { quantity: c.quantity },
    });
  }
}
