/** A write refused by a unique index: PostgreSQL's 23505, as pg reports it, or Prisma's P2002. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'P2002';
}

/**
 * Runs `work` again, once, when a concurrent writer created the same row first (a read-then-write that lost
 * the race): the second run reads that row and applies after it, as if the two had come one after the other.
 */
export async function againAfterUniqueViolation<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return work();
  }
}
