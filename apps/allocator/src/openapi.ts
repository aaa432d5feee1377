import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { addErrorSchemas } from '@app/api-kit';
import { API_KEY_HEADER, SCOPES } from '@app/auth';

const DESCRIPTION = `Internal back office of the bare-metal cloud: which physical server goes to which client, each
server's lifecycle, and every client's quota by contract.

Every \`/api\` route needs an \`${API_KEY_HEADER}\` header; each route names the scopes its key must carry.
Errors always have the body \`{ statusCode, code, message, details? }\` with a stable \`code\`.
Lists page with the \`RANGED-DATA\` header (\`start=0,results=25\`); the answer repeats it with the total.

Staff who would rather see the fleet, the triage queue and each server's story than raw JSON: the
[staff console](/console/), signed in with the same key.

**Scopes**

${Object.entries(SCOPES)
  .map(([scope, what]) => `- \`${scope}\`: ${what}`)
  .join('\n')}`;

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Bare-metal allocator')
    .setDescription(DESCRIPTION)
    .setVersion('1.0')
    .addServer('/', 'This service')
    .addTag(
      'Server Commands',
      'The internal API of seed 003: allocate, de-allocate, compensate, isolate, available, quarantine',
    )
    .addTag('Quota', 'What an allocation would be charged, checked without allocating')
    .addTag('Capacity', "Pools, clients' commitments and use, allocations for billing")
    .addTag('Clients and contracts', 'Clients and their contracts, managed by staff and audited')
    .addTag('Inventory', 'Locations, instance types, servers and their history')
    .addTag('Event hooks', 'Subscriptions to server events (docs/events.md) and their deliveries')
    .addTag('Health', 'Liveness and database reachability, without a key')
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: API_KEY_HEADER,
        description: 'API key created with `npm run admin -- api-key create`',
      },
      API_KEY_HEADER,
    )
    .build();
  // operationIds are the handlers' names (allocateServer, listServers, ...): what generated clients call.
  const document = SwaggerModule.createDocument(app, config, { operationIdFactory: (_controller, method) => method });
  addErrorSchemas(document.components!.schemas!);
  return nullableReferences(document);
}

type Schema = Record<string, unknown>;

/**
 * OpenAPI 3.0 applies `nullable` only to a `type` beside it, so `{nullable, allOf: [$ref]}` (what the
 * generator writes for a nullable enum or object) still refuses null under a strict validator. Such a
 * property becomes a copy of the referenced schema that takes null: an object with `nullable: true`, an
 * enum with null among its values and no `type` (tools disagree on `nullable` beside `enum`: Postman
 * wants null listed, Prism adds it again and then fails to compile the duplicate).
 */
function nullableReferences(document: OpenAPIObject): OpenAPIObject {
  const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
  const rewrite = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const schema = node as Schema;
    const refs = schema.allOf as { $ref?: string }[] | undefined;
    if (schema.nullable && refs?.length === 1 && refs[0].$ref) {
      const own = Object.fromEntries(Object.entries(schema).filter(([key]) => key !== 'allOf' && key !== 'nullable'));
      const { type, enum: values, ...referenced } = structuredClone(schemas[refs[0].$ref.split('/').pop()!]);
      delete schema.allOf;
      delete schema.nullable;
      Object.assign(
        schema,
        referenced,
        Array.isArray(values) ? { enum: [...values, null] } : { type, nullable: true },
        own,
      );
    }
    Object.values(schema).forEach(rewrite);
  };
  rewrite(document.components?.schemas);
  return document;
}

/** The committed openapi.json, byte for byte. */
export function serializeOpenApiDocument(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
