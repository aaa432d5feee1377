import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import {
  ApiErrors,
  ApiRangedData,
  BAD_REQUEST,
  BIG_ID_PATTERN,
  BigIdPipe,
  PositiveIntPipe,
  RangedData,
  RANGED_DATA_RESPONSE_HEADERS,
  type RangedRequest,
} from '@app/api-kit';
import { type ApiKeyPrincipal, CurrentPrincipal, RequireScopes } from '@app/auth';
import { HooksService } from '@app/events';
import {
  DeliveryHealthDto,
  DeliveryListQueryDto,
  DeliveryResponseDto,
  HookPutDto,
  HookPutResponseDto,
  HookResponseDto,
  ReplayResponseDto,
} from './hooks.dto';

const HOOK_ID = { name: 'hookId', type: 'integer', description: 'ID of the hook', example: 1 } as const;
const HOOK_NOT_FOUND = { 404: 'No such hook (code HOOK_NOT_FOUND)' };

/** Event hooks (subscriptions) and their deliveries; docs/events.md is the event catalogue. */
@ApiTags('Event hooks')
@Controller('api/hooks')
export class HooksController {
  constructor(private readonly hooks: HooksService) {}

  @Put()
  @RequireScopes(
    'Create or replace a hook',
    'Subscribes a URL to events. Deliveries are signed with the secret (README "Verifying deliveries"). A hook of the same name is replaced.',
    'admin',
  )
  @ApiOkResponse({ type: HookPutResponseDto })
  @ApiErrors(BAD_REQUEST)
  putHook(@Body() body: HookPutDto, @CurrentPrincipal() caller: ApiKeyPrincipal) {
    return this.hooks.put(body, caller);
  }

  @Get()
  @RequireScopes('List hooks', 'Every hook, without its secret.', 'admin')
  @ApiOkResponse({ type: [HookResponseDto] })
  listHooks() {
    return this.hooks.list();
  }

  @Delete(':hookId')
  @RequireScopes('Remove a hook', 'Removes the hook and its deliveries.', 'admin')
  @ApiParam(HOOK_ID)
  @ApiOkResponse({ type: HookResponseDto })
  @ApiErrors({ ...BAD_REQUEST, ...HOOK_NOT_FOUND })
  removeHook(@Param('hookId', PositiveIntPipe) hookId: number, @CurrentPrincipal() caller: ApiKeyPrincipal) {
    return this.hooks.remove(hookId, caller);
  }

  @Post(':hookId/disable')
  @HttpCode(HttpStatus.OK)
  @RequireScopes(
    'Disable a hook',
    'A disabled hook gets no new deliveries; those pending wait until it is enabled again.',
    'admin',
  )
  @ApiParam(HOOK_ID)
  @ApiOkResponse({ type: HookResponseDto })
  @ApiErrors({ ...BAD_REQUEST, ...HOOK_NOT_FOUND })
  disableHook(@Param('hookId', PositiveIntPipe) hookId: number, @CurrentPrincipal() caller: ApiKeyPrincipal) {
    return this.hooks.setEnabled(hookId, false, caller);
  }

  @Post(':hookId/enable')
  @HttpCode(HttpStatus.OK)
  @RequireScopes('Enable a hook', 'Deliveries resume, pending ones first.', 'admin')
  @ApiParam(HOOK_ID)
  @ApiOkResponse({ type: HookResponseDto })
  @ApiErrors({ ...BAD_REQUEST, ...HOOK_NOT_FOUND })
  enableHook(@Param('hookId', PositiveIntPipe) hookId: number, @CurrentPrincipal() caller: ApiKeyPrincipal) {
    return this.hooks.setEnabled(hookId, true, caller);
  }

  @Get('deliveries/health')
  @RequireScopes(
    'Delivery health',
    'The backlog (pending deliveries, the age of the oldest), the dead letters, and the failures of the deliveries pending or dead by what went wrong last: `refused` (4xx), `receiverError` (5xx), `unreachable` (no answer).',
    'admin',
  )
  @ApiOkResponse({ type: DeliveryHealthDto })
  deliveryHealth() {
    return this.hooks.health();
  }

  @Get('deliveries')
  @RequireScopes('List deliveries', 'Deliveries, newest first; `state=dead` lists the dead letters.', 'admin')
  @ApiRangedData()
  @ApiOkResponse({ type: [DeliveryResponseDto], headers: RANGED_DATA_RESPONSE_HEADERS })
  @ApiErrors(BAD_REQUEST)
  async listDeliveries(@Query() filter: DeliveryListQueryDto, @RangedData() range: RangedRequest) {
    return range.answer(await this.hooks.deliveries(filter, range));
  }

  @Post('deliveries/:deliveryId/replay')
  @HttpCode(HttpStatus.OK)
  @RequireScopes('Replay a dead-lettered delivery', 'Puts the delivery back in the queue with fresh attempts.', 'admin')
  @ApiParam({
    name: 'deliveryId',
    schema: { type: 'string', pattern: BIG_ID_PATTERN.source, example: '42' },
    description: 'ID of the delivery (text, as in its body: deliveries are counted in bigint)',
  })
  @ApiOkResponse({ description: 'Queued again', type: ReplayResponseDto })
  @ApiErrors({
    ...BAD_REQUEST,
    404: 'No such delivery (code DELIVERY_NOT_FOUND)',
    409: 'The delivery is not dead-lettered (code DELIVERY_NOT_DEAD)',
  })
  async replayDelivery(
    @Param('deliveryId', BigIdPipe) deliveryId: bigint,
    @CurrentPrincipal() caller: ApiKeyPrincipal,
  ): Promise<ReplayResponseDto> {
    await this.hooks.replay(deliveryId, caller);
    return { replayed: String(deliveryId) };
  }
}
