import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiKeyPrincipal } from './api-key.service';

/** The verified caller of a route guarded by RequireScopes. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): ApiKeyPrincipal =>
    context.switchToHttp().getRequest<{ user: ApiKeyPrincipal }>().user,
);
