import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiExtension, ApiOperation, ApiSecurity } from '@nestjs/swagger';
import { ApiErrors, EVERY_ROUTE } from '@app/api-kit';
import { API_KEY_HEADER } from './api-key.strategy';
import { Scope } from './scopes';
import { ANY_SCOPE, REQUIRED_SCOPES, ScopesGuard } from './scopes.guard';

/**
 * The route needs an X-Api-Key carrying all these scopes. Sets the guard and documents it:
 * security scheme, scopes in the description, and the 401 and 403 answers.
 */
export function RequireScopes(summary: string, description: string, ...scopes: Scope[]) {
  return requireScopes(summary, description, scopes, false);
}

/** As RequireScopes, but any one of the scopes is enough. */
export function RequireAnyScope(summary: string, description: string, ...scopes: Scope[]) {
  return requireScopes(summary, description, scopes, true);
}

function requireScopes(summary: string, description: string, scopes: Scope[], any: boolean) {
  const list = scopes.map((s) => `\`${s}\``).join(any ? ' or ' : ', ');
  return applyDecorators(
    SetMetadata(REQUIRED_SCOPES, scopes),
    SetMetadata(ANY_SCOPE, any),
    UseGuards(ScopesGuard),
    ApiSecurity(API_KEY_HEADER),
    ApiOperation({ summary, description: `${description}\n\n**Required scopes:** ${list}` }),
    ApiExtension('x-required-scopes', scopes),
    ApiErrors({
      401: 'Missing, unknown, revoked or expired X-Api-Key (code UNAUTHORIZED)',
      403: 'The key lacks a required scope (code FORBIDDEN)',
      ...EVERY_ROUTE,
    }),
  );
}
