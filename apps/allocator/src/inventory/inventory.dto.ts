import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsIn, IsOptional } from 'class-validator';
import { OptionalIdFilter } from '@app/api-kit';
import { AllocationEnd, IsolationSubState, QuotaKind, ServerStatus } from '@app/database';

export class LocationResponseDto {
  @ApiProperty({ description: 'ID of the location', example: 18 }) id: number;
  @ApiProperty({ description: 'Name of the location', example: 'EU: Rotterdam' }) name: string;
  @ApiProperty({ description: 'Short name of the location', example: 'ams' }) shortName: string;
  @ApiProperty({ description: 'Display name of the location', example: 'EU: Rotterdam' }) displayName: string;
  @ApiProperty({ description: 'Country ID of the location', example: 149, nullable: true, type: Number }) countryId:
    number | null;
  @ApiProperty({ description: 'Country name of the location', example: 'Netherlands' }) countryName: string;
  @ApiProperty({ description: 'Country short name of the location', example: 'NL' }) countryShortName: string;
}

export class PricingDto {
  @ApiProperty({ description: 'Price per period', example: 31 }) price: number;
  @ApiProperty({ description: 'Currency ID', example: 0 }) currencyId: number;
  @ApiProperty({ description: 'Billing period', example: 'hour', enum: ['hour'] }) type: 'hour';
}

export class InstanceTypeResponseDto {
  @ApiProperty({ description: 'Id of instance type', example: 129 }) id: number;
  @ApiProperty({ description: 'LocationId of instance type', example: 18 }) locationId: number;
  @ApiProperty({ description: 'Name of instance type', example: 'bm7.std.8' }) name: string;
  @ApiProperty({ description: 'Sockets of instance type', example: 1 }) sockets: number;
  @ApiProperty({ description: 'Cores of instance type', example: 8 }) cores: number;
  @ApiProperty({ description: 'Memory of instance type (GB)', example: 16 }) memory: number;
  @ApiProperty({ description: 'Memory type of instance type', example: 'std' }) memoryType: string;
  @ApiProperty({ description: 'Storage of instance type (GB)', example: 480 }) storage: number;
  @ApiProperty({ description: 'Storage type of instance type', example: 'ssd' }) storageType: string;
  @ApiProperty({ description: 'Generation id of instance type', example: 29, nullable: true, type: Number })
  instanceTypeGenerationId: number | null;
  @ApiProperty({ description: 'Generation name of instance type', example: 'Coffee Lake' }) generationName: string;
  @ApiProperty({ description: 'Prices', type: [PricingDto] }) pricing: PricingDto[];
}

export class AllocationResponseDto {
  @ApiProperty({ description: 'Allocation id', example: 4711 }) id: number;
  @ApiProperty({ description: 'Allocated server', example: 157437 }) serverId: number;
  @ApiProperty({ description: 'Client holding the server', example: 12345 }) clientId: number;
  @ApiProperty({
    description: 'Contract charged, null for on-demand',
    example: 'MY-CONTRACT-123',
    nullable: true,
    type: String,
  })
  contractId: string | null;
  @ApiProperty({
    description: 'Quota the allocation is charged to',
    enum: QuotaKind,
    enumName: 'QuotaKind',
    example: QuotaKind.COMMITTED,
  })
  quota: QuotaKind;
  @ApiProperty({ description: 'When the allocation started', example: '2026-11-23T09:30:00.000Z' }) startedAt: Date;
  @ApiProperty({
    description: 'When it ended; null while the client holds the server',
    example: null,
    nullable: true,
    type: Date,
  })
  endedAt: Date | null;
  @ApiProperty({
    description: 'How it ended',
    enum: AllocationEnd,
    enumName: 'AllocationEnd',
    nullable: true,
    example: null,
  })
  endedBy: AllocationEnd | null;
  @ApiProperty({
    description: 'The allocation this one replaced (its server failed in use: replace); null otherwise',
    example: null,
    nullable: true,
    type: 'integer',
  })
  replacesId: number | null;
}

