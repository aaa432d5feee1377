import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { CONTRACT_ID_PATTERN, IdField, MAX_ID, OptionalIdFilter } from '@app/api-kit';

export class ClientInputDto {
  @ApiProperty({ description: 'Client name', example: 'SampleCustomer', minLength: 1, maxLength: 255 })
  @IsString()
  @Length(1, 255)
  name: string;

  @ApiPropertyOptional({
    description: 'On-demand servers it may hold at once; null or absent: the service default',
    example: 10,
    nullable: true,
    type: 'integer',
    minimum: 0,
    maximum: MAX_ID,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_ID)
  onDemandLimit?: number | null;
}

export class ClientResponseDto {
  @ApiProperty({ description: 'Client id', example: 12345 }) id: number;
  @ApiProperty({ description: 'Client name', example: 'SampleCustomer' }) name: string;
  @ApiProperty({
    description: 'Its own on-demand limit; null: the service default',
    example: 10,
    nullable: true,
    type: Number,
  })
  onDemandLimit: number | null;
  @ApiProperty({ description: 'On-demand servers it holds now', example: 1 }) onDemandInUse: number;
}

/** A whole list: example-driven tools would otherwise repeat one pool, which the service refuses. */
const COMMITMENTS_EXAMPLE = [{ locationId: 18, instanceTypeId: 129, quantity: 5 }];

export class CommitmentDto {
  @IdField('Location of the pool', 18) locationId: number;
  @IdField('Instance type of the pool, offered at that location', 129) instanceTypeId: number;

  @ApiProperty({
    description: 'Servers committed in the pool',
    example: 5,
    type: 'integer',
    minimum: 0,
    maximum: 100000,
  })
  @IsInt()
  @Min(0)
  @Max(100_000)
  quantity: number;
}

export class CommitmentResponseDto extends CommitmentDto {
  @ApiProperty({ description: 'Of those, held now (may exceed quantity after the commitment was lowered)', example: 2 })
  inUse: number;
}

const ISO = { strict: true, strictSeparator: true };

export class ContractInputDto {
  @ApiProperty({
    description: 'Contract id (seed 003 pattern, not empty)',
    example: 'NEW-CONTRACT-2027',
    pattern: CONTRACT_ID_PATTERN.source,
  })
  @IsString()
  @Matches(CONTRACT_ID_PATTERN, { message: `contractId must match ${CONTRACT_ID_PATTERN.source}` })
  contractId: string;

  @IdField('Client the contract belongs to (never changes)', 12345) clientId: number;

  @ApiProperty({ description: 'Valid from (ISO 8601)', example: '2027-01-01T00:00:00Z' })
  @IsISO8601(ISO)
  startsAt: string;

  @ApiPropertyOptional({
    description: 'Valid until (ISO 8601); null or absent: open-ended',
    example: null,
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsISO8601(ISO)
  endsAt?: string | null;

  @ApiProperty({ description: 'What it commits, pool by pool', type: [CommitmentDto], example: COMMITMENTS_EXAMPLE })
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => CommitmentDto)
  commitments: CommitmentDto[];
}

export class ContractChangeDto {
  @ApiPropertyOptional({
    description:
      'New end (ISO 8601); null: open-ended. Ending a contract that holds servers is allowed: they are reported overcommitted',
    example: '2027-06-30T00:00:00Z',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsISO8601(ISO)
  endsAt?: string | null;

  @ApiPropertyOptional({
    description:
      'Replace the commitments with these. Lowering one below what is in use is allowed: nothing is taken away',
    type: [CommitmentDto],
    example: COMMITMENTS_EXAMPLE,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => CommitmentDto)
  commitments?: CommitmentDto[];
}

export class ContractResponseDto {
  @ApiProperty({ description: 'Contract id', example: 'MY-CONTRACT-123' }) contractId: string;
  @ApiProperty({ description: 'Client', example: 12345 }) clientId: number;
  @ApiProperty({ description: 'Valid from', example: '2026-01-01T00:00:00.000Z' }) startsAt: Date;
  @ApiProperty({ description: 'Valid until; null when open-ended', example: null, nullable: true, type: Date })
  endsAt: Date | null;
  @ApiProperty({ description: 'Valid now', example: true }) active: boolean;
  @ApiProperty({ description: 'Commitments, pool by pool', type: [CommitmentResponseDto] })
  commitments: CommitmentResponseDto[];
}

export class OvercommitmentDto {
  @ApiProperty({ description: 'Location of the pool', example: 18 }) locationId: number;
  @ApiProperty({ description: 'Instance type of the pool', example: 129 }) instanceTypeId: number;
  @ApiProperty({ description: 'What the contract commits there now (0 once it has ended)', example: 1 })
  committed: number;
  @ApiProperty({ description: 'What it holds there', example: 2 }) inUse: number;
}

export class ContractChangeResultDto {
  @ApiProperty({ description: 'The contract as it is now', type: ContractResponseDto }) contract: ContractResponseDto;
  @ApiProperty({
    description: 'Pools where it holds more than it commits now: nothing was taken away',
    type: [OvercommitmentDto],
  })
  overcommitted: OvercommitmentDto[];
}

export class ContractListQueryDto {
  @OptionalIdFilter('Only contracts of this client', 12345) clientId?: number;
}

export class AuditEntryDto {
  @ApiProperty({ description: 'Entry id', example: '7' }) id: string;
  @ApiProperty({ description: '`created` or `updated`', example: 'updated' }) action: string;
  @ApiProperty({
    description: 'Name of the API key (or admin command line user) that made the change',
    example: 'staff',
  })
  actor: string;
  @ApiProperty({ description: 'Before the change; null when created', example: null, nullable: true, type: Object })
  before: unknown;
  @ApiProperty({ description: 'After the change', example: { contractId: 'MY-CONTRACT-123' }, type: Object })
  after: unknown;
  @ApiProperty({ description: 'When', example: '2026-11-24T10:00:00.000Z' }) occurredAt: Date;
}
