import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { DomainError, ErrorCode } from '@app/errors';
import { ApiKeyPrincipal } from './api-key.service';
import { API_KEY_HEADER, API_KEY_STRATEGY } from './api-key.strategy';
import { Scope } from './scopes';

export const REQUIRED_SCOPES = 'requiredScopes';
/** Set where any one of the required scopes is enough. */
export const ANY_SCOPE = 'anyScope';

/** 401 without a valid key, 403 when the key lacks a scope the route names. */
@Injectable()
export class ScopesGuard extends AuthGuard(API_KEY_STRATEGY) {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    // authenticateFirst has verified the key before the body was read; the strategy runs here otherwise.
    if (!context.switchToHttp().getRequest<{ user?: ApiKeyPrincipal }>().user) await super.canActivate(context);
    const required = this.reflector.get<Scope[]>(REQUIRED_SCOPES, context.getHandler()) ?? [];
    const principal = context.switchToHttp().getRequest<{ user: ApiKeyPrincipal }>().user;
    const missing = required.filter((scope) => !principal.scopes.includes(scope));
    const enough = this.reflector.get<boolean>(ANY_SCOPE, context.getHandler())
      ? missing.length < required.length
      : !missing.length;
    if (!enough) {
      throw new DomainError(ErrorCode.FORBIDDEN, `This API key lacks the scope ${missing.join(', ')}`, {
        requiredScopes: required,
        missingScopes: missing,
      });
    }
    return true;
  }

  override handleRequest<T>(error: unknown, principal: T): T {
    if (error) throw error;
    if (!principal) throw new DomainError(ErrorCode.UNAUTHORIZED, `Missing ${API_KEY_HEADER} header`);
    return principal;
  }
}
