import type { Prisma } from './generated/prisma/client';
import type { PrismaService } from './prisma.service';

/** The client handed to `prisma.$transaction(async (tx) => ...)`; repositories accept it to join a transaction. */
export type TransactionClient = Prisma.TransactionClient;

const ATTEMPTS = 3;

/** Deadlock or serialization failure: PostgreSQL rolled the transaction back and it can simply run again. */
function isRetryable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return code === 'P2034' || /40P01|40001|deadlock detected|could not serialize/i.test(message ?? '');
}

/**
 * Runs `work` in one READ COMMITTED transaction; the invariants come from the row locks and
 * constraints the work takes. Waits for a connection up to 10 s under load (instead of Prisma's 2 s).
 */
export async function inTransaction<T>(prisma: PrismaService, work: (tx: TransactionClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await prisma.$transaction(work, { isolationLevel: 'ReadCommitted', maxWait: 10_000, timeout: 30_000 });
    } catch (error) {
      if (attempt >= ATTEMPTS || !isRetryable(error)) throw error;
    }
  }
}
