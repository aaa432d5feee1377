import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
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
import { type ApiKeyPrincipal, CurrentPrincipal, RequireScopes } from '@app/auth';
import { MaintenanceService } from '@app/maintenance';
import {
  MaintenanceDetailDto,
  MaintenanceEndedDto,
  MaintenanceListQueryDto,
  MaintenancePlanDto,
  MaintenanceSummaryDto,
  StartMaintenanceDto,
} from './maintenances.dto';

const MAINTENANCE_ID = {
  name: 'maintenanceId',
  type: 'integer',
  description: 'ID of the maintenance',
  example: 1,
} as const;
const MAINTENANCE_NOT_FOUND = { 404: 'No such maintenance (code MAINTENANCE_NOT_FOUND)' };

/** Maintenances of a rack, a pool or a list of servers; docs/operations.md walks through one. */
@ApiTags('Maintenances')
@Controller('api/maintenances')
export class MaintenancesController {
  constructor(private readonly maintenances: MaintenanceService) {}

  @Post()
  @HttpCode(HttpStatus.OK)
  @RequireScopes(
    'Start a maintenance (or plan one)',
    "Takes the selected servers out of service in one transaction: Available ones are isolated (`maintenance`) at once; one in Back to Baseline joins when it succeeds; an allocated one joins after de-allocate or compensate and Back to Baseline; isolated and quarantined ones join as they are. None of them is allocated until the maintenance ends. The answer is the plan, with the guarantee check per pool: the Available servers left against the unused commitments of the contracts valid now. A shortfall is 409 `GUARANTEE_AT_RISK` (nothing changed) unless `force: true`; `dryRun: true` answers the plan, shortfall or not, and writes nothing. Audited; `maintenance.started` and the servers' own events.",
    'admin',
  )
  @ApiOkResponse({ type: MaintenancePlanDto })
  @ApiErrors({
    ...BAD_REQUEST,
    404: 'A server, location, instance type or rack of the selector does not exist (SERVER_NOT_FOUND, LOCATION_NOT_FOUND, INSTANCE_TYPE_NOT_FOUND, RACK_NOT_FOUND)',
    409: 'A server is in another open maintenance (IN_MAINTENANCE), or the guarantee check found a shortfall (GUARANTEE_AT_RISK)',
  })
  startMaintenance(@Body() body: StartMaintenanceDto, @CurrentPrincipal() caller: ApiKeyPrincipal) {
    return this.maintenances.start(
      { selector: body.selector, reason: body.reason, then: body.then, force: !!body.force, dryRun: !!body.dryRun },
      caller,
    );
  }

  @Get()
  @RequireScopes('List maintenances', 'Newest first; `state` keeps the open or the ended ones.', 'admin')
  @ApiRangedData()
  @ApiOkResponse({ type: [MaintenanceSummaryDto], headers: RANGED_DATA_RESPONSE_HEADERS })
  @ApiErrors(BAD_REQUEST)
  async listMaintenances(@Query() query: MaintenanceListQueryDto, @RangedData() range: RangedRequest) {
    return range.answer(await this.maintenances.list(query.state, range));
  }

  @Get(':maintenanceId')
  @RequireScopes(
    'Describe a maintenance',
    'The maintenance, its plan, and each of its servers with where it is now.',
    'admin',
  )
  @ApiParam(MAINTENANCE_ID)
  @ApiOkResponse({ type: MaintenanceDetailDto })
  @ApiErrors({ ...BAD_REQUEST, ...MAINTENANCE_NOT_FOUND })
  getMaintenance(@Param('maintenanceId', PositiveIntPipe) id: number) {
    return this.maintenances.show(id);
  }

  @Post(':maintenanceId/end')
  @HttpCode(HttpStatus.OK)
  @RequireScopes(
    'End a maintenance',
    "Each server still in it leaves it: an isolated one goes through Back to Baseline, to Available (`then: return`) or to `retired` once wiped (`then: retire`); one still allocated, in Back to Baseline or quarantined stays as it is (marked to retire with `then: retire`). A server never returns to clients, or leaves the fleet, unwiped. A repeat is a no-op. Audited; `maintenance.ended` and the servers' own events.",
    'admin',
  )
  @ApiParam(MAINTENANCE_ID)
  @ApiOkResponse({ type: MaintenanceEndedDto })
  @ApiErrors({ ...BAD_REQUEST, ...MAINTENANCE_NOT_FOUND })
  endMaintenance(@Param('maintenanceId', PositiveIntPipe) id: number, @CurrentPrincipal() caller: ApiKeyPrincipal) {
    return this.maintenances.end(id, caller);
  }
}
