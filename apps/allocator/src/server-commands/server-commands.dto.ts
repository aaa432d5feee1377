import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsEnum,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IdField } from '@app/api-kit';
import { IsolationSubState } from '@app/database';
import { SERVER_COMMANDS, type ServerCommand } from '@app/lifecycle';
import type { Spread } from '@app/server-commands';
import { AllocationResponseDto, ServerResponseDto } from '../inventory/inventory.dto';

/** Seed 003 "Allocation request object". */
export class AllocateServerDto {
  @IdField('Location to allocate in', 18)
  locationId: number;

  @IdField('Instance type to allocate', 129)
  instanceTypeId: number;

  @IdField('Client the server is allocated to', 12345)
  clientId: number;

  @ApiPropertyOptional({
    description: 'Contract whose committed quota is charged. Can be empty or null for on-demand client quota',
    example: 'MY-CONTRACT-123',
    pattern: '^[A-Z0-9_\\-.]{0,240}$',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Z0-9_\-.]{0,240}$/, { message: 'contractId must match ^[A-Z0-9_\\-.]{0,240}$' })
  contractId?: string | null;

  @ApiPropertyOptional({
    description:
      "If true, the allocation will be allowed to overflow the client's quota and use on-demand quota; false when absent",
    example: false,
  })
  @IsOptional()
  @IsBoolean()
  overflow?: boolean;
}

/** The most servers one order may take at once. */
export const MAX_ORDER = 1000;

/** An order of N servers of one pool: seed 000's `amount`, seed 002's cloud of N nodes. */
export class AllocateBatchDto extends AllocateServerDto {
  @ApiProperty({
    description: `How many servers, all or none (1 to ${MAX_ORDER})`,
    type: 'integer',
    minimum: 1,
    maximum: MAX_ORDER,
    example: 3,
  })
  @IsInt()
  @Min(1)
  @Max(MAX_ORDER)
  amount: number;

  @ApiPropertyOptional({
    description:
      '`rack`: from as many distinct racks as the pool allows (round-robin over racks); `none`: the lowest ids, as single allocation (when absent)',
    enum: ['none', 'rack'],
    example: 'rack',
  })
  @IsOptional()
  @IsIn(['none', 'rack'])
  spread?: Spread;
}

/** What MetalWorks may say with available (seed 003 sends no body, which stays valid). */
export class MarkAvailableDto {
  @ApiPropertyOptional({
    description:
      'The Back to Baseline run that succeeded, as server.baseline.requested carried it (payload.baseline.id). A run that is no longer the one under way is refused (409 STALE_BASELINE) and changes nothing. Required when the service runs with REQUIRE_BASELINE_ID=true. No example: a pre-filled id would be a stale one.',
    format: 'uuid',
  })
  @IsOptional()
  @IsUUID()
  baselineId?: string;
}

/** Seed 003 "Isolation request object". */
export class IsolateServerDto {
  @ApiProperty({
    description: 'Why the server is isolated',
    enum: IsolationSubState,
    enumName: 'IsolationSubState',
    example: IsolationSubState.brokenHardware,
  })
  @IsEnum(IsolationSubState)
  subState: IsolationSubState;

  @ApiPropertyOptional({
    description: 'The operationUuid reference from MetalWorks',
    format: 'uuid',
    example: '0b6f3f8e-4a57-4f2a-9f57-3c1d2a8b9e10',
  })
  @IsOptional()
  @IsUUID()
  operationUuid?: string;

  @ApiPropertyOptional({ description: 'Free text', example: 'Failed to IPMI boot', maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string;
}

export class CommandResultDto {
  @ApiProperty({ description: 'The command', enum: SERVER_COMMANDS, example: 'allocate' }) command: ServerCommand;
  @ApiProperty({
    description: 'False when the call found its work already done (a repeat): nothing was written',
    example: true,
  })
  changed: boolean;
  @ApiProperty({
    description: 'What happened, for people',
    example: 'Server 157437 allocated to client 12345, charged to the committed quota of contract MY-CONTRACT-123',
  })
  message: string;
  @ApiProperty({ description: 'The server after the command', type: ServerResponseDto }) server: ServerResponseDto;
  @ApiProperty({
    description: 'The allocation the command started or ended (allocate: which quota was charged)',
    type: AllocationResponseDto,
    nullable: true,
  })
  allocation: AllocationResponseDto | null;
}

export class ReplacementDto {
  @ApiProperty({ description: 'The server allocated in place of the broken one', type: ServerResponseDto })
  server: ServerResponseDto;
  @ApiProperty({
    description: 'Its allocation: same client, pool, quota and contract, `replacesId` naming the one that ended',
    type: AllocationResponseDto,
  })
  allocation: AllocationResponseDto;
}

export class ReplaceResultDto extends CommandResultDto {
  @ApiProperty({ description: 'The server that took its place, and its allocation', type: ReplacementDto })
  replacement: ReplacementDto;
}

export class ChargedDto {
  @ApiProperty({ description: "Servers charged to the contract's committed quota", example: 2 }) committed: number;
  @ApiProperty({ description: "Servers charged to the client's on-demand quota", example: 1 }) onDemand: number;
}

export class BatchResultDto {
  @ApiProperty({ description: 'The command', enum: ['allocate'], example: 'allocate' }) command: 'allocate';
  @ApiProperty({
    description: 'False when a repeated request (same Idempotency-Key) answered what the first one allocated',
    example: true,
  })
  changed: boolean;
  @ApiProperty({
    description: 'What happened, for people',
    example: '3 servers allocated to client 12345 from 3 racks: 2 on committed quota, 1 on-demand',
  })
  message: string;
  @ApiProperty({ description: 'How many servers were allocated: always the amount asked for', example: 3 })
  amount: number;
  @ApiProperty({ description: 'How many went to each quota', type: ChargedDto }) charged: ChargedDto;
  @ApiProperty({ description: 'The allocated servers, as single allocate shows them', type: [ServerResponseDto] })
  servers: ServerResponseDto[];
  @ApiProperty({ description: 'Their allocations, in the same order', type: [AllocationResponseDto] })
  allocations: AllocationResponseDto[];
}
