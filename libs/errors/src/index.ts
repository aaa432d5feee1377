export { ErrorCode } from './error-code';
export { DomainError, InvalidFieldError, NotFoundError } from './domain-error';
