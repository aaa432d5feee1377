import { InventoryFile, ServerRecord } from './inventory-file';

const POOLS = [
  { locationId: 18, instanceTypeId: 129, rackPrefix: 'AMS1:02', firstId: 157437 },
  { locationId: 18, instanceTypeId: 131, rackPrefix: 'AMS1:03', firstId: 157537 },
  { locationId: 8, instanceTypeId: 126, rackPrefix: 'LA3:01', firstId: 158437 },
  { locationId: 8, instanceTypeId: 127, rackPrefix: 'LA3:02', firstId: 158537 },
];
const SERVERS_PER_POOL = 15;

function poolServers(pool: (typeof POOLS)[number]): ServerRecord[] {
  return Array.from({ length: SERVERS_PER_POOL }, (_, i) => ({
    id: pool.firstId + i,
    hostname: `server${pool.firstId + i}.dedi.example.net`,
    locationId: pool.locationId,
    instanceTypeId: pool.instanceTypeId,
    rack: `${pool.rackPrefix}:${String(2160 + i).padStart(6, '0')}:0409`,
    serviceTag: `DEMO${pool.firstId + i}`,
    status: 'available',
  }));
}

/** A small fleet that shows every feature: two sites, four pools, committed and on-demand clients. */
export const DEMO_INVENTORY: InventoryFile = {
  locations: [
    {
      id: 18,
      name: 'EU: Rotterdam',
      shortName: 'ams',
      displayName: 'EU: Rotterdam',
      countryId: 149,
      countryName: 'Netherlands',
      countryShortName: 'NL',
    },
    {
      id: 8,
      name: 'US: Los Angeles - CA',
      shortName: 'lax',
      displayName: 'US: Los Angeles - CA',
      countryId: 227,
      countryName: 'United States',
      countryShortName: 'US',
    },
  ],
  instanceTypes: [
    {
      id: 129,
      locationId: 18,
      name: 'bm7.std.8',
      sockets: 1,
      cores: 8,
      memory: 16,
      memoryType: 'std',
      storage: 480,
      storageType: 'ssd',
      instanceTypeGenerationId: 29,
      generationName: 'Coffee Lake',
      pricePerHour: 31,
    },
    {
      id: 131,
      locationId: 18,
      name: 'bm9.hmm.32',
      sockets: 1,
      cores: 32,
      memory: 256,
      memoryType: 'hmm',
      storage: 1920,
      storageType: 'nvme',
      instanceTypeGenerationId: 41,
      generationName: 'Genoa',
      pricePerHour: 118,
    },
    {
      id: 126,
      locationId: 8,
      name: 'bm7.std.8',
      sockets: 1,
      cores: 8,
      memory: 16,
      memoryType: 'std',
      storage: 480,
      storageType: 'ssd',
      instanceTypeGenerationId: 29,
      generationName: 'Coffee Lake',
      pricePerHour: 33,
    },
    {
      id: 127,
      locationId: 8,
      name: 'bm9.cpu.16',
      sockets: 1,
      cores: 16,
      memory: 64,
      memoryType: 'std',
      storage: 960,
      storageType: 'nvme',
      instanceTypeGenerationId: 41,
      generationName: 'Genoa',
      pricePerHour: 64,
    },
  ],
  servers: POOLS.flatMap(poolServers),
  clients: [
    { id: 12345, name: 'SampleCustomer', onDemandLimit: 10 },
    { id: 23456, name: 'Northwind Games', onDemandLimit: null },
  ],
  contracts: [
    {
      contractId: 'MY-CONTRACT-123',
      clientId: 12345,
      startsAt: '2026-01-01T00:00:00Z',
      endsAt: null,
      commitments: [
        { locationId: 18, instanceTypeId: 129, quantity: 5 },
        { locationId: 8, instanceTypeId: 126, quantity: 3 },
      ],
    },
    {
      contractId: 'JD-NB2UU6VX732',
      clientId: 23456,
      startsAt: '2026-01-01T00:00:00Z',
      endsAt: '2027-12-31T23:59:59Z',
      commitments: [
        { locationId: 18, instanceTypeId: 131, quantity: 6 },
        { locationId: 18, instanceTypeId: 129, quantity: 4 },
      ],
    },
  ],
};
