import { HttpStatus } from '@nestjs/common';
import { ErrorCode } from '@app/errors';

/** How each domain error code is answered over HTTP. */
export const ERROR_STATUS: Record<ErrorCode, HttpStatus> = {
  [ErrorCode.VALIDATION_FAILED]: HttpStatus.BAD_REQUEST,
  [ErrorCode.UNAUTHORIZED]: HttpStatus.UNAUTHORIZED,
  [ErrorCode.FORBIDDEN]: HttpStatus.FORBIDDEN,
  [ErrorCode.ROUTE_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [ErrorCode.SERVER_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [ErrorCode.CLIENT_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [ErrorCode.LOCATION_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [ErrorCode.INSTANCE_TYPE_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [ErrorCode.CONTRACT_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [ErrorCode.API_KEY_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [ErrorCode.HOOK_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [ErrorCode.DELIVERY_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [ErrorCode.INVALID_STATE]: HttpStatus.CONFLICT,
  [ErrorCode.QUARANTINED]: HttpStatus.CONFLICT,
  [ErrorCode.RETIRED]: HttpStatus.CONFLICT,
  [ErrorCode.NOT_ISOLATED]: HttpStatus.CONFLICT,
  [ErrorCode.NOT_QUARANTINED]: HttpStatus.CONFLICT,
  [ErrorCode.NOT_BASELINING]: HttpStatus.CONFLICT,
  [ErrorCode.DELIVERY_NOT_DEAD]: HttpStatus.CONFLICT,
  [ErrorCode.QUOTA_EXCEEDED]: HttpStatus.CONFLICT,
  [ErrorCode.NO_CAPACITY]: HttpStatus.CONFLICT,
  [ErrorCode.CONTRACT_OF_ANOTHER_CLIENT]: HttpStatus.FORBIDDEN,
  [ErrorCode.CONTRACT_NOT_ACTIVE]: HttpStatus.CONFLICT,
  [ErrorCode.CONTRACT_EXISTS]: HttpStatus.CONFLICT,
  [ErrorCode.HOSTNAME_IN_USE]: HttpStatus.CONFLICT,
  [ErrorCode.IDEMPOTENCY_KEY_REUSED]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ErrorCode.PAYLOAD_TOO_LARGE]: HttpStatus.PAYLOAD_TOO_LARGE,
  [ErrorCode.INTERNAL_ERROR]: HttpStatus.INTERNAL_SERVER_ERROR,
};
