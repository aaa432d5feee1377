import type { FastifyInstance } from 'fastify';
import { DomainError, ErrorCode, InvalidFieldError } from '@app/errors';

export interface JsonBodyOptions {
  /** Largest body accepted, in bytes. */
  limit: number;
  /** Deepest nesting of arrays and objects accepted. */
  maxDepth: number;
}

/** Keys that would reach an object's prototype machinery: refused like any field the API does not know. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const invalid = (message: string, field?: string) =>
  field ? new InvalidFieldError(field, message, message) : new DomainError(ErrorCode.VALIDATION_FAILED, message);

/** How deep arrays and objects nest in JSON text, strings skipped: checked before parsing, so a deep body costs no recursion. */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') deepest = Math.max(deepest, ++depth);
    else if (c === '}' || c === ']') depth--;
  }
  return deepest;
}

const NUL = 'must not contain NUL characters (\\u0000)';

/** The first field of a parsed body that names a forbidden key or holds a NUL character, as a path, and why. */
function firstBadField(value: unknown, path: string): { field: string; message: string } | undefined {
  if (typeof value === 'string')
    return value.includes('\u0000') ? { field: path || '(body)', message: `${path || 'the body'} ${NUL}` } : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, child] of Object.entries(value)) {
    const at = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    if (!Array.isArray(value) && FORBIDDEN_KEYS.has(key))
      return { field: at, message: `property ${at} should not exist` };
    if (key.includes('\u0000')) return { field: at, message: `field names ${NUL}` };
    const bad = firstBadField(child, at);
    if (bad) return bad;
  }
  return undefined;
}

function parse(contentType: string | undefined, bytes: Buffer, options: JsonBodyOptions): unknown {
  if (bytes.length === 0) return undefined;
  const [type, ...parameters] = (contentType ?? '').split(';').map((p) => p.trim().toLowerCase());
  if (type !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(type)) {
    throw new DomainError(
      ErrorCode.UNSUPPORTED_MEDIA_TYPE,
      `The body must be application/json (got ${type || 'no Content-Type'})`,
    );
  }
  const charset = parameters
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new DomainError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, `The body must be UTF-8 JSON (got charset=${charset})`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalid('The request body could not be read: it is not valid UTF-8');
  }
  if (nestingDepth(text) > options.maxDepth)
    throw invalid(`The request body could not be read: JSON nested deeper than ${options.maxDepth} levels`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw invalid(`The request body could not be read: ${(error as Error).message}`);
  }
  const bad = firstBadField(body, '');
  if (bad) throw invalid(bad.message, bad.field);
  return body;
}

/**
 * The JSON body of every request, whatever its Content-Type: read raw (up to the limit, 413 beyond), then
 * checked before any handler sees it: JSON and UTF-8 only (415 otherwise), nesting bounded, no NUL
 * characters, no prototype keys (400). Errors reach the exception filter, in the one error shape.
 */
export function jsonBody(fastify: FastifyInstance, options: JsonBodyOptions): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.limit }, (request, bytes, done) => {
    try {
      done(null, parse(request.headers['content-type'], bytes as Buffer, options));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}
