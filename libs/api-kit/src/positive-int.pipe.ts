import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { InvalidFieldError } from '@app/errors';
import { MAX_ID } from './id-fields';

/** Path ids are positive 32-bit integers; anything else is a 400 naming the parameter. */
@Injectable()
export class PositiveIntPipe implements PipeTransform<string, number> {
  transform(value: string, metadata: ArgumentMetadata): number {
    const number = Number(value);
    if (!/^\d+$/.test(value) || number < 1 || number > MAX_ID) {
      const field = metadata.data ?? 'id';
      throw new InvalidFieldError(
        field,
        `must be an integer from 1 to ${MAX_ID} (got "${value}")`,
        `${field} must be an integer from 1 to ${MAX_ID}`,
      );
    }
    return number;
  }
}
