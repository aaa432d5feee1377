import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OpenAPIObject } from '@nestjs/swagger';
import { ERROR_STATUS } from '@app/api-kit';
import { ErrorCode } from '@app/errors';
import { buildOpenApiDocument, serializeOpenApiDocument } from '../../apps/allocator/src/openapi';
import { examplesBreakingTheirSchema } from '../support/openapi-validator';
import { startTestApp, TestApp } from '../support/test-app';

describe('The OpenAPI document', () => {
  let t: TestApp;
  let document: OpenAPIObject;

  beforeAll(async () => {
    t = await startTestApp();
    document = buildOpenApiDocument(t.app);
  });
  afterAll(() => t.close());

  it('is committed as openapi.json exactly as the code generates it (run `npm run openapi` after changing the API)', () => {
    expect(readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8')).toBe(serializeOpenApiDocument(document));
  });

  it('documents, for every /api operation, its scopes, the X-Api-Key security and its error answers', () => {
    for (const [path, item] of Object.entries(document.paths).filter(([p]) => p.startsWith('/api/'))) {
      for (const operation of Object.values(item) as {
        security?: object[];
        responses: Record<string, { content?: object }>;
        'x-required-scopes'?: string[];
        description?: string;
      }[]) {
        expect({ path, scopes: operation['x-required-scopes']?.length }).toEqual({ path, scopes: expect.any(Number) });
        expect(operation.security).toEqual([{ 'X-Api-Key': [] }]);
        expect(operation.description).toContain('Required scopes');
        for (const status of ['401', '403'])
          expect({ path, status, content: operation.responses[status]?.content }).toEqual({
            path,
            status,
            content: expect.anything(),
          });
      }
    }
  });

  type Operation = {
    operationId: string;
    parameters?: { name: string; in: string; required?: boolean; example?: unknown; schema?: { example?: unknown } }[];
    responses: Record<string, { content?: { 'application/json'?: { example?: { code?: ErrorCode } } } }>;
  };
  const operations = (prefix = '/') =>
    Object.entries(document.paths)
      .filter(([path]) => path.startsWith(prefix))
      .flatMap(([, item]) => Object.values(item) as Operation[]);

  it('names every operation readably and once (allocateServer, listServers, ...)', () => {
    const ids = operations().map((o) => o.operationId);
    expect(ids.filter((id) => !/^[a-z][a-zA-Z]+$/.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining(['allocateServer', 'deallocateServer', 'isolateServer', 'listServers', 'getServer']),
    );
  });

  it('pre-fills nothing Swagger UI would send unasked: no example on an optional query parameter or on Idempotency-Key', () => {
    const prefilled = operations().flatMap((o) =>
      (o.parameters ?? [])
        .filter((p) => (p.in === 'query' && !p.required) || p.name === 'Idempotency-Key')
        .filter((p) => p.example !== undefined || p.schema?.example !== undefined)
        .map((p) => `${o.operationId} ${p.name}`),
    );
    expect(prefilled).toEqual([]);
  });

  it('shows, for each error answer, an example whose code goes with its status', () => {
    const mismatched = operations('/api/').flatMap((o) =>
      Object.entries(o.responses)
        .filter(([status]) => Number(status) >= 400)
        .map(
          ([status, response]) =>
            [o.operationId, status, response.content?.['application/json']?.example?.code] as const,
        )
        .filter(([, status, code]) => !code || ERROR_STATUS[code] !== Number(status)),
    );
    expect(mismatched).toEqual([]);
  });

  it('gives examples that are valid by their own schemas', () => {
    expect(examplesBreakingTheirSchema()).toEqual([]);
  });

  it('sets no `default` in a schema: generators (openapi-typescript) would make the field required', () => {
    expect(JSON.stringify(document.components?.schemas)).not.toContain('"default":');
  });

  it('writes a nullable enum with null among its values and no `nullable`, the one form Prism and Postman read alike', () => {
    const both: string[] = [];
    const visit = (node: unknown, path: string): void => {
      if (!node || typeof node !== 'object') return;
      const schema = node as { nullable?: boolean; enum?: unknown[] };
      if (schema.nullable && schema.enum) both.push(path);
      Object.entries(node).forEach(([key, value]) => visit(value, `${path}.${key}`));
    };
    visit(document.components?.schemas, 'schemas');
    expect(both).toEqual([]);
    expect(
      (document.components!.schemas!.ServerResponseDto as { properties: Record<string, { enum?: unknown[] }> })
        .properties.quarantinedFrom.enum,
    ).toContain(null);
  });

  it('types the details of each error code: ValidationFailedError has fields, InvalidStateError has allowedCommands', () => {
    const schemas = document.components!.schemas as Record<
      string,
      { properties?: Record<string, { allOf?: { $ref: string }[] }>; oneOf?: { $ref: string }[] }
    >;
    const detailsOf = (name: string) =>
      schemas[schemas[name].properties!.details.allOf![0].$ref.split('/').pop()!] as { properties: object };
    expect(Object.keys(detailsOf('ValidationFailedError').properties)).toContain('fields');
    expect(Object.keys(detailsOf('InvalidStateError').properties)).toContain('allowedCommands');
    expect(schemas.Http409Error.oneOf).toContainEqual({ $ref: '#/components/schemas/InvalidStateError' });
    const allocate = document.paths['/api/server/allocate'].post!.responses['409'] as unknown as {
      content: { 'application/json': { schema: object } };
    };
    expect(allocate.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Http409Error' });
  });

  it('describes every property of every schema', () => {
    const undescribed = Object.entries(document.components?.schemas ?? {}).flatMap(([name, schema]) =>
      Object.entries((schema as { properties?: Record<string, { description?: string }> }).properties ?? {})
        .filter(([, p]) => !p.description)
        .map(([property]) => `${name}.${property}`),
    );
    expect(undescribed).toEqual([]);
  });

  it('is served at /docs-json', async () => {
    const { body } = await t.http.get('/docs-json').expect(200);
    expect(body.paths).toEqual(JSON.parse(JSON.stringify(document.paths)));
  });
});
