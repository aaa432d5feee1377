export { ErrorCode } from './error-code';
export { DomainError, NotFoundError } from './domain-error';
