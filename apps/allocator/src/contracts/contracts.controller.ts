import { Body, Controller, Get, HttpStatus, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  ApiErrors,
  ApiRangedData,
  BAD_REQUEST,
  ContractIdPipe,
  PositiveIntPipe,
  RangedData,
  RANGED_DATA_RESPONSE_HEADERS,
  type RangedRequest,
} from '@app/api-kit';
import { type ApiKeyPrincipal, CurrentPrincipal, RequireScopes } from '@app/auth';
import { ClientsService, ContractsService } from '@app/contracts';
import {
  AuditEntryDto,
  ClientInputDto,
  ClientResponseDto,
  ContractChangeDto,
  ContractChangeResultDto,
  ContractInputDto,
  ContractListQueryDto,
  ContractResponseDto,
} from './contracts.dto';

const CLIENT_ID = { name: 'clientId', type: 'integer', description: 'ID of the client', example: 12345 } as const;
const CONTRACT_ID = {
  name: 'contractId',
  type: 'string',
  description: 'ID of the contract',
  example: 'MY-CONTRACT-123',
} as const;
const date = (value: string | null | undefined) =>
  value === undefined ? undefined : value === null ? null : new Date(value);

@ApiTags('Clients and contracts')
@Controller('api')
export class ContractsController {
  constructor(
    private readonly clients: ClientsService,
    private readonly contracts: ContractsService,
  ) {}

  @Get('clients')
  @RequireScopes('List clients', 'Every client with its on-demand limit and use.', 'inventory:read')
  @ApiRangedData()
  @ApiOkResponse({ type: [ClientResponseDto], headers: RANGED_DATA_RESPONSE_HEADERS })
  @ApiErrors(BAD_REQUEST)
  async listClients(@RangedData() range: RangedRequest) {
    return range.answer(await this.clients.list(range));
  }

  @Get('clients/:clientId')
  @RequireScopes('Get a client', 'One client with its on-demand limit and use.', 'inventory:read')
  @ApiParam(CLIENT_ID)
  @ApiOkResponse({ type: ClientResponseDto })
  @ApiErrors({ ...BAD_REQUEST, 404: 'No such client (code CLIENT_NOT_FOUND)' })
  getClient(@Param('clientId', PositiveIntPipe) clientId: number) {
    return this.clients.get(clientId);
  }

  @Put('clients/:clientId')
  @RequireScopes(
    'Create or update a client',
    'Creates the client (201) or updates its name and on-demand limit (200); `onDemandLimit: null` means the service default. Audited.',
    'admin',
  )
  @ApiParam(CLIENT_ID)
  @ApiOkResponse({ description: 'Updated', type: ClientResponseDto })
  @ApiCreatedResponse({ description: 'Created', type: ClientResponseDto })
  @ApiErrors(BAD_REQUEST)
  async putClient(
    @Param('clientId', PositiveIntPipe) clientId: number,
    @Body() body: ClientInputDto,
    @CurrentPrincipal() caller: ApiKeyPrincipal,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    const { client, created } = await this.clients.put(clientId, body, caller);
    res.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return client;
  }

  @Get('clients/:clientId/history')
  @RequireScopes(
    'History of a client',
    'Every change to the client, newest first: who, when, before → after.',
    'inventory:read',
  )
  @ApiParam(CLIENT_ID)
  @ApiRangedData()
  @ApiOkResponse({ type: [AuditEntryDto], headers: RANGED_DATA_RESPONSE_HEADERS })
  @ApiErrors({ ...BAD_REQUEST, 404: 'No such client (code CLIENT_NOT_FOUND)' })
  async getClientHistory(@Param('clientId', PositiveIntPipe) clientId: number, @RangedData() range: RangedRequest) {
    return range.answer(await this.clients.history(clientId, range));
  }

  @Get('contracts')
  @RequireScopes(
    'List contracts',
    'Contracts with their commitments and what is in use, optionally of one client.',
    'inventory:read',
  )
  @ApiRangedData()
  @ApiOkResponse({ type: [ContractResponseDto], headers: RANGED_DATA_RESPONSE_HEADERS })
  @ApiErrors(BAD_REQUEST)
  async listContracts(@Query() query: ContractListQueryDto, @RangedData() range: RangedRequest) {
    return range.answer(await this.contracts.list(query, range));
  }

  @Get('contracts/:contractId')
  @RequireScopes('Get a contract', 'One contract with its commitments and what is in use.', 'inventory:read')
  @ApiParam(CONTRACT_ID)
  @ApiOkResponse({ type: ContractResponseDto })
  @ApiErrors({ ...BAD_REQUEST, 404: 'No such contract (code CONTRACT_NOT_FOUND)' })
  getContract(@Param('contractId', ContractIdPipe) contractId: string) {
    return this.contracts.get(contractId);
  }

  @Post('contracts')
  @RequireScopes('Create a contract', 'A contract of a client committing servers pool by pool. Audited.', 'admin')
  @ApiCreatedResponse({ type: ContractChangeResultDto })
  @ApiErrors({
    ...BAD_REQUEST,
    404: 'No such client, or instance type at that location (CLIENT_NOT_FOUND, INSTANCE_TYPE_NOT_FOUND)',
    409: 'The contract exists (code CONTRACT_EXISTS)',
  })
  createContract(@Body() body: ContractInputDto, @CurrentPrincipal() caller: ApiKeyPrincipal) {
    return this.contracts.create({ ...body, startsAt: new Date(body.startsAt), endsAt: date(body.endsAt) }, caller);
  }

  @Patch('contracts/:contractId')
  @RequireScopes(
    'Change a contract',
    'Changes its end and/or replaces its commitments; a contract never changes client. Lowering a commitment below what is in use, or ending a contract that holds servers, is allowed: nothing is taken away, and the answer lists the `overcommitted` pools. The guarantee for every other client follows the new figures at once. Audited.',
    'admin',
  )
  @ApiParam(CONTRACT_ID)
  @ApiOkResponse({ type: ContractChangeResultDto })
  @ApiErrors({
    ...BAD_REQUEST,
    404: 'No such contract, or instance type at that location (CONTRACT_NOT_FOUND, INSTANCE_TYPE_NOT_FOUND)',
  })
  updateContract(
    @Param('contractId', ContractIdPipe) contractId: string,
    @Body() body: ContractChangeDto,
    @CurrentPrincipal() caller: ApiKeyPrincipal,
  ) {
    return this.contracts.update(contractId, { endsAt: date(body.endsAt), commitments: body.commitments }, caller);
  }

  @Get('contracts/:contractId/history')
  @RequireScopes(
    'History of a contract',
    'Every change to the contract, newest first: who, when, before → after.',
    'inventory:read',
  )
  @ApiParam(CONTRACT_ID)
  @ApiRangedData()
  @ApiOkResponse({ type: [AuditEntryDto], headers: RANGED_DATA_RESPONSE_HEADERS })
  @ApiErrors({ ...BAD_REQUEST, 404: 'No such contract (code CONTRACT_NOT_FOUND)' })
  async getContractHistory(
    @Param('contractId', ContractIdPipe) contractId: string,
    @RangedData() range: RangedRequest,
  ) {
    return range.answer(await this.contracts.history(contractId, range));
  }
}
