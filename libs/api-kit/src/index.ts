export { ApiErrors, BAD_REQUEST } from './api-errors.decorator';
export { ErrorResponseDto } from './error-response.dto';
export { ErrorFilter, sendError } from './error.filter';
export { ApiRangedData, parseRange, RangedData, RANGED_DATA_HEADER, RANGED_DATA_RESPONSE_HEADERS, type RangedRequest } from './ranged-data';
export { createValidationPipe } from './validation';
export { PositiveIntPipe } from './positive-int.pipe';
export { IdField, MAX_ID, OptionalIdFilter } from './id-fields';
export { CONTRACT_ID_PATTERN, ContractIdPipe } from './contract-id.pipe';
export { jsonBody, type JsonBodyOptions } from './json-body';
