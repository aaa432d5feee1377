import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { InvalidFieldError } from '@app/errors';

/** Ids of PostgreSQL `bigint` rows (deliveries) travel as decimal text, in bodies and paths alike: a JSON number would lose digits. */
export const BIG_ID_PATTERN = /^[1-9][0-9]{0,18}$/;
const MAX_BIG_ID = 2n ** 63n - 1n;

/** A bigint id in a path; anything else is a 400 naming the parameter. */
@Injectable()
export class BigIdPipe implements PipeTransform<string, bigint> {
  transform(value: string, metadata: ArgumentMetadata): bigint {
    if (!BIG_ID_PATTERN.test(value) || BigInt(value) > MAX_BIG_ID) {
      const field = metadata.data ?? 'id';
      throw new InvalidFieldError(
        field,
        `must be an integer from 1 to ${MAX_BIG_ID}, as text (got "${value}")`,
        `${field} must be an integer from 1 to ${MAX_BIG_ID}`,
      );
    }
    return BigInt(value);
  }
}
