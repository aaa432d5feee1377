export { AuthModule } from './auth.module';
export { ApiKeyService, type ApiKeyPrincipal, type ApiKeyView, type CreateApiKeyInput } from './api-key.service';
export { ApiKeyRepository } from './api-key.repository';
export { API_KEY_HEADER } from './api-key.strategy';
export { RequireAnyScope, RequireScopes } from './require-scopes.decorator';
export { ScopesGuard } from './scopes.guard';
export { ALL_SCOPES, SCOPES, isScope, type Scope } from './scopes';
export { CurrentPrincipal } from './current-principal.decorator';
export { authenticateFirst, FailedAuthLimiter } from './authenticate-first';
