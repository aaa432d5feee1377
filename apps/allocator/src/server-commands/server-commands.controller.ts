import { Body, Controller, Delete, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrors, BAD_REQUEST, PositiveIntPipe } from '@app/api-kit';
import { type ApiKeyPrincipal, CurrentPrincipal, RequireScopes } from '@app/auth';
import { AllocateServers, ReplaceServer, ServerCommandsService } from '@app/server-commands';
import { CountCommand } from '../metrics/count-command';
import {
  AllocateBatchDto,
  AllocateServerDto,
  BatchResultDto,
  CommandResultDto,
  IsolateServerDto,
  MarkAvailableDto,
  ReplaceResultDto,
} from './server-commands.dto';
import { IDEMPOTENCY_KEY_HEADER, IdempotencyKey } from './idempotency-key.decorator';

const SERVER_ID = { name: 'serverId', type: 'integer', description: 'ID of the server', example: 157437 } as const;
const CLIENT_ID = { name: 'clientId', type: 'integer', description: 'ID of the client', example: 12345 } as const;
const SERVER_NOT_FOUND = { 404: 'No such server (code SERVER_NOT_FOUND)' };
const QUARANTINED = 'The server is quarantined (code QUARANTINED) or retired (code RETIRED)';
const IDEMPOTENCY_KEY = {
  name: IDEMPOTENCY_KEY_HEADER,
  required: false,
  description:
    'Optional; leave empty to allocate anew. A unique value per intended allocation (a UUID, say): a repeat with the same key and body from the same API key answers the same allocation (kept 24 h by default); the same key with another body is 422. Keys of different API keys never meet.',
};
/** The commands that end an allocation: DESTRUCTIVE_LIMIT counts them per API key and minute. */
const DESTRUCTIVE = {
  429: 'Too many failed authentications from this address, or this API key ended DESTRUCTIVE_LIMIT allocations this minute (code TOO_MANY_REQUESTS; nothing changed); see Retry-After',
};
const ALLOCATE_ERRORS = {
  ...BAD_REQUEST,
  403: 'The contract belongs to another client (code CONTRACT_OF_ANOTHER_CLIENT)',
  404: 'No such location, instance type at that location, client or contract (LOCATION_NOT_FOUND, INSTANCE_TYPE_NOT_FOUND, CLIENT_NOT_FOUND, CONTRACT_NOT_FOUND)',
  409: 'QUOTA_EXCEEDED (with committed / used / requested or limit / used / requested), NO_CAPACITY, or CONTRACT_NOT_ACTIVE',
  422: 'The Idempotency-Key was used for a different request (code IDEMPOTENCY_KEY_REUSED)',
};

/** Seed 003 "Server Commands": every success answers 200 with the server's resulting state. */
@ApiTags('Server Commands')
@Controller('api')
export class ServerCommandsController {
  constructor(
    private readonly allocator: AllocateServers,
    private readonly commands: ServerCommandsService,
    private readonly replacer: ReplaceServer,
  ) {}

  @Post('server/allocate')
  @HttpCode(HttpStatus.OK)
  @RequireScopes(
    'Allocate a server to a client',
    "Allocates a server to a client, according to the given location and instance type. Charged to the contract's committed quota while it lasts; with `overflow`, or without a contract, to the client's on-demand quota, which never takes capacity committed to contracts. Send an `Idempotency-Key` to make retries safe.",
    'server:allocate',
  )
  @ApiHeader(IDEMPOTENCY_KEY)
  @ApiOkResponse({
    description: 'Successful operation: the allocated server, its allocation and the quota charged',
    type: CommandResultDto,
  })
  @ApiErrors(ALLOCATE_ERRORS)
  @CountCommand('allocate')
  allocateServer(
    @Body() body: AllocateServerDto,
    @CurrentPrincipal() caller: ApiKeyPrincipal,
    @IdempotencyKey() key?: string,
  ) {
    return this.allocator.single(body, caller, key);
  }

  @Post('server/allocate/batch')
  @HttpCode(HttpStatus.OK)
  @RequireScopes(
    'Allocate N servers to a client',
    "Allocates `amount` servers of one pool to a client, all or none. Each server is charged as single allocations one after another would be: the contract's remaining commitment first, then (with `overflow`, or without a contract) on-demand quota, never into capacity reserved for other contracts. `spread: rack` takes them from as many racks as the pool allows. Send an `Idempotency-Key` to make retries safe.",
    'server:allocate',
  )
  @ApiHeader(IDEMPOTENCY_KEY)
  @ApiOkResponse({
    description: 'Successful operation: the servers, their allocations and how many went to each quota',
    type: BatchResultDto,
  })
  @ApiErrors(ALLOCATE_ERRORS)
  @CountCommand('allocate')
  allocateServers(
    @Body() body: AllocateBatchDto,
    @CurrentPrincipal() caller: ApiKeyPrincipal,
    @IdempotencyKey() key?: string,
  ) {
    return this.allocator.batch(body, caller, key);
  }

