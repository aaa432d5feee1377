import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DeliveryState, ServerStatus } from '@app/database';
import { SERVER_COMMANDS, type ServerCommand } from '@app/lifecycle';

/** The `details` of each error code: what a client reads to act on the error without parsing the message. */

export class FieldProblemDto {
  @ApiProperty({
    description: 'The field, header or parameter (nested fields with dots: servers.0.hostname)',
    example: 'locationId',
  })
  field: string;
  @ApiProperty({ description: 'What was wrong with it', example: ['locationId must be an integer number'] })
  problems: string[];
}

export class RecordProblemDto {
  @ApiProperty({ description: 'Which record of the list', example: 'servers[0]' }) record: string;
  @ApiPropertyOptional({
    description: "The record's id, as the record gave it",
    oneOf: [{ type: 'integer' }, { type: 'string' }],
    example: 157437,
  })
  id?: number | string;
  @ApiPropertyOptional({ description: 'The field of the record', example: 'hostname' }) field?: string;
  @ApiProperty({ description: 'What was wrong with it', example: 'hostname node-1 is used twice' }) problem: string;
}

export class ValidationDetailsDto {
  @ApiPropertyOptional({
    description: 'Each invalid field, header or path parameter and what was wrong',
    type: [FieldProblemDto],
  })
  fields?: FieldProblemDto[];
  @ApiPropertyOptional({
    description: 'Each invalid record of a list of servers (all or nothing: none was written)',
    type: [RecordProblemDto],
  })
  problems?: RecordProblemDto[];
}

export class ScopeDetailsDto {
  @ApiProperty({ description: 'Scopes the route accepts (any one of them)', example: ['server:allocate'] })
  requiredScopes: string[];
  @ApiProperty({ description: 'Those the key lacks', example: ['server:allocate'] }) missingScopes: string[];
}

export class NotFoundDetailsDto {
  @ApiProperty({
    description: 'The id that names nothing (a contract id is text, others are integers)',
    oneOf: [{ type: 'integer' }, { type: 'string' }],
    example: 157437,
  })
  id: number | string;
}

export class InstanceTypeNotFoundDetailsDto {
  @ApiProperty({ description: 'The location asked for', example: 18, type: 'integer' }) locationId: number;
  @ApiProperty({ description: 'The instance type, not offered there', example: 129, type: 'integer' })
  instanceTypeId: number;
}

export class TransitionRefusedDetailsDto {
  @ApiProperty({ description: 'The server', example: 157437, type: 'integer' }) serverId: number;
  @ApiProperty({
    description: 'Its status',
    enum: ServerStatus,
    enumName: 'ServerStatus',
    example: ServerStatus.baselining,
  })
  status: ServerStatus;
  @ApiProperty({
    description: 'The command refused',
    enum: SERVER_COMMANDS,
    enumName: 'ServerCommand',
    example: 'allocate',
  })
  command: ServerCommand;
  @ApiProperty({
    description: 'The commands its status allows',
    enum: SERVER_COMMANDS,
    enumName: 'ServerCommand',
    isArray: true,
    example: ['isolate', 'available', 'quarantine'],
  })
  allowedCommands: ServerCommand[];
}

export class DeliveryStateDetailsDto {
  @ApiProperty({
    description: 'State of the delivery',
    enum: DeliveryState,
    enumName: 'DeliveryState',
    example: DeliveryState.delivered,
  })
  state: DeliveryState;
}

export class QuotaExceededDetailsDto {
  @ApiProperty({ description: 'The quota that is used up', enum: ['COMMITTED', 'ON_DEMAND'], example: 'COMMITTED' })
  quota: 'COMMITTED' | 'ON_DEMAND';
  @ApiPropertyOptional({ description: 'The contract (COMMITTED)', example: 'MY-CONTRACT-123' }) contractId?: string;
  @ApiPropertyOptional({ description: 'Servers it commits in this pool (COMMITTED)', example: 5, type: 'integer' })
  committed?: number;
  @ApiPropertyOptional({ description: "The client's on-demand limit (ON_DEMAND)", example: 10, type: 'integer' })
  limit?: number;
  @ApiProperty({ description: 'Servers of that quota in use', example: 5, type: 'integer' }) used: number;
  @ApiProperty({ description: 'Servers the request would add to it', example: 1, type: 'integer' }) requested: number;
}

export class NoCapacityDetailsDto {
  @ApiProperty({ description: 'Available servers of the pool', example: 3, type: 'integer' }) available: number;
  @ApiProperty({ description: 'Of those, committed to contracts and not yet taken', example: 3, type: 'integer' })
  reserved: number;
  @ApiProperty({ description: 'Servers requested', example: 1, type: 'integer' }) requested: number;
}

