import { DemoSeeder } from '@app/inventory';
import { EXAMPLE_REQUESTS, ExampleRequest, urlsInExamples } from '../support/spec-examples';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Every example of openapi.json, sent as is against the demo data: what a reader of the spec, Swagger
 * UI's "Try it out" or an example-driven tool (Portman) sends. In this order each one succeeds; every
 * answer is checked against the spec by the test app.
 */
const SCENARIO = [
  'getHealth',
  'getLiveness',
  'getReadiness',
  'listLocations',
  'listInstanceTypes',
  'listServers',
  'getServer',
  'getServerHistory',
  'checkQuota',
  // Server 157437, the lowest id of pool 18/129, through every command.
  'allocateServer',
  'deallocateServer',
  'markServerAvailable',
  'allocateServers',
  // 157437 fails in use and is replaced; its ended allocation is then compensated (a billing correction).
  'replaceServer',
  'compensateAllocation',
  'isolateServer',
  'unisolateServer',
  'markServerAvailable',
  'quarantineServer',
  'liftServerQuarantine',
  'describeServer',
  'addServers',
  'getSession',
  'getPoolCapacity',
  'getBaselineRuns',
  'getClientCapacity',
  'listClientAllocations',
  'listClients',
  'getClient',
  'putClient',
  'getClientHistory',
  'listContracts',
  'createContract',
  'getContract',
  'updateContract',
  'getContractHistory',
  'putHook',
  'listHooks',
  'disableHook',
  'enableHook',
  'listDeliveries',
  'deliveryHealth',
  'replayDelivery',
  'removeHook',
  // Server 157438 (its own rack in the demo data) through a maintenance.
  'startMaintenance',
  'listMaintenances',
  'getMaintenance',
  'endMaintenance',
  'retireServer',
];

/** Examples that name something the demo data cannot hold, and the documented answer they get. */
const NOT_IN_DEMO_DATA: Record<string, { status: number; code: string }> = {
  replayDelivery: { status: 404, code: 'DELIVERY_NOT_FOUND' },
};

describe('The examples of openapi.json', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    // The dispatcher stays off (the test app's default): the example hook is registered, never called.
    t = await startTestApp();
    key = (await t.app.get(DemoSeeder).seedIfEmpty())!.apiKey;
  });
  afterAll(() => t.close());

  it('point only at this machine', () => {
    const outside = urlsInExamples().filter((url) => !/^https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//.test(url));
    expect(outside).toEqual([]);
  });

  it('are all in the scenario below, which sends each operation at least once', () => {
    expect(EXAMPLE_REQUESTS.map((r) => r.operationId).filter((id) => !SCENARIO.includes(id))).toEqual([]);
  });

  const send = (request: ExampleRequest) => {
    const call = t.http[request.method as 'get'](request.path).set('X-Api-Key', key);
    for (const [name, value] of Object.entries(request.headers)) call.set(name, value);
    return request.body === undefined ? call : call.send(request.body as object);
  };

  it.each(SCENARIO.map((id, step) => [step + 1, id] as const))(
    '%i. %s succeeds as documented',
    async (_, operationId) => {
      const request = EXAMPLE_REQUESTS.find((r) => r.operationId === operationId)!;
      const response = await send(request);
      const expected = NOT_IN_DEMO_DATA[operationId];
      if (expected) expect({ status: response.status, code: response.body.code }).toEqual(expected);
      else
        expect({ operationId, status: response.status, body: response.status < 300 ? 'ok' : response.body }).toEqual({
          operationId,
          status: expect.any(Number),
          body: 'ok',
        });
      expect(request.documented).toContain(response.status);
    },
  );
});
