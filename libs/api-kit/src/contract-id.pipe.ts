import { Injectable, PipeTransform } from '@nestjs/common';
import { InvalidFieldError } from '@app/errors';

/** Seed 003's contract id, without the empty one (which means "no contract" in an allocate body). */
export const CONTRACT_ID_PATTERN = /^[A-Z0-9_\-.]{1,240}$/;

/** A contract id in a path; anything else is a 400 naming the parameter. */
@Injectable()
export class ContractIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!CONTRACT_ID_PATTERN.test(value)) {
      throw new InvalidFieldError(
        'contractId',
        `must match ${CONTRACT_ID_PATTERN.source} (got "${value}")`,
        `contractId must match ${CONTRACT_ID_PATTERN.source}`,
      );
    }
    return value;
  }
}
