import { Body, Controller, HttpCode, HttpStatus, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrors, BAD_REQUEST, PositiveIntPipe } from '@app/api-kit';
import { type ApiKeyPrincipal, CurrentPrincipal, RequireScopes } from '@app/auth';
import { ServerDescriptions, toServerView } from '@app/inventory';
import { AddServers, ServerCommandsService } from '@app/server-commands';
import { CountCommand } from '../metrics/count-command';
import { ServerResponseDto } from '../inventory/inventory.dto';
import { CommandResultDto } from '../server-commands/server-commands.dto';
import { AddServersDto, DescribeServerDto, RetireServerDto } from './servers.dto';

const SERVER_ID = { name: 'serverId', type: 'integer', description: 'ID of the server', example: 157437 } as const;

/** The fleet itself: servers join (through Back to Baseline), are described, and leave for good. */
@ApiTags('Inventory')
@Controller('api/servers')
export class ServersController {
  constructor(
    private readonly adder: AddServers,
    private readonly descriptions: ServerDescriptions,
    private readonly commands: ServerCommandsService,
  ) {}

  @Post()
  @RequireScopes(
    'Add servers',
    "Adds servers to the fleet, all or none, with the inventory import's rules and messages. A new server enters through Back to Baseline: status `baselining` and a `server.baseline.requested` event (cause `added`), so MetalWorks wipes and checks it before any client gets it.",
    'inventory:write',
  )
  @ApiCreatedResponse({ description: 'The servers added', type: [ServerResponseDto] })
  @ApiErrors({ ...BAD_REQUEST })
  @CountCommand('add')
  async addServers(@Body() body: AddServersDto, @CurrentPrincipal() caller: ApiKeyPrincipal) {
    const servers = await this.adder.execute(body.servers, caller);
    return servers.map((server) => toServerView({ ...server, currentAllocation: null }));
  }

  @Patch(':serverId')
  @RequireScopes(
    'Describe a server',
    'Changes what describes a server (host name, rack, service tag); never its lifecycle.',
    'inventory:write',
  )
  @ApiParam(SERVER_ID)
  @ApiOkResponse({ description: 'The server as it is now', type: ServerResponseDto })
  @ApiErrors({
    ...BAD_REQUEST,
    404: 'No such server (code SERVER_NOT_FOUND)',
    409: 'Another server has that host name (code HOSTNAME_IN_USE)',
  })
  describeServer(
    @Param('serverId', PositiveIntPipe) serverId: number,
    @Body() body: DescribeServerDto,
    @CurrentPrincipal() caller: ApiKeyPrincipal,
  ) {
    return this.descriptions.describe(serverId, body, caller);
  }

  @Post(':serverId/retire')
  @HttpCode(HttpStatus.OK)
  @RequireScopes(
    'Retire a server',
    'The server leaves the fleet for good, never with a client\'s data on it. Available: `retired` at once. Isolated: a final Back to Baseline, then `retired` (or at once with `disposal: "disksDestroyed"`, recorded). Allocated or in Back to Baseline: marked to retire (`server.retiring`); de-allocate or compensate then sends it through Back to Baseline and on to `retired` instead of Available. A repeat is a no-op. A retired server is never allocated, counts in no capacity figure but `retired`, and keeps its history. Audit row and events.',
    'inventory:write',
  )
  @ApiParam(SERVER_ID)
  @ApiOkResponse({ description: 'Successful operation', type: CommandResultDto })
  @ApiErrors({
    ...BAD_REQUEST,
    404: 'No such server (code SERVER_NOT_FOUND)',
    409: 'The server is quarantined (QUARANTINED) or retired already (RETIRED)',
  })
  @CountCommand('retire')
  retireServer(
    @Param('serverId', PositiveIntPipe) serverId: number,
    @Body() body: RetireServerDto,
    @CurrentPrincipal() caller: ApiKeyPrincipal,
  ) {
    return this.commands.retire(serverId, body, caller);
  }
}