  @Delete('client/:clientId/server/:serverId/allocate')
  @RequireScopes(
    'De-allocate a server from a client',
    'De-allocates a server from a client. Afterwards the Back to Baseline process will start, wiping and health checking the server. Also 200 when the client holds no allocation of the server (already de-allocated): nothing changes and `changed` is false.',
    'server:deallocate',
  )
  @ApiParam(CLIENT_ID)
  @ApiParam(SERVER_ID)
  @ApiOkResponse({
    description:
      'Successful operation. Returned in case of success, but also when the server was already de-allocated.',
    type: CommandResultDto,
  })
  @ApiErrors({
    ...BAD_REQUEST,
    404: 'No such client or server (CLIENT_NOT_FOUND, SERVER_NOT_FOUND)',
    409: QUARANTINED,
    ...DESTRUCTIVE,
  })
  @CountCommand('deallocate')
  deallocateServer(
    @Param('clientId', PositiveIntPipe) clientId: number,
    @Param('serverId', PositiveIntPipe) serverId: number,
    @CurrentPrincipal() caller: ApiKeyPrincipal,
  ) {
    return this.commands.deallocate(clientId, serverId, caller);
  }

  @Delete('client/:clientId/server/:serverId/allocate/compensate')
  @RequireScopes(
    'Compensates allocation for a server',
    "Compensates Allocation of the server which failed to deliver: the client's latest allocation of the server is marked COMPENSATED (not billed). Still open, it ends (quota given back) and the Back to Baseline process starts; already ended (isolated with failedDelivery, or released), the server stays where it is. Once the server was allocated again, 409 ALLOCATION_SUPERSEDED. Repeating it is a no-op 200.",
    'server:compensate',
  )
  @ApiParam(CLIENT_ID)
  @ApiParam(SERVER_ID)
  @ApiOkResponse({ description: 'Successful operation', type: CommandResultDto })
  @ApiErrors({
    ...BAD_REQUEST,
    404: 'No such client or server (CLIENT_NOT_FOUND, SERVER_NOT_FOUND)',
    409: `The server was allocated again since (ALLOCATION_SUPERSEDED), or ${QUARANTINED}`,
    ...DESTRUCTIVE,
  })
  @CountCommand('compensate')
  compensateAllocation(
    @Param('clientId', PositiveIntPipe) clientId: number,
    @Param('serverId', PositiveIntPipe) serverId: number,
    @CurrentPrincipal() caller: ApiKeyPrincipal,
  ) {
    return this.commands.compensate(clientId, serverId, caller);
  }

  @Post('client/:clientId/server/:serverId/replace')
  @HttpCode(HttpStatus.OK)
  @RequireScopes(
    "Replace a client's broken server",
    "In one transaction: isolates the client's allocated server with the given reason (its allocation ends `REPLACED`) and allocates another server of the same pool to the same client, on the same quota and contract (`replacesId` links the allocations). The client's count does not change, so the replacement may take any Available server of the pool, the reserve included; when none is Available it is 409 `NO_CAPACITY` and nothing changed. Send an `Idempotency-Key` to make retries safe.",
    'server:allocate',
    'server:isolate',
  )
  @ApiParam(CLIENT_ID)
  @ApiParam(SERVER_ID)
  @ApiHeader(IDEMPOTENCY_KEY)
  @ApiOkResponse({ description: 'The broken server, isolated, and the one in its place', type: ReplaceResultDto })
  @ApiErrors({
    ...BAD_REQUEST,
    404: 'No such client or server (CLIENT_NOT_FOUND, SERVER_NOT_FOUND)',
    409: `No server of the pool is Available (NO_CAPACITY); the server is held by another client (NOT_HELD_BY_CLIENT) or not allocated (INVALID_STATE), or ${QUARANTINED}`,
    422: 'The Idempotency-Key was used for a different request (code IDEMPOTENCY_KEY_REUSED)',
    ...DESTRUCTIVE,
  })
  @CountCommand('replace')
  replaceServer(
    @Param('clientId', PositiveIntPipe) clientId: number,
    @Param('serverId', PositiveIntPipe) serverId: number,
    @Body() body: IsolateServerDto,
    @CurrentPrincipal() caller: ApiKeyPrincipal,
    @IdempotencyKey() idempotencyKey?: string,
  ) {
    return this.replacer.replace(clientId, serverId, body, caller, idempotencyKey);
  }

