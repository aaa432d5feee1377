import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Response } from 'supertest';
import { Json, OPENAPI as document } from './openapi-document';

/** OpenAPI's own keywords and the x- extensions are annotations to JSON Schema: dropped before compiling. */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node as Json)
      .filter(([key]) => !key.startsWith('x-') && key !== 'example' && key !== 'xml' && key !== 'externalDocs')
      .map(([key, value]) => [
        key,
        key === '$ref' ? (value as string).replace('#/components/schemas/', 'api#/$defs/') : toJsonSchema(value),
      ]),
  );
}

// Strict: types must be declared beside `nullable`, unknown keywords and formats are errors.
const ajv = new Ajv({ strict: true, allErrors: true, strictRequired: false });
addFormats(ajv);
ajv.addSchema({ $id: 'api', $defs: toJsonSchema(document.components.schemas) });

const routes = Object.entries(document.paths).map(([template, operations]) => ({
  template,
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  operations,
}));
const compiled = new Map<string, ValidateFunction>();

/**
 * Checks a response against openapi.json: its status is documented for the operation, and its JSON body
 * is valid against the documented schema. Paths outside the document (the docs themselves) are passed over.
 */
export function checkAgainstSpec(method: string, path: string, response: Response): void {
  const route = routes.find((r) => r.pattern.test(path.split('?')[0]));
  const operation = route?.operations[method];
  if (!route || !operation) return;
  const responses = operation.responses as Record<string, Json>;
  const documented = responses[String(response.status)];
  if (!documented)
    throw new Error(
      `${method.toUpperCase()} ${route.template} answered ${response.status}, which openapi.json does not document (${Object.keys(responses).join(', ')})`,
    );
  const schema = (documented.content as Record<string, { schema: Json }> | undefined)?.['application/json']?.schema;
  if (!schema || !/json/.test(String(response.headers['content-type']))) return;
  const key = `${method} ${route.template} ${response.status}`;
  let validate = compiled.get(key);
  if (!validate) compiled.set(key, (validate = ajv.compile(toJsonSchema(schema) as Json)));
  if (!validate(response.body)) {
    throw new Error(
      `${key}: the body breaks openapi.json: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(response.body).slice(0, 500)}`,
    );
  }
}

/** Every example of a request or response body that breaks its own schema, as `operationId status: why`. */
export function examplesBreakingTheirSchema(): string[] {
  const problems: string[] = [];
  for (const operations of Object.values(document.paths)) {
    for (const operation of Object.values(operations)) {
      const bodies = Object.entries(operation.responses as Record<string, Json>).map(
        ([status, response]) => [status, response.content] as const,
      );
      bodies.push(['request', (operation.requestBody as Json | undefined)?.content]);
      for (const [where, content] of bodies) {
        const json = (content as Record<string, { schema?: Json; example?: unknown }> | undefined)?.[
          'application/json'
        ];
        if (!json?.schema || json.example === undefined) continue;
        const validate = ajv.compile(toJsonSchema(json.schema) as Json);
        if (!validate(json.example))
          problems.push(`${String(operation.operationId)} ${where}: ${ajv.errorsText(validate.errors)}`);
      }
    }
  }
  return problems;
}
