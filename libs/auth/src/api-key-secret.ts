import { hash, randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'bmk_';

/** A new random secret; shown once to whoever creates the key, never stored. */
export function newApiKeySecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64url');
}

/** What is stored and looked up: a plain SHA-256 suffices for 256 random bits (no dictionary to attack). */
export function hashApiKeySecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

/** Enough of the secret to recognise a key in a listing, not enough to use it. */
export function secretPrefix(secret: string): string {
  return secret.slice(0, SECRET_PREFIX.length + 6);
}
