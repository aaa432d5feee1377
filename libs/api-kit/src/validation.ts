import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, ErrorCode } from '@app/errors';

export interface FieldProblem {
  field: string;
  problems: string[];
}

function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * Bodies and queries only: path ids keep their raw text for PositiveIntPipe, which names the bad value.
 * No body reads as an empty one: its required fields are then named, and a body that is all optional may be left out.
 */
class BodyAndQueryValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'param') return Promise.resolve(value);
    return super.transform(metadata.type === 'body' && value === undefined ? {} : value, metadata);
  }
}

/** Unknown fields, wrong types, out-of-range values: 400 VALIDATION_FAILED listing every field. */
export function createValidationPipe(): ValidationPipe {
  return new BodyAndQueryValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      return new DomainError(ErrorCode.VALIDATION_FAILED, fields.map((f) => f.problems.join('; ')).join('; '), {
        fields,
      });
    },
  });
}