export class ServerResponseDto {
  @ApiProperty({ description: 'Server id', example: 157437 }) id: number;
  @ApiProperty({ description: 'Host name', example: 'server202015.dedi.i3d.net' }) hostname: string;
  @ApiProperty({ description: 'Location', example: 18 }) locationId: number;
  @ApiProperty({ description: 'Instance type', example: 129 }) instanceTypeId: number;
  @ApiProperty({ description: 'Rack', example: 'LA3:01:002160:0409', nullable: true, type: String }) rack:
    string | null;
  @ApiProperty({ description: 'Service tag', example: '31XXXXX', nullable: true, type: String }) serviceTag:
    string | null;
  @ApiProperty({
    description: 'Lifecycle status',
    enum: ServerStatus,
    enumName: 'ServerStatus',
    example: ServerStatus.available,
  })
  status: ServerStatus;
  @ApiProperty({
    description: 'Why the server is isolated (when isolated, or quarantined from isolation)',
    enum: IsolationSubState,
    enumName: 'IsolationSubState',
    nullable: true,
    example: null,
  })
  subState: IsolationSubState | null;
  @ApiProperty({ description: 'Free-text isolation reason', example: null, nullable: true, type: String })
  isolationReason: string | null;
  @ApiProperty({
    description: 'Status a quarantined server was frozen in',
    enum: ServerStatus,
    enumName: 'ServerStatus',
    nullable: true,
    example: null,
  })
  quarantinedFrom: ServerStatus | null;
  @ApiProperty({
    description:
      'The Back to Baseline under way, set exactly while the server is baselining: sent in server.baseline.requested, it comes back with available',
    type: 'string',
    format: 'uuid',
    nullable: true,
    example: null,
  })
  baselineId: string | null;
  @ApiProperty({
    description:
      'When the Back to Baseline under way was let out to MetalWorks (BASELINE_MAX_IN_FLIGHT per location); null while it waits for a slot, and outside Back to Baseline',
    nullable: true,
    type: Date,
    example: null,
  })
  baselineDispatchedAt: Date | null;
  @ApiProperty({
    description: 'The open maintenance the server is in: never allocated until it ends',
    nullable: true,
    type: 'integer',
    example: null,
  })
  maintenanceId: number | null;
  @ApiProperty({
    description: 'Marked to retire: its next Back to Baseline ends in retired instead of Available',
    example: false,
  })
  retiring: boolean;
  @ApiProperty({
    description: 'The allocation holding the server, if any',
    type: AllocationResponseDto,
    nullable: true,
  })
  allocation: AllocationResponseDto | null;
  @ApiProperty({ description: 'Last change', example: '2026-11-23T09:30:00.000Z' }) updatedAt: Date;
}

export class ServerListQueryDto {
  @ApiPropertyOptional({ description: 'Only servers in this status', enum: ServerStatus, enumName: 'ServerStatus' })
  @IsOptional()
  @IsEnum(ServerStatus)
  status?: ServerStatus;

  @ApiPropertyOptional({
    description: 'Only isolated servers of this sub-state',
    enum: IsolationSubState,
    enumName: 'IsolationSubState',
  })
  @IsOptional()
  @IsEnum(IsolationSubState)
  subState?: IsolationSubState;

  @ApiPropertyOptional({
    description:
      '`id` (default), or `changed`: the servers whose state changed longest ago first, as a triage queue reads them',
    enum: ['id', 'changed'],
  })
  @IsOptional()
  @IsIn(['id', 'changed'])
  order?: 'id' | 'changed';

  @OptionalIdFilter('Only servers at this location', 18)
  locationId?: number;

  @OptionalIdFilter('Only servers of this instance type', 129)
  instanceTypeId?: number;

  @OptionalIdFilter('Only servers this client holds', 12345)
  clientId?: number;
}