export class ContractClientDetailsDto {
  @ApiProperty({ description: 'The contract', example: 'MY-CONTRACT-123' }) contractId: string;
  @ApiProperty({ description: 'The client the request named', example: 12, type: 'integer' }) clientId: number;
}

export class ContractPeriodDetailsDto {
  @ApiProperty({ description: 'The contract', example: 'MY-CONTRACT-123' }) contractId: string;
  @ApiProperty({ description: 'When it starts', example: '2027-01-01T00:00:00.000Z', format: 'date-time' })
  startsAt: string;
  @ApiProperty({
    description: 'When it ends; null: open-ended',
    example: null,
    format: 'date-time',
    type: 'string',
    nullable: true,
  })
  endsAt: string | null;
}

export class ContractDetailsDto {
  @ApiProperty({ description: 'The contract', example: 'MY-CONTRACT-123' }) contractId: string;
}

export class HostnameDetailsDto {
  @ApiProperty({ description: 'The hostname asked for', example: 'ams-r12-node-07' }) hostname: string;
  @ApiProperty({ description: 'The server that has it', example: 157437, type: 'integer' }) serverId: number;
}

export class StaleBaselineDetailsDto {
  @ApiProperty({ description: 'The server', example: 157437, type: 'integer' }) serverId: number;
  @ApiProperty({
    description: 'The run named by the call',
    format: 'uuid',
    example: '5f0c1a9e-2b7d-4c3e-9a41-7d2e8b6c1f30',
  })
  baselineId: string;
  @ApiProperty({
    description: 'The run under way, whose own server.baseline.requested was sent',
    format: 'uuid',
    example: '0d1b6c2e-7a4f-4e8b-b3c5-2f9e1a7d6c40',
  })
  currentBaselineId: string;
}

export class AllocationSupersededDetailsDto {
  @ApiProperty({ description: 'The server', example: 157437, type: 'integer' }) serverId: number;
  @ApiProperty({ description: 'The client named', example: 12345, type: 'integer' }) clientId: number;
  @ApiProperty({ description: "The client's latest allocation of the server", example: 1017, type: 'integer' })
  allocationId: number;
}

export class IdempotencyKeyDetailsDto {
  @ApiProperty({ description: 'The key, used before for a different request', example: 'retry-1' })
  idempotencyKey: string;
}

export class RetryDetailsDto {
  @ApiProperty({ description: 'Seconds to wait (also in Retry-After)', example: 42, type: 'integer' })
  retryAfterSeconds: number;
}

export class RackNotFoundDetailsDto {
  @ApiProperty({ description: 'The location asked for', example: 18, type: 'integer' }) locationId: number;
  @ApiProperty({ description: 'The rack, of no server there', example: 'R12' }) rack: string;
}

export class SelectorDetailsDto {
  @ApiProperty({
    description: 'The selector as given',
    type: 'object',
    additionalProperties: true,
    example: { locationId: 18, rack: 'R12' },
  })
  selector: object;
}

export class MaintenanceMembershipDto {
  @ApiProperty({ description: 'The server', example: 157437, type: 'integer' }) serverId: number;
  @ApiProperty({ description: 'The open maintenance it is in', example: 6, type: 'integer' }) maintenanceId: number;
}

export class InMaintenanceDetailsDto {
  @ApiProperty({
    description: 'Selected servers already in another open maintenance',
    type: [MaintenanceMembershipDto],
  })
  servers: MaintenanceMembershipDto[];
}

export class PoolShortfallDto {
  @ApiProperty({ description: 'Location of the pool', example: 18, type: 'integer' }) locationId: number;
  @ApiProperty({ description: 'Instance type of the pool', example: 129, type: 'integer' }) instanceTypeId: number;
  @ApiProperty({
    description: 'Available servers left once the selected ones are isolated',
    example: 2,
    type: 'integer',
  })
  availableLeft: number;
  @ApiProperty({ description: 'Unused commitments of the contracts valid now', example: 5, type: 'integer' })
  reserved: number;
  @ApiProperty({ description: 'Commitments left uncovered', example: 3, type: 'integer' }) shortfall: number;
}

export class GuaranteeDetailsDto {
  @ApiProperty({ description: 'The pools whose commitments would be left uncovered', type: [PoolShortfallDto] })
  shortfall: PoolShortfallDto[];
}

export class ServerOfClientDetailsDto {
  @ApiProperty({ description: 'The server', example: 157437, type: 'integer' }) serverId: number;
  @ApiProperty({ description: 'The client the request named, which does not hold it', example: 12345, type: 'integer' })
  clientId: number;
}
