import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional } from 'class-validator';
import { OptionalIdFilter } from '@app/api-kit';
import { AllocationEnd, QuotaKind } from '@app/database';

export class CapacityQueryDto {
  @OptionalIdFilter('Only pools at this location', 18) locationId?: number;
  @OptionalIdFilter("Only this instance type's pool", 129) instanceTypeId?: number;
}

export class ServersByStatusDto {
  @ApiProperty({ description: 'Available: what allocations take', example: 9 }) available: number;
  @ApiProperty({ description: 'Held by clients', example: 4 }) allocated: number;
  @ApiProperty({ description: 'In Back to Baseline (wipe and health check)', example: 1 }) baselining: number;
  @ApiProperty({ description: 'Out of service', example: 1 }) isolated: number;
  @ApiProperty({ description: 'Frozen for an investigation', example: 0 }) quarantined: number;
  @ApiProperty({ description: 'Out of the fleet for good', example: 0 }) retired: number;
}

export class PoolCapacityDto {
  @ApiProperty({ description: 'Location of the pool', example: 18 }) locationId: number;
  @ApiProperty({ description: 'Instance type of the pool', example: 129 }) instanceTypeId: number;
  @ApiProperty({ description: 'Name of the instance type', example: 'bm7.std.8' }) instanceTypeName: string;
  @ApiProperty({ description: 'Servers of the pool by lifecycle status', type: ServersByStatusDto })
  servers: ServersByStatusDto;
  @ApiProperty({ description: 'Servers committed by the contracts valid now', example: 7 }) committed: number;
  @ApiProperty({ description: 'Open allocations charged to a commitment', example: 3 }) committedInUse: number;
  @ApiProperty({
    description: 'Committed by contracts valid now and not taken yet: on-demand leaves these alone',
    example: 4,
  })
  reserved: number;
  @ApiProperty({ description: 'Open allocations charged to on-demand quota', example: 1 }) onDemandInUse: number;
  @ApiProperty({
    description:
      'What on-demand may still take under the guarantee: Available servers beyond the reserve (never negative)',
    example: 5,
  })
  onDemandHeadroom: number;
  @ApiProperty({
    description:
      'Allocated or in Back to Baseline, and in an open maintenance: never allocated again before it ends, they join it once released and wiped',
    example: 0,
  })
  pendingMaintenance: number;
  @ApiProperty({
    description: 'Marked to retire: their next Back to Baseline ends in retired instead of Available',
    example: 0,
  })
  pendingRetirement: number;
}

export class BaselineRunsDto {
  @ApiProperty({ description: 'The location', example: 18 }) locationId: number;
  @ApiProperty({ description: 'Runs under way in MetalWorks (dispatched)', example: 12 }) running: number;
  @ApiProperty({ description: 'Runs waiting for a slot', example: 0 }) waiting: number;
  @ApiProperty({
    description: 'When the oldest waiting run was requested; null when none waits',
    nullable: true,
    type: Date,
    example: null,
  })
  oldestWaitingSince: Date | null;
  @ApiProperty({ description: 'Runs allowed under way at once per location (BASELINE_MAX_IN_FLIGHT)', example: 200 })
  maxInFlight: number;
  @ApiProperty({
    description: 'A run under way longer than this since its dispatch is isolated by the watchdog (BASELINE_TIMEOUT)',
    example: 14400,
  })
  timeoutSeconds: number;
}

export class ContractPoolCapacityDto {
  @ApiProperty({ description: 'Location of the pool', example: 18 }) locationId: number;
  @ApiProperty({ description: 'Instance type of the pool', example: 129 }) instanceTypeId: number;
  @ApiProperty({ description: 'Servers the contract commits in the pool', example: 5 }) committed: number;
  @ApiProperty({ description: 'Of those, held now', example: 2 }) used: number;
  @ApiProperty({ description: 'Committed and not held (never negative)', example: 3 }) free: number;
}

export class ContractCapacityDto {
  @ApiProperty({ description: 'Contract', example: 'MY-CONTRACT-123' }) contractId: string;
  @ApiProperty({ description: 'Valid from', example: '2026-01-01T00:00:00.000Z' }) startsAt: Date;
  @ApiProperty({ description: 'Valid until; null when open-ended', example: null, nullable: true, type: Date })
  endsAt: Date | null;
  @ApiProperty({ description: 'Valid now: only then does it reserve capacity and take allocations', example: true })
  active: boolean;
  @ApiProperty({ description: 'Its commitments, pool by pool', type: [ContractPoolCapacityDto] })
  pools: ContractPoolCapacityDto[];
}

export class OnDemandUseDto {
  @ApiProperty({ description: 'On-demand servers held now, all pools', example: 1 }) used: number;
  @ApiProperty({
    description: 'On-demand servers the client may hold (its own limit or the service default)',
    example: 10,
  })
  limit: number;
}

export class ClientCapacityDto {
  @ApiProperty({ description: 'Client', example: 12345 }) clientId: number;
  @ApiProperty({ description: 'Client name', example: 'SampleCustomer' }) name: string;
  @ApiProperty({ description: 'Its contracts and what each commits and uses', type: [ContractCapacityDto] })
  contracts: ContractCapacityDto[];
  @ApiProperty({ description: 'Its on-demand quota', type: OnDemandUseDto }) onDemand: OnDemandUseDto;
}

export class AllocationQueryDto {
  @ApiPropertyOptional({
    description: 'Only allocations still open at or after this time (ISO 8601), e.g. 2026-11-01T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({
    description: 'Only allocations started before this time (ISO 8601), e.g. 2026-12-01T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ description: '`open`: still held; `ended`: given back', enum: ['open', 'ended'] })
  @IsOptional()
  @IsIn(['open', 'ended'])
  state?: 'open' | 'ended';
}

export class BilledAllocationDto {
  @ApiProperty({ description: 'Allocation id', example: 4711 }) id: number;
  @ApiProperty({ description: 'Server', example: 157437 }) serverId: number;
  @ApiProperty({ description: 'Location of the pool', example: 18 }) locationId: number;
  @ApiProperty({ description: 'Instance type of the pool', example: 129 }) instanceTypeId: number;
  @ApiProperty({ description: 'Quota charged', enum: QuotaKind, enumName: 'QuotaKind', example: QuotaKind.COMMITTED })
  quota: QuotaKind;
  @ApiProperty({
    description: 'Contract charged; null for on-demand',
    example: 'MY-CONTRACT-123',
    nullable: true,
    type: String,
  })
  contractId: string | null;
  @ApiProperty({ description: 'When it started', example: '2026-11-23T09:30:00.000Z' }) startedAt: Date;
  @ApiProperty({ description: 'When it ended; null while held', example: null, nullable: true, type: Date })
  endedAt: Date | null;
  @ApiProperty({
    description: 'How it ended',
    enum: AllocationEnd,
    enumName: 'AllocationEnd',
    nullable: true,
    example: null,
  })
  endedBy: AllocationEnd | null;
  @ApiProperty({ description: 'False for a compensated allocation: listed, never billed', example: true })
  billable: boolean;
}
