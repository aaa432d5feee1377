import { Injectable } from '@nestjs/common';
import { ApiKey } from '@app/database';
import { DomainError, ErrorCode, InvalidFieldError, NotFoundError } from '@app/errors';
import { hashApiKeySecret, newApiKeySecret, secretPrefix } from './api-key-secret';
import { ApiKeyRepository } from './api-key.repository';
import { isScope, Scope } from './scopes';

/** Who is calling: what a request carries once its key is verified. */
export interface ApiKeyPrincipal {
  id: number;
  name: string;
  scopes: Scope[];
}

export interface CreateApiKeyInput {
  name: string;
  scopes: string[];
  expiresInSeconds?: number;
}

/** lastUsedAt is kept to the minute. */
const LAST_USED_PRECISION_MS = 60_000;

export type ApiKeyView = Omit<ApiKey, 'keyHash'>;

function view({ keyHash: _hash, ...rest }: ApiKey): ApiKeyView {
  return rest;
}

@Injectable()
export class ApiKeyService {
  constructor(private readonly keys: ApiKeyRepository) {}

  /** Creates a key; the secret is returned here and nowhere else, ever. */
  async create(input: CreateApiKeyInput, now = new Date()): Promise<{ key: ApiKeyView; secret: string }> {
    const unknown = input.scopes.filter((s) => !isScope(s));
    if (unknown.length)
      throw new InvalidFieldError(
        'scopes',
        `has unknown scopes ${unknown.join(', ')}`,
        `Unknown scopes: ${unknown.join(', ')}`,
      );
    if (!input.scopes.length) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A key needs at least one scope');
    if (!input.name.trim()) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A key needs a name');
    const secret = newApiKeySecret();
    const key = await this.keys.create({
      name: input.name.trim(),
      keyHash: hashApiKeySecret(secret),
      prefix: secretPrefix(secret),
      scopes: [...new Set(input.scopes)],
      expiresAt: input.expiresInSeconds ? new Date(now.getTime() + input.expiresInSeconds * 1000) : null,
    });
    return { key: view(key), secret };
  }

  async list(): Promise<ApiKeyView[]> {
    return (await this.keys.list()).map(view);
  }

  async revoke(id: number, now = new Date()): Promise<ApiKeyView> {
    const key = await this.keys.revoke(id, now);
    if (!key) throw new NotFoundError(ErrorCode.API_KEY_NOT_FOUND, 'API key', id);
    return view(key);
  }

  /** A key that replaces every earlier key of its name (an internal service's key, renewed at each start). */
  async renew(input: CreateApiKeyInput, now = new Date()): Promise<{ key: ApiKeyView; secret: string }> {
    await this.keys.revokeNamed(input.name, now);
    return this.create(input, now);
  }

  /** The principal behind a secret; a DomainError(UNAUTHORIZED) says why there is none. */
  async authenticate(secret: string, now = new Date()): Promise<ApiKeyPrincipal> {
    const key = await this.keys.findByHash(hashApiKeySecret(secret));
    if (!key) throw new DomainError(ErrorCode.UNAUTHORIZED, 'Unknown API key');
    if (key.revokedAt) throw new DomainError(ErrorCode.UNAUTHORIZED, 'This API key has been revoked');
    if (key.expiresAt && key.expiresAt <= now)
      throw new DomainError(ErrorCode.UNAUTHORIZED, 'This API key has expired');
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= LAST_USED_PRECISION_MS)
      await this.keys.touch(key.id, now);
    return { id: key.id, name: key.name, scopes: key.scopes.filter(isScope) };
  }
}
