import { Type } from '@nestjs/common';
import { getSchemaPath } from '@nestjs/swagger';
import type { ReferenceObject, SchemaObject } from '@nestjs/swagger';
import { ErrorCode } from '@app/errors';
import * as details from './error-details.dto';
import { ERROR_STATUS } from './error-status';

/** What each code's `details` holds; `null`: the code answers without details. VALIDATION_FAILED's are optional (an unreadable body has none). */
export const ERROR_DETAILS: Record<ErrorCode, Type | null> = {
  [ErrorCode.VALIDATION_FAILED]: details.ValidationDetailsDto,
  [ErrorCode.UNAUTHORIZED]: null,
  [ErrorCode.FORBIDDEN]: details.ScopeDetailsDto,
  [ErrorCode.ROUTE_NOT_FOUND]: null,
  [ErrorCode.SERVER_NOT_FOUND]: details.NotFoundDetailsDto,
  [ErrorCode.CLIENT_NOT_FOUND]: details.NotFoundDetailsDto,
  [ErrorCode.LOCATION_NOT_FOUND]: details.NotFoundDetailsDto,
  [ErrorCode.INSTANCE_TYPE_NOT_FOUND]: details.InstanceTypeNotFoundDetailsDto,
  [ErrorCode.CONTRACT_NOT_FOUND]: details.NotFoundDetailsDto,
  [ErrorCode.API_KEY_NOT_FOUND]: details.NotFoundDetailsDto,
  [ErrorCode.HOOK_NOT_FOUND]: details.NotFoundDetailsDto,
  [ErrorCode.DELIVERY_NOT_FOUND]: details.NotFoundDetailsDto,
  [ErrorCode.MAINTENANCE_NOT_FOUND]: details.NotFoundDetailsDto,
  [ErrorCode.RACK_NOT_FOUND]: details.RackNotFoundDetailsDto,
  [ErrorCode.NO_SERVER_SELECTED]: details.SelectorDetailsDto,
  [ErrorCode.INVALID_STATE]: details.TransitionRefusedDetailsDto,
  [ErrorCode.QUARANTINED]: details.TransitionRefusedDetailsDto,
  [ErrorCode.RETIRED]: details.TransitionRefusedDetailsDto,
  [ErrorCode.NOT_ISOLATED]: details.TransitionRefusedDetailsDto,
  [ErrorCode.NOT_QUARANTINED]: details.TransitionRefusedDetailsDto,
  [ErrorCode.NOT_BASELINING]: details.TransitionRefusedDetailsDto,
  [ErrorCode.STALE_BASELINE]: details.StaleBaselineDetailsDto,
  [ErrorCode.ALLOCATION_SUPERSEDED]: details.AllocationSupersededDetailsDto,
  [ErrorCode.IN_MAINTENANCE]: details.InMaintenanceDetailsDto,
  [ErrorCode.NOT_HELD_BY_CLIENT]: details.ServerOfClientDetailsDto,
  [ErrorCode.GUARANTEE_AT_RISK]: details.GuaranteeDetailsDto,
  [ErrorCode.DELIVERY_NOT_DEAD]: details.DeliveryStateDetailsDto,
  [ErrorCode.QUOTA_EXCEEDED]: details.QuotaExceededDetailsDto,
  [ErrorCode.NO_CAPACITY]: details.NoCapacityDetailsDto,
  [ErrorCode.CONTRACT_OF_ANOTHER_CLIENT]: details.ContractClientDetailsDto,
  [ErrorCode.CONTRACT_NOT_ACTIVE]: details.ContractPeriodDetailsDto,
  [ErrorCode.CONTRACT_EXISTS]: details.ContractDetailsDto,
  [ErrorCode.HOSTNAME_IN_USE]: details.HostnameDetailsDto,
  [ErrorCode.IDEMPOTENCY_KEY_REUSED]: details.IdempotencyKeyDetailsDto,
  [ErrorCode.PAYLOAD_TOO_LARGE]: null,
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: null,
  [ErrorCode.TOO_MANY_REQUESTS]: details.RetryDetailsDto,
  [ErrorCode.DATABASE_UNAVAILABLE]: null,
  [ErrorCode.REQUEST_TIMEOUT]: null,
  [ErrorCode.INTERNAL_ERROR]: null,
};

