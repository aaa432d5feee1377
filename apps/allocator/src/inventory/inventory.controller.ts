import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import {
  ApiErrors,
  ApiRangedData,
  BAD_REQUEST,
  PositiveIntPipe,
  RangedData,
  RANGED_DATA_RESPONSE_HEADERS,
  type RangedRequest,
} from '@app/api-kit';
import { RequireScopes } from '@app/auth';
import { ServerHistory } from '@app/events';
import { InventoryService } from '@app/inventory';
import { HistoryEntryDto } from '../hooks/hooks.dto';
import { InstanceTypeResponseDto, LocationResponseDto, ServerListQueryDto, ServerResponseDto } from './inventory.dto';

@ApiTags('Inventory')
@Controller('api')
export class InventoryController {
  constructor(
    private readonly inventory: InventoryService,
    private readonly history: ServerHistory,
  ) {}

  @Get('locations')
  @RequireScopes('List locations', 'All locations (data centres) of the fleet, as in seed 001.', 'inventory:read')
  @ApiRangedData()
  @ApiOkResponse({ type: [LocationResponseDto], headers: RANGED_DATA_RESPONSE_HEADERS })
  @ApiErrors(BAD_REQUEST)
  async listLocations(@RangedData() range: RangedRequest) {
    return range.answer(await this.inventory.locations(range));
  }

  @Get('locations/:locationId/instance-types')
  @RequireScopes(
    'List the instance types of a location',
    'Instance types (server hardware configurations) offered at a location, as in seed 000.',
    'inventory:read',
  )
  @ApiParam({ name: 'locationId', type: 'integer', description: 'ID of the location', example: 18 })
  @ApiRangedData()
  @ApiOkResponse({ type: [InstanceTypeResponseDto], headers: RANGED_DATA_RESPONSE_HEADERS })
  @ApiErrors({ ...BAD_REQUEST, 404: 'No such location (code LOCATION_NOT_FOUND)' })
  async listInstanceTypes(
    @Param('locationId', PositiveIntPipe) locationId: number,
    @RangedData() range: RangedRequest,
  ) {
    return range.answer(await this.inventory.instanceTypes(locationId, range));
  }

  @Get('servers')
  @RequireScopes(
    'List servers',
    'Servers with their lifecycle status and current allocation, filtered and paged.',
    'inventory:read',
  )
  @ApiRangedData()
  @ApiOkResponse({ type: [ServerResponseDto], headers: RANGED_DATA_RESPONSE_HEADERS })
  @ApiErrors(BAD_REQUEST)
  async listServers(@Query() filter: ServerListQueryDto, @RangedData() range: RangedRequest) {
    return range.answer(await this.inventory.servers(filter, range));
  }

  @Get('servers/:serverId')
  @RequireScopes('Get a server', 'One server with its lifecycle status and current allocation.', 'inventory:read')
  @ApiParam({ name: 'serverId', type: 'integer', description: 'ID of the server', example: 157437 })
  @ApiOkResponse({ type: ServerResponseDto })
  @ApiErrors({ ...BAD_REQUEST, 404: 'No such server (code SERVER_NOT_FOUND)' })
  getServer(@Param('serverId', PositiveIntPipe) serverId: number) {
    return this.inventory.server(serverId);
  }

  @Get('servers/:serverId/history')
  @RequireScopes(
    'Get the history of a server',
    'The audit trail of the server, newest first: who, which command, from → to, subState, reason, operationUuid, when, and the events each change emitted with their delivery state per hook.',
    'inventory:read',
  )
  @ApiParam({ name: 'serverId', type: 'integer', description: 'ID of the server', example: 157437 })
  @ApiRangedData()
  @ApiOkResponse({ type: [HistoryEntryDto], headers: RANGED_DATA_RESPONSE_HEADERS })
  @ApiErrors({ ...BAD_REQUEST, 404: 'No such server (code SERVER_NOT_FOUND)' })
  async getServerHistory(@Param('serverId', PositiveIntPipe) serverId: number, @RangedData() range: RangedRequest) {
    return range.answer(await this.history.of(serverId, range));
  }
}
