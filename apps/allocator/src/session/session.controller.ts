import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ALL_SCOPES, type ApiKeyPrincipal, CurrentPrincipal, RequireScopes, Scope } from '@app/auth';

export class SessionDto {
  @ApiProperty({ description: 'The API key', example: 3 }) keyId: number;
  @ApiProperty({ description: 'Its name', example: 'staff-alice' }) name: string;
  @ApiProperty({
    description: 'What it may do: a client (the console) offers only these',
    enum: ALL_SCOPES,
    isArray: true,
    example: ['inventory:read'],
  })
  scopes: Scope[];
}

/** Who the X-Api-Key is: what the console asks at sign-in, to offer only what the key may do. */
@ApiTags('Session')
@Controller('api/session')
export class SessionController {
  @Get()
  @RequireScopes('The key in use', 'The API key of the request: its id, name and scopes. Any valid key may ask.')
  @ApiOkResponse({ type: SessionDto })
  getSession(@CurrentPrincipal() caller: ApiKeyPrincipal): SessionDto {
    return { keyId: caller.id, name: caller.name, scopes: caller.scopes };
  }
}
