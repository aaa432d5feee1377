import { createClient, createContract, createPool, Pool } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

describe('Inventory read API', () => {
  let t: TestApp;
  let key: string;
  let pool: Pool;

  beforeAll(async () => {
    t = await startTestApp();
    key = await t.apiKey('inventory:read');
    pool = await createPool(t.prisma, 30);
  });
  afterAll(() => t.close());

  const get = (path: string, range?: string) => {
    const call = t.http.get(path).set('X-Api-Key', key);
    return range === undefined ? call : call.set('RANGED-DATA', range);
  };

  describe('GET /api/locations', () => {
    it('lists locations in the shape of seed 001', async () => {
      const { body } = await get('/api/locations').expect(200);
      expect(body).toContainEqual({
        id: pool.locationId,
        name: `Test site ${pool.locationId}`,
        shortName: `t${pool.locationId}`,
        displayName: `Test site ${pool.locationId}`,
        countryId: null,
        countryName: 'Netherlands',
        countryShortName: 'NL',
      });
    });
  });

  describe('GET /api/locations/{locationId}/instance-types', () => {
    it('lists the instance types of the location with their pricing, as in seed 000', async () => {
      const { body } = await get(`/api/locations/${pool.locationId}/instance-types`).expect(200);
      expect(body).toEqual([
        {
          id: pool.instanceTypeId,
          locationId: pool.locationId,
          name: `bm7.std.${pool.instanceTypeId}`,
          sockets: 1,
          cores: 8,
          memory: 16,
          memoryType: 'std',
          storage: 480,
          storageType: 'ssd',
          instanceTypeGenerationId: null,
          generationName: 'Coffee Lake',
          pricing: [{ price: 31, currencyId: 0, type: 'hour' }],
        },
      ]);
    });

    it('answers 404 LOCATION_NOT_FOUND for an unknown location and 400 for a bad id', async () => {
      expect((await get('/api/locations/999999/instance-types').expect(404)).body.code).toBe('LOCATION_NOT_FOUND');
      expect((await get('/api/locations/0/instance-types').expect(400)).body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('GET /api/servers', () => {
    it('filters by status, location, instance type and client', async () => {
      const other = await createPool(t.prisma, 2);
      const clientId = await createClient(t.prisma);
      const contractId = await createContract(t.prisma, clientId, other, 1);
      const allocation = await t.prisma.allocation.create({
        data: {
          serverId: other.serverIds[0],
          clientId,
          contractId,
          quota: 'COMMITTED',
          locationId: other.locationId,
          instanceTypeId: other.instanceTypeId,
        },
      });
      await t.prisma.server.update({
        where: { id: other.serverIds[0] },
        data: { status: 'allocated', currentAllocationId: allocation.id },
      });

      const byClient = await get(`/api/servers?clientId=${clientId}`).expect(200);
      expect(byClient.body).toHaveLength(1);
      expect(byClient.body[0]).toMatchObject({
        id: other.serverIds[0],
        status: 'allocated',
        allocation: { clientId, contractId, quota: 'COMMITTED', endedAt: null },
      });

      const available = await get(`/api/servers?status=available&instanceTypeId=${other.instanceTypeId}`).expect(200);
      expect(available.body.map((s: { id: number }) => s.id)).toEqual([other.serverIds[1]]);

      const atLocation = await get(`/api/servers?locationId=${pool.locationId}`, 'start=0,results=100').expect(200);
      expect(atLocation.body).toHaveLength(30);
    });

    it('rejects unknown filters and bad values with 400 naming each field', async () => {
      const { body } = await get('/api/servers?status=broken&clientId=-3&colour=red').expect(400);
      expect(body.code).toBe('VALIDATION_FAILED');
      expect(body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual([
        'clientId',
        'colour',
        'status',
      ]);
    });
  });

  describe('RANGED-DATA paging', () => {
    const path = () => `/api/servers?locationId=${pool.locationId}`;

    it('returns start=0,results=25 by default and says the total', async () => {
      const response = await get(path()).expect(200);
      expect(response.body).toHaveLength(25);
      expect(response.headers['ranged-data']).toBe('start=0,results=25,total=30');
    });

    it('returns the requested range, in id order, and what was really returned', async () => {
      const first = await get(path(), 'start=0,results=10').expect(200);
      const last = await get(path(), 'start=25,results=10').expect(200);
      expect(first.body.map((s: { id: number }) => s.id)).toEqual(pool.serverIds.slice(0, 10));
      expect(last.body.map((s: { id: number }) => s.id)).toEqual(pool.serverIds.slice(25));
      expect(last.headers['ranged-data']).toBe('start=25,results=5,total=30');
    });

    it.each(['start=0', 'start=-1,results=5', 'start=0,results=0', 'start=0,results=1001', 'results=5,start=0,x=1'])(
      'rejects RANGED-DATA: %s with 400',
      async (range) => {
        const { body } = await get(path(), range).expect(400);
        expect(body).toMatchObject({
          code: 'VALIDATION_FAILED',
          details: { fields: [{ field: 'RANGED-DATA', problems: [expect.stringContaining(`(got "${range}")`)] }] },
        });
      },
    );
  });

  describe('GET /api/servers/{serverId}', () => {
    it('shows one server', async () => {
      const { body } = await get(`/api/servers/${pool.serverIds[0]}`).expect(200);
      expect(body).toMatchObject({
        id: pool.serverIds[0],
        locationId: pool.locationId,
        instanceTypeId: pool.instanceTypeId,
        status: 'available',
        subState: null,
        allocation: null,
      });
    });

    it('answers 404 SERVER_NOT_FOUND and 400 for ids that are not positive integers', async () => {
      expect((await get('/api/servers/1').expect(404)).body).toEqual({
        statusCode: 404,
        code: 'SERVER_NOT_FOUND',
        message: 'Server 1 does not exist',
        details: { id: 1 },
        requestId: expect.any(String),
      });
      for (const bad of ['abc', '-1', '1.5', '99999999999']) {
        expect((await get(`/api/servers/${bad}`).expect(400)).body.details.fields[0].field).toBe('serverId');
      }
    });
  });

  it('answers unknown routes with the error shape', async () => {
    const { body, headers } = await get('/api/nothing-here').expect(404);
    expect(body).toEqual({
      statusCode: 404,
      code: 'ROUTE_NOT_FOUND',
      message: 'Cannot GET /api/nothing-here',
      requestId: headers['x-request-id'],
    });
  });
});