export const ERROR_DETAILS_MODELS = [...new Set(Object.values(ERROR_DETAILS).filter((model) => model !== null))];

/** INVALID_STATE → InvalidStateError, INTERNAL_ERROR → InternalError. */
function errorSchemaName(code: ErrorCode): string {
  const pascal = code.toLowerCase().replace(/(^|_)([a-z])/g, (_, _separator, letter: string) => letter.toUpperCase());
  return pascal.endsWith('Error') ? pascal : `${pascal}Error`;
}

/** The body of one code: its status and code as constants, so that a generated client narrows `details` on `code`. */
function errorSchema(code: ErrorCode): SchemaObject {
  const model = ERROR_DETAILS[code];
  const required = ['statusCode', 'code', 'message'];
  if (model && code !== ErrorCode.VALIDATION_FAILED) required.push('details');
  if (code === ErrorCode.INTERNAL_ERROR) required.push('errorId');
  return {
    type: 'object',
    description: `The answer with code ${code} (HTTP ${ERROR_STATUS[code]})`,
    required,
    additionalProperties: false,
    properties: {
      statusCode: { type: 'integer', enum: [ERROR_STATUS[code]], description: 'HTTP status, repeated for convenience' },
      code: { type: 'string', enum: [code], description: 'Stable machine-readable code' },
      message: { type: 'string', description: 'What went wrong, for people' },
      ...(model && { details: { allOf: [{ $ref: getSchemaPath(model) }], description: 'Facts behind the error' } }),
      ...(code === ErrorCode.INTERNAL_ERROR && {
        errorId: { type: 'string', description: 'Correlation id of the failure, to find it in the logs' },
      }),
      requestId: {
        type: 'string',
        description: "The request's id (X-Request-Id, given or made): every log line of the request carries it",
      },
    },
  };
}

/** The codes answered with `status`, in the order of ErrorCode. */
export const codesOf = (status: number) => Object.values(ErrorCode).filter((code) => ERROR_STATUS[code] === status);
const statusesWithSeveralCodes = () =>
  [...new Set(Object.values(ERROR_STATUS))].filter((status) => codesOf(status).length > 1);
const refTo = (name: string): ReferenceObject => ({ $ref: getSchemaPath(name) });
const unionName = (status: number) => `Http${status}Error`;

/**
 * Adds one schema per error code, and per status that several codes share the union of them
 * (Http409Error); closes the details schemas, so that a key ERROR_DETAILS does not declare fails the tests.
 */
export function addErrorSchemas(schemas: Record<string, SchemaObject | ReferenceObject>): void {
  for (const model of [...ERROR_DETAILS_MODELS, details.FieldProblemDto, details.RecordProblemDto])
    (schemas[model.name] as SchemaObject).additionalProperties = false;
  Object.assign(schemas, errorSchemas());
}

function errorSchemas(): Record<string, SchemaObject> {
  return {
    ...Object.fromEntries(Object.values(ErrorCode).map((code) => [errorSchemaName(code), errorSchema(code)])),
    ...Object.fromEntries(
      statusesWithSeveralCodes().map((status) => [
        unionName(status),
        {
          description: `Any answer with HTTP ${status}: \`code\` tells which`,
          oneOf: codesOf(status).map((code) => refTo(errorSchemaName(code))),
        },
      ]),
    ),
  };
}

/** The body of any code answered with `status`. */
export function errorResponseSchema(status: number): ReferenceObject {
  const codes = codesOf(status);
  return refTo(codes.length === 1 ? errorSchemaName(codes[0]) : unionName(status));
}
