import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { DomainError, ErrorCode } from '@app/errors';
import { MAX_ID } from './id-fields';

/** Path ids are positive 32-bit integers; anything else is a 400 naming the parameter. */
@Injectable()
export class PositiveIntPipe implements PipeTransform<string, number> {
  transform(value: string, metadata: ArgumentMetadata): number {
    const number = Number(value);
    if (!/^\d+$/.test(value) || number < 1 || number > MAX_ID) {
      const field = metadata.data ?? 'id';
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `${field} must be an integer from 1 to ${MAX_ID}`, {
        fields: [{ field, problems: [`must be an integer from 1 to ${MAX_ID} (got "${value}")`] }],
      });
    }
    return number;
  }
}
