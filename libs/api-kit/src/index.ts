export { ApiErrors, BAD_REQUEST, EVERY_ROUTE } from './api-errors.decorator';
export type { ErrorBody } from './error-body';
export { addErrorSchemas } from './error-schemas';
export { ErrorFilter, sendError } from './error.filter';
export {
  ApiRangedData,
  parseRange,
  RangedData,
  RANGED_DATA_HEADER,
  RANGED_DATA_RESPONSE_HEADERS,
  type RangedRequest,
} from './ranged-data';
export { createValidationPipe } from './validation';
export { PositiveIntPipe } from './positive-int.pipe';
export { BIG_ID_PATTERN, BigIdPipe } from './big-id.pipe';
export { IdField, MAX_ID, OptionalIdFilter } from './id-fields';
export { CONTRACT_ID_PATTERN, ContractIdPipe } from './contract-id.pipe';
export { jsonBody, type JsonBodyOptions } from './json-body';
export { requestHeader } from './request-header';
export { requestTimeout } from './request-timeout';
export { ERROR_STATUS } from './error-status';
export { currentRequestId, REQUEST_ID_HEADER, reachedRoute, requestContext, requestIdOf } from './request-context';
export { levelsFrom, ServiceLogger } from './service-logger';
export { accessLog } from './access-log';
