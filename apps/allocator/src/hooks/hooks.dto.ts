import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsEnum, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { OptionalIdFilter } from '@app/api-kit';
import { DeliveryState } from '@app/database';
import { EventType } from '@app/events';

export class HookPutDto {
  @ApiProperty({ description: 'Unique name; putting a hook of an existing name replaces it', example: 'metalworks' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9_.-]{0,63}$/, {
    message: 'name must be 1 to 64 of a-z, 0-9, _ . - and start with a letter or digit',
  })
  name: string;

  @ApiProperty({ description: 'Where deliveries are POSTed', example: 'http://127.0.0.1:3001/events' })
  @IsString()
  @MaxLength(2000)
  url: string;

  @ApiPropertyOptional({
    description: 'Event types to receive; empty or absent: all',
    enum: EventType,
    enumName: 'EventType',
    isArray: true,
    example: [EventType.BaselineRequested],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsEnum(EventType, { each: true })
  eventTypes?: EventType[];

  @ApiPropertyOptional({
    description: 'Signing secret shared with the receiver; generated when absent',
    minLength: 16,
    example: 'whsec_3a9f0c1d2e4b5a6978',
  })
  @IsOptional()
  @IsString()
  @MinLength(16)
  @MaxLength(200)
  secret?: string;
}

export class HookResponseDto {
  @ApiProperty({ description: 'Hook id', example: 1 }) id: number;
  @ApiProperty({ description: 'Unique name of the hook', example: 'metalworks' }) name: string;
  @ApiProperty({
    description: 'Where deliveries are POSTed (must be allowed by HOOK_ALLOWED_TARGETS)',
    example: 'http://127.0.0.1:3001/events',
  })
  url: string;
  @ApiProperty({
    description: 'Event types it receives; empty: every event',
    enum: EventType,
    enumName: 'EventType',
    isArray: true,
    example: [EventType.BaselineRequested],
  })
  eventTypes: string[];
  @ApiProperty({ description: 'False: deliveries wait until it is enabled again', example: true }) enabled: boolean;
  @ApiProperty({ description: 'When the hook was created', example: '2026-11-23T09:30:00.000Z' }) createdAt: Date;
}

export class HookPutResponseDto {
  @ApiProperty({ description: 'The hook', type: HookResponseDto }) hook: HookResponseDto;
  @ApiProperty({ description: 'The signing secret; shown here only', example: 'whsec_3a9f0c1d2e4b5a6978' })
  secret: string;
  @ApiProperty({ description: 'False when a hook of that name was replaced', example: true }) created: boolean;
}

export class DeliveryListQueryDto {
  @ApiPropertyOptional({
    description: 'Only deliveries in this state (dead: the dead letters)',
    enum: DeliveryState,
    enumName: 'DeliveryState',
  })
  @IsOptional()
  @IsEnum(DeliveryState)
  state?: DeliveryState;

  @OptionalIdFilter('Only deliveries to this hook', 1)
  hookId?: number;
}

export class DeliveryFailuresDto {
  @ApiProperty({
    description: 'What went wrong last: `refused` (4xx), `receiverError` (5xx), `unreachable` (no answer)',
    enum: ['refused', 'receiverError', 'unreachable'],
    example: 'unreachable',
  })
  category: 'refused' | 'receiverError' | 'unreachable';
  @ApiProperty({ description: 'Deliveries pending or dead whose last attempt failed so', example: 3 }) count: number;
}

export class DeliveryHealthDto {
  @ApiProperty({ description: 'Deliveries neither delivered nor dead', example: 4 }) pending: number;
  @ApiProperty({ description: 'Age of the oldest pending delivery, in seconds (0 when none)', example: 12.5 })
  oldestPendingSeconds: number;
  @ApiProperty({ description: 'Dead letters (replay them one by one)', example: 1 }) dead: number;
  @ApiProperty({ description: 'Failures by category', type: [DeliveryFailuresDto] }) failures: DeliveryFailuresDto[];
}

export class DeliveryResponseDto {
  @ApiProperty({ description: 'Delivery id', example: '42' }) id: string;
  @ApiProperty({ description: 'Hook it goes to', example: 1 }) hookId: number;
  @ApiProperty({ description: 'Name of that hook', example: 'metalworks' }) hookName: string;
  @ApiProperty({
    description: 'Event delivered (the envelope id; the same on every retry)',
    example: '8f2d1c3e-5b6a-4c7d-9e8f-0a1b2c3d4e5f',
  })
  eventId: string;
  @ApiProperty({
    description: 'Type of the event',
    enum: EventType,
    enumName: 'EventType',
    example: EventType.BaselineRequested,
  })
  eventType: string;
  @ApiProperty({ description: 'Server the event is about', example: 157437 }) serverId: number;
  @ApiProperty({
    description:
      'pending, delivered, dead (dead letter), or superseded (a Back to Baseline request whose run ended before it was sent: never sent)',
    enum: DeliveryState,
    enumName: 'DeliveryState',
    example: DeliveryState.dead,
  })
  state: DeliveryState;
  @ApiProperty({ description: 'Attempts made so far', example: 1 }) attempts: number;
  @ApiProperty({ description: 'When the next attempt is due', example: '2026-11-23T09:30:00.000Z' })
  nextAttemptAt: Date;
  @ApiProperty({
    description: 'HTTP status of the last answer; null when there was none',
    example: 400,
    nullable: true,
    type: Number,
  })
  lastStatus: number | null;
  @ApiProperty({
    description:
      'Why the last attempt failed: a category (timed out, connection refused, ...) or the dead-letter reason',
    example: 'the receiver answered 400, which is not retried',
    nullable: true,
    type: String,
  })
  lastError: string | null;
  @ApiProperty({ description: 'When it was delivered; null until then', example: null, nullable: true, type: Date })
  deliveredAt: Date | null;
  @ApiProperty({ description: 'When the delivery was created (with its event)', example: '2026-11-23T09:30:00.000Z' })
  createdAt: Date;
}

class HistoryDeliveryDto {
  @ApiProperty({ description: 'Hook', example: 1 }) hookId: number;
  @ApiProperty({ description: 'Name of the hook', example: 'metalworks' }) hookName: string;
  @ApiProperty({
    description: 'State of the delivery to that hook',
    enum: DeliveryState,
    enumName: 'DeliveryState',
    example: DeliveryState.delivered,
  })
  state: string;
  @ApiProperty({ description: 'Attempts made', example: 1 }) attempts: number;
  @ApiProperty({
    description: 'HTTP status of the last answer; null when there was none',
    example: 202,
    nullable: true,
    type: Number,
  })
  lastStatus: number | null;
}

class HistoryEventDto {
  @ApiProperty({ description: 'Event id', example: '8f2d1c3e-5b6a-4c7d-9e8f-0a1b2c3d4e5f' }) id: string;
  @ApiProperty({
    description: 'Type of the event',
    enum: EventType,
    enumName: 'EventType',
    example: EventType.BaselineRequested,
  })
  type: string;
  @ApiProperty({ description: 'Its deliveries, one per hook', type: [HistoryDeliveryDto] })
  deliveries: HistoryDeliveryDto[];
}

export class HistoryEntryDto {
  @ApiProperty({ description: 'Audit row id', example: '17' }) id: string;
  @ApiProperty({ description: 'When the change happened', example: '2026-11-23T09:30:00.000Z' }) occurredAt: Date;
  @ApiProperty({ description: 'API key name, or baseline-watchdog', example: 'metalworks' }) actor: string;
  @ApiProperty({ description: 'The command that made it', example: 'deallocate' }) command: string;
  @ApiProperty({
    description: 'Status before; null for a server added to the fleet',
    example: 'allocated',
    nullable: true,
    type: String,
  })
  from: string | null;
  @ApiProperty({ description: 'Status after', example: 'baselining' }) to: string;
  @ApiProperty({ description: 'Isolation sub-state, for an isolate', example: null, nullable: true, type: String })
  subState: string | null;
  @ApiProperty({ description: 'Free-text reason (isolate, retire)', example: null, nullable: true, type: String })
  reason: string | null;
  @ApiProperty({
    description: 'MetalWorks operation reference, for an isolate',
    example: null,
    nullable: true,
    type: String,
  })
  operationUuid: string | null;
  @ApiProperty({
    description: 'The allocation the change started or ended, if any',
    example: 4711,
    nullable: true,
    type: Number,
  })
  allocationId: number | null;
  @ApiProperty({
    description: 'Events this change emitted, with their delivery state per hook',
    type: [HistoryEventDto],
  })
  events: HistoryEventDto[];
}

export class ReplayResponseDto {
  @ApiProperty({ description: 'The delivery queued again', example: '42' }) replayed: string;
}
