import { ErrorCode } from './error-code';

/**
 * A rule of the domain said no. Services throw these; the HTTP edge maps the code to a status,
 * and the admin command line prints the message.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class NotFoundError extends DomainError {
  constructor(code: ErrorCode, what: string, id: string | number) {
    super(code, `${what} ${id} does not exist`, { id });
  }
}

/** One field, header or path parameter is invalid: VALIDATION_FAILED, naming it in `details.fields` as validation does. */
export class InvalidFieldError extends DomainError {
  constructor(field: string, problem: string, message = `${field} ${problem}`) {
    super(ErrorCode.VALIDATION_FAILED, message, { fields: [{ field, problems: [problem] }] });
  }
}
