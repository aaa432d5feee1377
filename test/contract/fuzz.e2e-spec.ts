import fc from 'fast-check';
import { createClient, createContract, createPool, Pool } from '../support/factories';
import { Json, OPENAPI as document } from '../support/openapi-document';
import { TestReceiver } from '../support/receiver';
import { startTestApp, TestApp } from '../support/test-app';

/** Requests per operation: bounded, so the suite takes seconds. */
const RUNS = 60;
/** The same requests at every run unless asked otherwise (FUZZ_SEED=random explores, and prints the seed of a failure). */
const SEED = process.env.FUZZ_SEED === 'random' ? undefined : Number(process.env.FUZZ_SEED ?? 20261124);

/**
 * Property-based requests generated from openapi.json for every operation, with a valid key, a bad key and
 * none: no answer is a 5xx, and every answer is documented and valid against the spec (test-app checks each).
 */
describe('Requests generated from openapi.json', () => {
  let t: TestApp;
  let key: string;
  let receiver: TestReceiver;
  let pool: Pool;
  let known: { ints: number[]; contracts: string[] };

  beforeAll(async () => {
    t = await startTestApp({ AUTH_FAILURE_LIMIT: '1000000' }); // bad keys are part of the traffic
    key = await t.apiKey();
    receiver = await new TestReceiver('whsec_fuzz_0123456789').start();
    pool = await createPool(t.prisma, 6, 2);
    const clientId = await createClient(t.prisma, 3);
    const contractId = await createContract(t.prisma, clientId, pool, 2);
    known = {
      ints: [pool.locationId, pool.instanceTypeId, clientId, ...pool.serverIds, 1],
      contracts: [contractId, 'MY-CONTRACT-123'],
    };
  });
  afterAll(async () => {
    await receiver.stop();
    await t.close();
  });

  const resolve = (schema: Json): Json =>
    schema.$ref ? document.components.schemas[(schema.$ref as string).split('/').pop()!] : schema;

  /** Values a field may take: mostly what the schema says (known ids often), sometimes anything at all. */
  function arbitrary(raw: Json, depth = 0): fc.Arbitrary<unknown> {
    const schema = resolve(raw);
    const anything = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.constant(null),
      fc.boolean(),
      fc.constant('\u0000'),
      fc.double(),
    );
    if (depth > 3) return anything;
    if (schema.oneOf) return fc.oneof(...(schema.oneOf as Json[]).map((s) => arbitrary(s, depth + 1)));
    if (schema.allOf) return arbitrary((schema.allOf as Json[])[0], depth + 1);
    let typed: fc.Arbitrary<unknown>;
    if (schema.enum) typed = fc.constantFrom(...(schema.enum as unknown[]));
    else if (schema.type === 'integer') {
      typed = fc.oneof(
        { arbitrary: fc.constantFrom(...known.ints), weight: 4 },
        {
          arbitrary: fc.integer({
            min: (schema.minimum as number) ?? -5,
            max: (schema.maximum as number) ?? 1_000_000,
          }),
          weight: 1,
        },
        { arbitrary: fc.integer(), weight: 1 },
      );
    } else if (schema.type === 'number') typed = fc.double();
    else if (schema.type === 'boolean') typed = fc.boolean();
    else if (schema.type === 'string') {
      typed =
        schema.format === 'date-time'
          ? fc
              .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
              .map((d) => d.toISOString())
          : schema.format === 'uuid'
            ? fc.uuid()
            : fc.oneof(
                fc.constantFrom(...known.contracts),
                fc.string({ maxLength: 40 }),
                fc.uuid(),
                fc.constant(''),
                fc.string({ maxLength: 8 }).map((text) => `${text}\u0000`),
              );
    } else if (schema.type === 'array') typed = fc.array(arbitrary(schema.items as Json, depth + 1), { maxLength: 3 });
    else if (schema.type === 'object' || schema.properties) {
      const properties = Object.entries((schema.properties ?? {}) as Record<string, Json>);
      typed = fc.record(Object.fromEntries(properties.map(([name, s]) => [name, arbitrary(s, depth + 1)])), {
        requiredKeys: (schema.required as string[]) ?? [],
      });
    } else typed = anything;
    return fc.oneof({ arbitrary: typed, weight: 5 }, { arbitrary: anything, weight: 1 });
  }

  const operations = Object.entries(document.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, operation]) => ({ path, method, operation })),
  );

  it.each(operations.map((o) => [`${o.method.toUpperCase()} ${o.path}`, o]))(
    '%s: no 5xx, every answer documented and valid',
    async (_, { path, method, operation }) => {
      const parameters = ((operation.parameters ?? []) as Json[]).filter((p) => p.in !== 'header');
      const body = (
        (operation.requestBody as Json | undefined)?.content as Record<string, { schema: Json }> | undefined
      )?.['application/json']?.schema;
      const request = fc.record({
        params: fc.record(Object.fromEntries(parameters.map((p) => [p.name as string, arbitrary(p.schema as Json)]))),
        body: body ? arbitrary(body) : fc.constant(undefined),
        key: fc.constantFrom(key, key, key, 'bmk_not_a_key', undefined),
      });
      await fc.assert(
        fc.asyncProperty(request, async ({ params, body: payload, key: apiKey }) => {
          let url = path;
          const query = new URLSearchParams();
          for (const p of parameters) {
            const value = params[p.name as string];
            if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeURIComponent(String(value)));
            else if (value !== undefined && value !== null) query.set(p.name as string, String(value));
          }
          // Generated hooks only ever point at this suite's loopback receiver.
          if (path === '/api/hooks' && payload && typeof payload === 'object') (payload as Json).url = receiver.url;
          const call = t.http[method as 'get'](`${url}${query.size ? `?${query}` : ''}`);
          if (apiKey) call.set('X-Api-Key', apiKey);
          const response = await (payload === undefined
            ? call
            : call.set('Content-Type', 'application/json').send(JSON.stringify(payload)));
          expect(response.status).toBeLessThan(500);
        }),
        { numRuns: RUNS, seed: SEED },
      );
    },
  );
});
