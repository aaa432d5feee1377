import { OPENAPI } from './openapi-document';

type Schema = {
  $ref?: string;
  example?: unknown;
  allOf?: Schema[];
  oneOf?: Schema[];
  type?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
};
type Parameter = {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  example?: unknown;
  schema?: Schema;
};
type Operation = {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { example?: unknown; schema: Schema }> };
  responses: Record<string, unknown>;
};

const document = OPENAPI as unknown as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};

const resolve = (schema: Schema): Schema =>
  schema.$ref ? resolve(document.components.schemas[schema.$ref.split('/').pop()!]) : schema;

/** The sample Swagger UI pre-fills: the schema's example, or one built from the examples of its properties. */
function sampleOf(schema: Schema): unknown {
  const resolved = resolve(schema);
  if (resolved.example !== undefined) return resolved.example;
  const [only] = resolved.allOf ?? resolved.oneOf ?? [];
  if (only) return sampleOf(only);
  if (resolved.type === 'array' && resolved.items) return [sampleOf(resolved.items)];
  if (!resolved.properties) return undefined;
  const entries = Object.entries(resolved.properties).map(([name, property]) => [name, sampleOf(property)] as const);
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
}

export interface ExampleRequest {
  operationId: string;
  method: string;
  /** The path with the example of each path parameter. */
  path: string;
  headers: Record<string, string>;
  body?: unknown;
  /** Statuses the spec documents for this operation. */
  documented: number[];
}

/** Every operation of openapi.json as its examples make it: what a reader would send by copying them. */
export const EXAMPLE_REQUESTS: ExampleRequest[] = Object.entries(document.paths).flatMap(([template, operations]) =>
  Object.entries(operations).map(([method, operation]) => {
    const example = (p: Parameter) => p.example ?? p.schema?.example;
    const parameters = (operation.parameters ?? []).filter((p) => example(p) !== undefined);
    const path = parameters
      .filter((p) => p.in === 'path')
      .reduce((text, p) => text.replace(`{${p.name}}`, encodeURIComponent(String(example(p)))), template);
    const query = new URLSearchParams(
      parameters.filter((p) => p.in === 'query').map((p): [string, string] => [p.name, String(example(p))]),
    ).toString();
    const json = operation.requestBody?.content['application/json'];
    return {
      operationId: operation.operationId,
      method,
      path: query ? `${path}?${query}` : path,
      headers: Object.fromEntries(parameters.filter((p) => p.in === 'header').map((p) => [p.name, String(example(p))])),
      body: json && (json.example ?? sampleOf(json.schema)),
      documented: Object.keys(operation.responses).map(Number),
    };
  }),
);

/** Every URL any example of the spec names (bodies, parameters, schemas): none may leave the machine. */
export function urlsInExamples(): string[] {
  const urls: string[] = [];
  const visit = (node: unknown, key?: string): void => {
    if (typeof node === 'string' && key === 'example' && /^[a-z]+:\/\//i.test(node)) urls.push(node);
    else if (node && typeof node === 'object')
      Object.entries(node).forEach(([k, value]) => visit(value, key === 'example' ? key : k));
  };
  visit(document);
  return urls;
}
