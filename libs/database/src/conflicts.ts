/** The error codes of a failure: pg's SQLSTATE, Prisma's own, and the SQLSTATE behind a raw query Prisma ran. */
function codesOf(error: unknown): unknown[] {
  type Cause = { code?: unknown; originalCode?: unknown };
  const e = error as { code?: unknown; meta?: { code?: unknown; driverAdapterError?: { cause?: Cause } } } | null;
  const cause = e?.meta?.driverAdapterError?.cause;
  return [e?.code, e?.meta?.code, cause?.code, cause?.originalCode];
}

/** A write refused by a unique index: PostgreSQL's 23505, as pg reports it, or Prisma's P2002. */
export function isUniqueViolation(error: unknown): boolean {
  return codesOf(error).some((code) => code === '23505' || code === 'P2002');
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

/** PostgreSQL rolled the transaction back for a deadlock or a serialization failure (40P01, 40001; Prisma's P2034). */
export function isTransientConflict(error: unknown): boolean {
  return codesOf(error).some((code) => code === '40P01' || code === '40001' || code === 'P2034');
}

const CONFLICT_ATTEMPTS = 3;

/**
 * Runs a transaction again after a deadlock or a serialization failure (PostgreSQL rolled it back whole), a
 * bounded number of times; the last failure is thrown, and answered 503 with Retry-After by the error filter.
 */
export async function againAfterConflict<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= CONFLICT_ATTEMPTS || !isTransientConflict(error)) throw error;
    }
  }
}
