import { DomainError } from '@app/errors';
import { InventoryProblem } from '@app/inventory';

/** A validation failure with its problems spelled out for people, one line each (--json keeps them all). */
export function listProblems(error: unknown): never {
  if (error instanceof DomainError && Array.isArray(error.details?.problems)) {
    const problems = error.details.problems as InventoryProblem[];
    const lines = problems.slice(0, 200).map((p) => `  ${p.record}${p.id !== undefined ? ` (${p.id})` : ''}${p.field ? ` ${p.field}` : ''}: ${p.problem}`);
    const more = problems.length > 200 ? [`  ... and ${problems.length - 200} more (--json lists all)`] : [];
    throw new DomainError(error.code, [error.message, ...lines, ...more].join('\n'), { problems });
  }
  throw error;
}
