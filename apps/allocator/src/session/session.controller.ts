import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type ApiKeyPrincipal, CurrentPrincipal, RequireScopes } from '@app/auth';
import { SessionDto } from './session.dto';

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
