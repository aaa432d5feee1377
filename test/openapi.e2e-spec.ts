import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OpenAPIObject } from '@nestjs/swagger';
import { buildOpenApiDocument, serializeOpenApiDocument } from '../apps/allocator/src/openapi';
import { startTestApp, TestApp } from './support/test-app';

describe('The OpenAPI document', () => {
  let t: TestApp;
  let document: OpenAPIObject;

  beforeAll(async () => {
    t = await startTestApp();
    document = buildOpenApiDocument(t.app);
  });
  afterAll(() => t.close());

  it('is committed as openapi.json exactly as the code generates it (run `npm run openapi` after changing the API)', () => {
    expect(readFileSync(join(__dirname, '..', 'openapi.json'), 'utf8')).toBe(serializeOpenApiDocument(document));
  });

  it('documents, for every /api operation, its scopes, the X-Api-Key security and its error answers', () => {
    for (const [path, item] of Object.entries(document.paths).filter(([p]) => p.startsWith('/api/'))) {
      for (const operation of Object.values(item) as { security?: object[]; responses: Record<string, { content?: object }>; 'x-required-scopes'?: string[]; description?: string }[]) {
        expect({ path, scopes: operation['x-required-scopes']?.length }).toEqual({ path, scopes: expect.any(Number) });
        expect(operation.security).toEqual([{ 'X-Api-Key': [] }]);
        expect(operation.description).toContain('Required scopes');
        for (const status of ['401', '403']) expect({ path, status, content: operation.responses[status]?.content }).toEqual({ path, status, content: expect.anything() });
      }
    }
  });

  it('is served at /docs-json', async () => {
    const { body } = await t.http.get('/docs-json').expect(200);
    expect(body.paths).toEqual(JSON.parse(JSON.stringify(document.paths)));
  });
});
