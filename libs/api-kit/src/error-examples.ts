import { ErrorCode } from '@app/errors';
import { SERVER_LIFECYCLE, ServerCommand, Status } from '@app/lifecycle';

export interface ErrorExample {
  message: string;
  details?: Record<string, unknown>;
  errorId?: string;
}

const REFUSED = (status: Status, command: ServerCommand) => ({
  serverId: 157437,
  status,
  command,
  allowedCommands: [...new Set(SERVER_LIFECYCLE.filter((t) => t.from === status).map((t) => t.command))],
});

/** A typical body of each code, as the service words it: the examples of the spec. */
export const ERROR_EXAMPLES: Record<ErrorCode, ErrorExample> = {
  [ErrorCode.VALIDATION_FAILED]: {
    message: 'locationId must be an integer number',
    details: { fields: [{ field: 'locationId', problems: ['locationId must be an integer number'] }] },
  },
  [ErrorCode.UNAUTHORIZED]: { message: 'Missing X-Api-Key header' },
  [ErrorCode.FORBIDDEN]: {
    message: 'This API key lacks the scope server:allocate',
    details: { requiredScopes: ['server:allocate'], missingScopes: ['server:allocate'] },
  },
  [ErrorCode.ROUTE_NOT_FOUND]: { message: 'Cannot GET /api/nothing' },
  [ErrorCode.SERVER_NOT_FOUND]: { message: 'Server 157437 does not exist', details: { id: 157437 } },
  [ErrorCode.CLIENT_NOT_FOUND]: { message: 'Client 12 does not exist', details: { id: 12 } },
  [ErrorCode.LOCATION_NOT_FOUND]: { message: 'Location 18 does not exist', details: { id: 18 } },
  [ErrorCode.INSTANCE_TYPE_NOT_FOUND]: {
    message: 'Instance type 129 is not offered at location 18',
    details: { locationId: 18, instanceTypeId: 129 },
  },
  [ErrorCode.CONTRACT_NOT_FOUND]: {
    message: 'Contract MY-CONTRACT-123 does not exist',
    details: { id: 'MY-CONTRACT-123' },
  },
  [ErrorCode.API_KEY_NOT_FOUND]: { message: 'API key 3 does not exist', details: { id: 3 } },
  [ErrorCode.HOOK_NOT_FOUND]: { message: 'Hook 1 does not exist', details: { id: 1 } },
  [ErrorCode.DELIVERY_NOT_FOUND]: { message: 'Delivery 42 does not exist', details: { id: '42' } },
  [ErrorCode.MAINTENANCE_NOT_FOUND]: { message: 'Maintenance 7 does not exist', details: { id: 7 } },
  [ErrorCode.RACK_NOT_FOUND]: {
    message: 'No server of location 18 is in rack R12',
    details: { locationId: 18, rack: 'R12' },
  },
  [ErrorCode.NO_SERVER_SELECTED]: {
    message: 'The selector matches no server (retired servers are never selected)',
    details: { selector: { locationId: 18, instanceTypeId: 129 } },
  },
  [ErrorCode.INVALID_STATE]: {
    message: 'Server 157437 is baselining: allocate is not allowed',
    details: REFUSED('baselining', 'allocate'),
  },
  [ErrorCode.QUARANTINED]: {
    message: 'Server 157437 is quarantined: deallocate is not allowed',
    details: REFUSED('quarantined', 'deallocate'),
  },
  [ErrorCode.RETIRED]: {
    message: 'Server 157437 is retired: isolate is not allowed',
    details: REFUSED('retired', 'isolate'),
  },
  [ErrorCode.NOT_ISOLATED]: {
    message: 'Server 157437 is available: unisolate is not allowed',
    details: REFUSED('available', 'unisolate'),
  },
  [ErrorCode.NOT_QUARANTINED]: {
    message: 'Server 157437 is available: unquarantine is not allowed',
    details: REFUSED('available', 'unquarantine'),
  },
  [ErrorCode.NOT_BASELINING]: {
    message: 'Server 157437 is allocated: available is not allowed',
    details: REFUSED('allocated', 'available'),
  },
  [ErrorCode.STALE_BASELINE]: {
    message:
      'Back to Baseline 5f0c1a9e-2b7d-4c3e-9a41-7d2e8b6c1f30 is not the run under way on server 157437: nothing changed',
    details: {
      serverId: 157437,
      baselineId: '5f0c1a9e-2b7d-4c3e-9a41-7d2e8b6c1f30',
      currentBaselineId: '0d1b6c2e-7a4f-4e8b-b3c5-2f9e1a7d6c40',
    },
  },
  [ErrorCode.ALLOCATION_SUPERSEDED]: {
    message:
      'Server 157437 was allocated again after allocation 1017 of client 12345: that allocation can no longer be compensated',
    details: { serverId: 157437, clientId: 12345, allocationId: 1017 },
  },
  [ErrorCode.IN_MAINTENANCE]: {
    message: 'Already in another open maintenance: server 157437 (maintenance 6)',
    details: { servers: [{ serverId: 157437, maintenanceId: 6 }] },
  },
  [ErrorCode.NOT_HELD_BY_CLIENT]: {
    message: 'Server 157437 is allocated to another client than 12345: nothing changed',
    details: { serverId: 157437, clientId: 12345 },
  },
  [ErrorCode.GUARANTEE_AT_RISK]: {
    message:
      'The maintenance would leave committed capacity uncovered: pool 129 short of 3; nothing changed (force: true starts it anyway)',
    details: { shortfall: [{ locationId: 18, instanceTypeId: 129, availableLeft: 2, reserved: 5, shortfall: 3 }] },
  },
  [ErrorCode.DELIVERY_NOT_DEAD]: {
    message: 'Delivery 42 is delivered: only dead-lettered deliveries are replayed',
    details: { state: 'delivered' },
  },
  [ErrorCode.QUOTA_EXCEEDED]: {
    message:
      'Contract MY-CONTRACT-123 has used all 5 committed servers of this pool; set overflow to use on-demand quota',
    details: { quota: 'COMMITTED', contractId: 'MY-CONTRACT-123', committed: 5, used: 5, requested: 1 },
  },
  [ErrorCode.NO_CAPACITY]: {
    message: 'No server can be allocated: the 3 Available servers are reserved for 3 committed servers not yet taken',
    details: { available: 3, reserved: 3, requested: 1 },
  },
  [ErrorCode.CONTRACT_OF_ANOTHER_CLIENT]: {
    message: 'Contract MY-CONTRACT-123 is not a contract of client 12',
    details: { contractId: 'MY-CONTRACT-123', clientId: 12 },
  },
  [ErrorCode.CONTRACT_NOT_ACTIVE]: {
    message: 'Contract MY-CONTRACT-123 is not valid now',
    details: { contractId: 'MY-CONTRACT-123', startsAt: '2027-01-01T00:00:00.000Z', endsAt: null },
  },
  [ErrorCode.CONTRACT_EXISTS]: {
    message: 'Contract MY-CONTRACT-123 exists already; change it with PATCH',
    details: { contractId: 'MY-CONTRACT-123' },
  },
  [ErrorCode.HOSTNAME_IN_USE]: {
    message: 'ams-r12-node-07 is the hostname of server 157437',
    details: { hostname: 'ams-r12-node-07', serverId: 157437 },
  },
  [ErrorCode.IDEMPOTENCY_KEY_REUSED]: {
    message: 'Idempotency-Key retry-1 was used for a different request',
    details: { idempotencyKey: 'retry-1' },
  },
  [ErrorCode.PAYLOAD_TOO_LARGE]: { message: 'request entity too large' },
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: { message: 'The body must be application/json (got text/plain)' },
  [ErrorCode.TOO_MANY_REQUESTS]: {
    message: 'Too many failed authentications from this address; retry in 42 s',
    details: { retryAfterSeconds: 42 },
  },
  [ErrorCode.DATABASE_UNAVAILABLE]: { message: 'The database is unavailable; retry in 2 s' },
  [ErrorCode.REQUEST_TIMEOUT]: { message: 'The request took longer than 30 s and was given up; retry later' },
  [ErrorCode.INTERNAL_ERROR]: {
    message: 'Unexpected failure; the errorId finds it in the service logs',
    errorId: '3b0b2c1e-7d1c-4d43-9b6e-2f2a0a1f4c55',
  },
};
