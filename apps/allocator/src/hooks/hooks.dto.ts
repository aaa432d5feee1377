import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsEnum, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { OptionalIdFilter } from '@app/api-kit';
import { DeliveryState } from '@app/database';
import { EventType } from '@app/events';

export class HookPutDto {
  @ApiProperty({ description: 'Unique name; putting a hook of an existing name replaces it', example: 'metalworks' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9_.-]{0,63}$/, { message: 'name must be 1 to 64 of a-z, 0-9, _ . - and start with a letter or digit' })
  name: string;

  @ApiProperty({ description: 'Where deliveries are POSTed', example: 'http://metalworks.internal:8080/hooks/allocator' })
  @IsString()
  @MaxLength(2000)
  url: string;

  @ApiPropertyOptional({ description: 'Event types to receive; empty or absent: all', enum: EventType, enumName: 'EventType', isArray: true, example: [EventType.BaselineRequested] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsEnum(EventType, { each: true })
  eventTypes?: EventType[];

  @ApiPropertyOptional({ description: 'Signing secret shared with the receiver; generated when absent', minLength: 16, example: 'whsec_3a9f0c1d2e4b5a6978' })
  @IsOptional()
  @IsString()
  @MinLength(16)
  @MaxLength(200)
  secret?: string;
}

export class HookResponseDto {
  @ApiProperty({ example: 1 }) id: number;
  @ApiProperty({ example: 'metalworks' }) name: string;
  @ApiProperty({ example: 'http://metalworks.internal:8080/hooks/allocator' }) url: string;
  @ApiProperty({ enum: EventType, enumName: 'EventType', isArray: true, example: [EventType.BaselineRequested] }) eventTypes: string[];
  @ApiProperty({ example: true }) enabled: boolean;
  @ApiProperty({ example: '2026-11-23T09:30:00.000Z' }) createdAt: Date;
}

export class HookPutResponseDto {
  @ApiProperty({ type: HookResponseDto }) hook: HookResponseDto;
  @ApiProperty({ description: 'The signing secret; shown here only', example: 'whsec_3a9f0c1d2e4b5a6978' }) secret: string;
  @ApiProperty({ description: 'False when a hook of that name was replaced', example: true }) created: boolean;
}

export class DeliveryListQueryDto {
  @ApiPropertyOptional({ description: 'Only deliveries in this state (dead: the dead letters)', enum: DeliveryState, enumName: 'DeliveryState' })
  @IsOptional()
  @IsEnum(DeliveryState)
  state?: DeliveryState;

  @OptionalIdFilter('Only deliveries to this hook', 1)
  hookId?: number;
}

export class DeliveryResponseDto {
  @ApiProperty({ example: '42' }) id: string;
  @ApiProperty({ example: 1 }) hookId: number;
  @ApiProperty({ example: 'metalworks' }) hookName: string;
  @ApiProperty({ example: '8f2d1c3e-5b6a-4c7d-9e8f-0a1b2c3d4e5f' }) eventId: string;
  @ApiProperty({ enum: EventType, enumName: 'EventType', example: EventType.BaselineRequested }) eventType: string;
  @ApiProperty({ example: 157437 }) serverId: number;
  @ApiProperty({ enum: DeliveryState, enumName: 'DeliveryState', example: DeliveryState.dead }) state: DeliveryState;
  @ApiProperty({ example: 1 }) attempts: number;
  @ApiProperty({ example: '2026-11-23T09:30:00.000Z' }) nextAttemptAt: Date;
  @ApiProperty({ example: 400, nullable: true, type: Number }) lastStatus: number | null;
  @ApiProperty({ example: 'the receiver answered 400, which is not retried', nullable: true, type: String }) lastError: string | null;
  @ApiProperty({ example: null, nullable: true, type: Date }) deliveredAt: Date | null;
  @ApiProperty({ example: '2026-11-23T09:30:00.000Z' }) createdAt: Date;
}

class HistoryDeliveryDto {
  @ApiProperty({ example: 1 }) hookId: number;
  @ApiProperty({ example: 'metalworks' }) hookName: string;
  @ApiProperty({ enum: DeliveryState, enumName: 'DeliveryState', example: DeliveryState.delivered }) state: string;
  @ApiProperty({ example: 1 }) attempts: number;
  @ApiProperty({ example: 202, nullable: true, type: Number }) lastStatus: number | null;
}

class HistoryEventDto {
  @ApiProperty({ example: '8f2d1c3e-5b6a-4c7d-9e8f-0a1b2c3d4e5f' }) id: string;
  @ApiProperty({ enum: EventType, enumName: 'EventType', example: EventType.BaselineRequested }) type: string;
  @ApiProperty({ type: [HistoryDeliveryDto] }) deliveries: HistoryDeliveryDto[];
}

export class HistoryEntryDto {
  @ApiProperty({ example: '17' }) id: string;
  @ApiProperty({ example: '2026-11-23T09:30:00.000Z' }) occurredAt: Date;
  @ApiProperty({ description: 'API key name, or baseline-watchdog', example: 'metalworks' }) actor: string;
  @ApiProperty({ example: 'deallocate' }) command: string;
  @ApiProperty({ example: 'allocated', nullable: true, type: String }) from: string | null;
  @ApiProperty({ example: 'baselining' }) to: string;
  @ApiProperty({ example: null, nullable: true, type: String }) subState: string | null;
  @ApiProperty({ example: null, nullable: true, type: String }) reason: string | null;
  @ApiProperty({ example: null, nullable: true, type: String }) operationUuid: string | null;
  @ApiProperty({ example: 4711, nullable: true, type: Number }) allocationId: number | null;
  @ApiProperty({ description: 'Events this change emitted, with their delivery state per hook', type: [HistoryEventDto] }) events: HistoryEventDto[];
}
