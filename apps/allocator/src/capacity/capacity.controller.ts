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
import { CapacityService } from '@app/capacity';
import {
  AllocationQueryDto,
  BaselineRunsDto,
  BilledAllocationDto,
  CapacityQueryDto,
  ClientCapacityDto,
  PoolCapacityDto,
} from './capacity.dto';

const CLIENT_ID = { name: 'clientId', type: 'integer', description: 'ID of the client', example: 12345 } as const;

/** What staff, FlexVM's capacity reports and billing read: pools, a client's commitments and use, its allocations. */
@ApiTags('Capacity')
@Controller('api')
export class CapacityController {
  constructor(private readonly capacity: CapacityService) {}

  @Get('capacity')
  @RequireScopes(
    'Capacity of the pools',
    'One row per pool (location + instance type): servers by status, what contracts valid now commit and use, what is reserved, what on-demand uses and may still take.',
    'inventory:read',
  )
  @ApiRangedData()
  @ApiOkResponse({ type: [PoolCapacityDto], headers: RANGED_DATA_RESPONSE_HEADERS })
  @ApiErrors(BAD_REQUEST)
  async getPoolCapacity(@Query() query: CapacityQueryDto, @RangedData() range: RangedRequest) {
    return range.answer(await this.capacity.pools(query, range));
  }

  @Get('capacity/baselines')
  @RequireScopes(
    'Back to Baseline runs per location',
    'Per location, the runs under way in MetalWorks (`running`, at most `maxInFlight`: BASELINE_MAX_IN_FLIGHT) and those waiting for a slot (`waiting`, dispatched oldest first, with `oldestWaitingSince`).',
    'inventory:read',
  )
  @ApiOkResponse({ type: [BaselineRunsDto] })
  getBaselineRuns() {
    return this.capacity.baselineRuns();
  }

  @Get('client/:clientId/capacity')
  @RequireScopes(
    'Capacity of a client',
    "Per contract and pool what the client has committed, uses and has free, with each contract's validity; and its on-demand use and limit.",
    'inventory:read',
  )
  @ApiParam(CLIENT_ID)
  @ApiOkResponse({ type: ClientCapacityDto })
  @ApiErrors({ ...BAD_REQUEST, 404: 'No such client (code CLIENT_NOT_FOUND)' })
  getClientCapacity(@Param('clientId', PositiveIntPipe) clientId: number) {
    return this.capacity.client(clientId);
  }

  @Get('client/:clientId/allocations')
  @RequireScopes(
    'Allocations of a client',
    "The client's allocations overlapping the period, oldest first: what billing reads. Compensated allocations are listed with `billable: false`.",
    'inventory:read',
  )
  @ApiParam(CLIENT_ID)
  @ApiRangedData()
  @ApiOkResponse({ type: [BilledAllocationDto], headers: RANGED_DATA_RESPONSE_HEADERS })
  @ApiErrors({ ...BAD_REQUEST, 404: 'No such client (code CLIENT_NOT_FOUND)' })
  async listClientAllocations(
    @Param('clientId', PositiveIntPipe) clientId: number,
    @Query() query: AllocationQueryDto,
    @RangedData() range: RangedRequest,
  ) {
    const period = {
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      state: query.state,
    };
    return range.answer(await this.capacity.allocations(clientId, period, range));
  }
}
