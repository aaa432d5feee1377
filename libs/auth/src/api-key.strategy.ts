import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { HeaderAPIKeyStrategy } from 'passport-headerapikey';
import { ApiKeyPrincipal, ApiKeyService } from './api-key.service';

export const API_KEY_HEADER = 'X-Api-Key';
export const API_KEY_STRATEGY = 'api-key';

@Injectable()
export class ApiKeyStrategy extends PassportStrategy(HeaderAPIKeyStrategy, API_KEY_STRATEGY) {
  constructor(private readonly apiKeys: ApiKeyService) {
    super({ header: API_KEY_HEADER, prefix: '' }, false);
  }

  validate(secret: string): Promise<ApiKeyPrincipal> {
    return this.apiKeys.authenticate(secret);
  }
}
