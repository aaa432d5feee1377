// Files given to the command line: read as JSON, and their validation problems listed for people.
import { readFile } from 'node:fs/promises';
import { DomainError, ErrorCode } from '@app/errors';
import { InventoryProblem } from '@app/inventory';

/** A validation failure with its problems spelled out for people, one line each (--json keeps them all). */
export function listProblems(error: unknown): never {
  if (error instanceof DomainError && Array.isArray(error.details?.problems)) {
    const problems = error.details.problems as InventoryProblem[];
    const lines = problems
      .slice(0, 200)
      .map(
        (p) => `  ${p.record}${p.id !== undefined ? ` (${p.id})` : ''}${p.field ? ` ${p.field}` : ''}: ${p.problem}`,
      );
    const more = problems.length > 200 ? [`  ... and ${problems.length - 200} more (--json lists all)`] : [];
    throw new DomainError(error.code, [error.message, ...lines, ...more].join('\n'), { problems });
  }
  throw error;
}

/** A JSON file given on the command line; a clear error when it is not JSON. */
export async function readJson(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `${file} is not valid JSON: ${(error as Error).message}`);
  }
}