  @Post('server/:serverId/isolate')
  @HttpCode(HttpStatus.OK)
  @RequireScopes(
    'Isolate a server with a specific reason (subState)',
    'Isolate a server with a specific reason (subState). Isolating an allocated server ends its allocation (ended by ISOLATED, quota given back); isolating an isolated server replaces its reason.',
    'server:isolate',
  )
  @ApiParam(SERVER_ID)
  @ApiOkResponse({ description: 'Successful operation', type: CommandResultDto })
  @ApiErrors({ ...BAD_REQUEST, ...SERVER_NOT_FOUND, 409: QUARANTINED, ...DESTRUCTIVE })
  @CountCommand('isolate')
  isolateServer(
    @Param('serverId', PositiveIntPipe) serverId: number,
    @Body() body: IsolateServerDto,
    @CurrentPrincipal() caller: ApiKeyPrincipal,
  ) {
    return this.commands.isolate(serverId, body, caller);
  }

  @Delete('server/:serverId/isolate')
  @RequireScopes(
    'Move a server out of isolation to start the baseline process',
    'Move a server out of isolation to start the baseline process after which it will become Available again or, if a problem was encountered during the baseline process, the server goes back to Isolation.',
    'server:isolate',
  )
  @ApiParam(SERVER_ID)
  @ApiOkResponse({ description: 'Successful operation', type: CommandResultDto })
  @ApiErrors({
    ...BAD_REQUEST,
    ...SERVER_NOT_FOUND,
    409: `The server is not isolated (NOT_ISOLATED), or ${QUARANTINED}`,
  })
  @CountCommand('unisolate')
  unisolateServer(@Param('serverId', PositiveIntPipe) serverId: number, @CurrentPrincipal() caller: ApiKeyPrincipal) {
    return this.commands.unisolate(serverId, caller);
  }

  @Post('server/:serverId/available')
  @HttpCode(HttpStatus.OK)
  @RequireScopes(
    'Set server status to Available',
    'Set server status to Available. Should only be called by MetalWorks after a successful Back to Baseline workflow, naming the run that succeeded (`baselineId` of server.baseline.requested; the body may be left out, as seed 003 does). Already Available: a no-op 200.',
    'server:available',
  )
  @ApiParam(SERVER_ID)
  @ApiOkResponse({ description: 'Successful operation', type: CommandResultDto })
  @ApiErrors({
    ...BAD_REQUEST,
    ...SERVER_NOT_FOUND,
    409: `The server is not in Back to Baseline (NOT_BASELINING), the run named is not the one under way (STALE_BASELINE), or ${QUARANTINED}`,
  })
  @ApiBody({ type: MarkAvailableDto, required: false })
  @CountCommand('available')
  markServerAvailable(
    @Param('serverId', PositiveIntPipe) serverId: number,
    @Body() body: MarkAvailableDto,
    @CurrentPrincipal() caller: ApiKeyPrincipal,
  ) {
    return this.commands.markAvailable(serverId, body.baselineId, caller);
  }

  @Post('server/:serverId/quarantine')
  @HttpCode(HttpStatus.OK)
  @RequireScopes(
    'Quarantine a server',
    'Quarantines a server, preserving its current state (allocation, disks, state), e.g. for law enforcement purposes or any "offline" investigation into a server\'s state. No command changes it until the quarantine is lifted. Already quarantined: a no-op 200.',
    'server:quarantine',
  )
  @ApiParam(SERVER_ID)
  @ApiOkResponse({ description: 'Successful operation', type: CommandResultDto })
  @ApiErrors({ ...BAD_REQUEST, ...SERVER_NOT_FOUND, 409: 'The server is retired (code RETIRED)' })
  @CountCommand('quarantine')
  quarantineServer(@Param('serverId', PositiveIntPipe) serverId: number, @CurrentPrincipal() caller: ApiKeyPrincipal) {
    return this.commands.quarantine(serverId, caller);
  }

  @Delete('server/:serverId/quarantine')
  @RequireScopes(
    'Lift the quarantine of a server',
    'Lifts the quarantine: the server returns to the state it was frozen in. (Not in seed 003; staff need it.)',
    'server:quarantine',
  )
  @ApiParam(SERVER_ID)
  @ApiOkResponse({ description: 'Successful operation', type: CommandResultDto })
  @ApiErrors({ ...BAD_REQUEST, ...SERVER_NOT_FOUND, 409: 'The server is not quarantined (code NOT_QUARANTINED)' })
  @CountCommand('unquarantine')
  liftServerQuarantine(
    @Param('serverId', PositiveIntPipe) serverId: number,
    @CurrentPrincipal() caller: ApiKeyPrincipal,
  ) {
    return this.commands.liftQuarantine(serverId, caller);
  }
}
