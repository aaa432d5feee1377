import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { MAX_ID } from '@app/api-kit';
import { MaintenanceOutcome, ServerStatus } from '@app/database';

const STATUSES = Object.values(ServerStatus);
const OUTCOMES = Object.values(MaintenanceOutcome);

export class MaintenanceSelectorDto {
  @ApiPropertyOptional({
    description: 'These servers (alone: no other field)',
    type: 'integer',
    isArray: true,
    minItems: 1,
    maxItems: 10000,
    example: [101, 102],
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10000)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(MAX_ID, { each: true })
  serverIds?: number[];

  @ApiPropertyOptional({
    description: 'The location: alone (all of it), with a rack, or with an instance type (one pool)',
    type: 'integer',
    minimum: 1,
    maximum: MAX_ID,
    example: 18,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  locationId?: number;

  @ApiPropertyOptional({ description: 'A rack of the location', example: 'R12', minLength: 1, maxLength: 64 })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  rack?: string;

  @ApiPropertyOptional({
    description: 'An instance type of the location: its pool',
    type: 'integer',
    minimum: 1,
    maximum: MAX_ID,
    example: 129,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  instanceTypeId?: number;
}

export class StartMaintenanceDto {
  @ApiProperty({
    description:
      'Which servers: `{serverIds}`, `{locationId, rack}`, `{locationId, instanceTypeId}` or `{locationId}`; retired servers are never selected',
    type: MaintenanceSelectorDto,
    example: { locationId: 18, rack: 'AMS1:02:002161:0409' },
  })
  @ValidateNested()
  @Type(() => MaintenanceSelectorDto)
  selector: MaintenanceSelectorDto;

  @ApiProperty({
    description: "Why: shown in each server's history",
    example: 'PDU firmware, rack R12',
    minLength: 1,
    maxLength: 1000,
  })
  @IsString()
  @Length(1, 1000)
  reason: string;

  @ApiProperty({
    description: 'When it ends: `return` (wiped, back to clients) or `retire` (wiped, out of the fleet)',
    enum: OUTCOMES,
    example: 'return',
  })
  @IsIn(OUTCOMES)
  then: MaintenanceOutcome;

  @ApiPropertyOptional({ description: 'Answer the plan and write nothing (default false)' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;

  @ApiPropertyOptional({
    description: 'Start it even when the guarantee check finds a shortfall (a staff decision, recorded; default false)',
  })
  @IsOptional()
  @IsBoolean()
  force?: boolean;
}

export class PlannedServerDto {
  @ApiProperty({ description: 'The server', example: 101 }) id: number;
  @ApiProperty({ description: 'Its hostname', example: 'srv-101.ams1' }) hostname: string;
  @ApiProperty({ description: 'Its location', example: 18 }) locationId: number;
  @ApiProperty({ description: 'Its instance type (with the location: its pool)', example: 129 }) instanceTypeId: number;
  @ApiProperty({ description: 'Its rack', example: 'R12', nullable: true, type: String }) rack: string | null;
  @ApiProperty({ description: 'Its status when the plan was made', enum: STATUSES, example: 'available' })
  status: ServerStatus;
  @ApiProperty({
    description:
      '`isolatedNow` (it was Available); `afterBaseline` (joins when its Back to Baseline succeeds); `afterRelease` (joins after de-allocate or compensate and Back to Baseline); `joinsAsItIs` (isolated or quarantined)',
    enum: ['isolatedNow', 'afterBaseline', 'afterRelease', 'joinsAsItIs'],
    example: 'isolatedNow',
  })
  then: string;
}

export class PoolCheckDto {
  @ApiProperty({ description: 'Location of the pool', example: 18 }) locationId: number;
  @ApiProperty({ description: 'Instance type of the pool', example: 129 }) instanceTypeId: number;
  @ApiProperty({ description: 'Servers of the pool selected', example: 4 }) selected: number;
  @ApiProperty({ description: 'Available servers of the pool now', example: 10 }) available: number;
  @ApiProperty({ description: 'Of the selected, those Available: isolated at once', example: 3 }) isolatedNow: number;
  @ApiProperty({ description: 'Available servers left once they are', example: 7 }) availableLeft: number;
  @ApiProperty({ description: 'Unused commitments of the contracts valid now', example: 5 }) reserved: number;
  @ApiProperty({ description: 'Commitments left uncovered: reserved − availableLeft, at least 0', example: 0 })
  shortfall: number;
}

export class MaintenancePlanDto {
  @ApiProperty({ description: 'The maintenance; null for a dry run', nullable: true, type: 'integer', example: 7 })
  maintenanceId: number | null;
  @ApiProperty({ description: 'False for a dry run, and for a repeat of the request that started it', example: true })
  changed: boolean;
  @ApiProperty({ description: 'A dry run: the plan only, nothing written', example: false }) dryRun: boolean;
  @ApiProperty({ description: 'Started with a shortfall (force)', example: false }) forced: boolean;
  @ApiProperty({
    description: 'What happened, in words',
    example: 'Maintenance 7 started: 4 servers, 3 isolated at once, the others as they are released and wiped',
  })
  message: string;
  @ApiProperty({ description: 'Per selected server, what happens to it', type: [PlannedServerDto] })
  servers: PlannedServerDto[];
  @ApiProperty({ description: 'The guarantee check, per pool', type: [PoolCheckDto] }) pools: PoolCheckDto[];
}

export class MaintenanceListQueryDto {
  @ApiPropertyOptional({ description: 'Only open or only ended maintenances', enum: ['open', 'ended'] })
  @IsOptional()
  @IsIn(['open', 'ended'])
  state?: 'open' | 'ended';
}

class MaintenanceBaseDto {
  @ApiProperty({ description: 'The maintenance', example: 7 }) id: number;
  @ApiProperty({ description: 'Why, as given when it started', example: 'PDU firmware, rack R12' }) reason: string;
  @ApiProperty({
    description: 'What becomes of its servers when it ends: `return` or `retire`',
    enum: OUTCOMES,
    example: 'return',
  })
  then: MaintenanceOutcome;
  @ApiProperty({ description: 'The selection as given', example: { locationId: 18, rack: 'R12' } }) selector: object;
  @ApiProperty({ description: 'Started with a shortfall (force)', example: false }) forced: boolean;
  @ApiProperty({
    description: 'The plan at the start, with the guarantee check',
    type: 'object',
    additionalProperties: true,
  })
  plan: object;
  @ApiProperty({ description: 'When it started', example: '2026-12-01T10:00:00.000Z' }) startedAt: Date;
  @ApiProperty({ description: 'Who started it (API key name)', example: 'staff-alice' }) startedBy: string;
  @ApiProperty({ description: 'The API key that started it', nullable: true, type: 'integer', example: 3 })
  startedByKeyId: number | null;
  @ApiProperty({ description: 'When it ended; null while open', nullable: true, type: Date, example: null })
  endedAt: Date | null;
  @ApiProperty({ description: 'Who ended it; null while open', nullable: true, type: String, example: null }) endedBy:
    string | null;
}

export class MaintenanceSummaryDto extends MaintenanceBaseDto {
  @ApiProperty({ description: 'Servers it took', example: 4 }) servers: number;
}

export class MaintenanceMemberDto {
  @ApiProperty({ description: 'The server', example: 101 }) id: number;
  @ApiProperty({ description: 'Its hostname', example: 'srv-101.ams1' }) hostname: string;
  @ApiProperty({ description: 'Its location', example: 18 }) locationId: number;
  @ApiProperty({ description: 'Its instance type', example: 129 }) instanceTypeId: number;
  @ApiProperty({ description: 'Its rack', example: 'R12', nullable: true, type: String }) rack: string | null;
  @ApiProperty({ description: 'Its status when the maintenance took it', enum: STATUSES, example: 'allocated' })
  joinedAs: ServerStatus;
  @ApiProperty({ description: 'Its status now', enum: STATUSES, example: 'isolated' }) status: ServerStatus;
  @ApiProperty({
    description: 'Its isolation sub-state, when isolated',
    nullable: true,
    type: String,
    example: 'maintenance',
  })
  subState: string | null;
  @ApiProperty({ description: 'Still in this maintenance', example: true }) inMaintenance: boolean;
  @ApiProperty({ description: 'Marked to retire', example: false }) retiring: boolean;
}

export class MaintenanceDetailDto extends MaintenanceBaseDto {
  @ApiProperty({ description: 'The servers it took, and where each is now', type: [MaintenanceMemberDto] })
  servers: MaintenanceMemberDto[];
}

export class EndedServerDto {
  @ApiProperty({ description: 'The server', example: 101 }) id: number;
  @ApiProperty({ description: 'Its status before the end', enum: STATUSES, example: 'isolated' }) from: ServerStatus;
  @ApiProperty({ description: 'Its status after', enum: STATUSES, example: 'baselining' }) to: ServerStatus;
  @ApiProperty({ description: 'Marked to retire (then: retire)', example: false }) retiring: boolean;
}

export class MaintenanceEndedDto {
  @ApiProperty({ description: 'The maintenance', example: 7 }) maintenanceId: number;
  @ApiProperty({ description: 'False when it had ended already', example: true }) changed: boolean;
  @ApiProperty({
    description: 'What happened, in words',
    example: 'Maintenance 7 ended: 3 servers sent through Back to Baseline, 1 left as they are',
  })
  message: string;
  @ApiProperty({ description: 'Each server that left it, and where it went', type: [EndedServerDto] })
  servers: EndedServerDto[];
}
