import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { HeaderAPIKeyStrategy } from 'passport-headerapikey';
import { AppConfig } from '@app/config';
import { hashApiKeySecret } from './api-key-secret';
import { ApiKeyPrincipal, ApiKeyService } from './api-key.service';

export const API_KEY_HEADER = 'X-Api-Key';
export const API_KEY_STRATEGY = 'api-key';

/** Enough for every key a fleet's callers use; past it the cache starts over. */
const MAX_CACHED_KEYS = 10_000;

/**
 * Verifies the X-Api-Key of a request. A verified key is remembered for API_KEY_CACHE_TTL (5 s by
 * default), so that a busy caller costs one lookup per interval instead of one per request: a revoked
 * or expired key is refused at most that long after (0 turns the cache off).
 */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(HeaderAPIKeyStrategy, API_KEY_STRATEGY) {
  private readonly verified = new Map<string, { principal: ApiKeyPrincipal; until: number }>();

  constructor(
    private readonly apiKeys: ApiKeyService,
    private readonly config: AppConfig,
  ) {
    super({ header: API_KEY_HEADER, prefix: '' }, false);
  }

  async validate(secret: string): Promise<ApiKeyPrincipal> {
    const hash = hashApiKeySecret(secret);
    const now = Date.now();
    const known = this.verified.get(hash);
    if (known && known.until > now) return known.principal;
    const principal = await this.apiKeys.authenticate(secret);
    if (this.config.apiKeyCacheSeconds > 0) {
      if (this.verified.size >= MAX_CACHED_KEYS) this.verified.clear();
      this.verified.set(hash, { principal, until: now + this.config.apiKeyCacheSeconds * 1000 });
    }
    return principal;
  }
}
