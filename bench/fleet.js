// The benchmark fleet as an inventory file for the admin import: one location, 10 pools, N servers
// spread over them and over 40 racks per pool, and 50 clients each with a contract committing in
// every pool (together half of each pool).
const FLEET = { locationId: 1, firstPool: 100, pools: 10, clients: 50, onDemandLimit: 1000 };

function fleetFile(servers) {
  const perPool = Math.floor(servers / FLEET.pools);
  const pools = Array.from({ length: FLEET.pools }, (_, i) => FLEET.firstPool + i);
  const clients = Array.from({ length: FLEET.clients }, (_, i) => 1 + i);
  return {
    locations: [
      { id: FLEET.locationId, name: 'Bench', shortName: 'bn', countryName: 'Netherlands', countryShortName: 'NL' },
    ],
    instanceTypes: pools.map((id, i) => ({
      id,
      locationId: FLEET.locationId,
      name: `bm.bench.${i}`,
      sockets: 1,
      cores: 8,
      memory: 16,
      memoryType: 'std',
      storage: 480,
      storageType: 'ssd',
      generationName: 'Bench',
      pricePerHour: 31,
    })),
    servers: Array.from({ length: servers }, (_, i) => ({
      id: 1_000_000 + i,
      hostname: `bench${i}.example.net`,
      locationId: FLEET.locationId,
      instanceTypeId: pools[i % FLEET.pools],
      rack: `R${Math.floor(i / FLEET.pools) % 40}`,
      serviceTag: `B${i}`,
    })),
    clients: clients.map((id) => ({ id, name: `Bench client ${id}`, onDemandLimit: FLEET.onDemandLimit })),
    contracts: clients.map((id) => ({
      contractId: `BENCH-${id}`,
      clientId: id,
      startsAt: '2026-01-01T00:00:00Z',
      endsAt: null,
      commitments: pools.map((instanceTypeId) => ({
        locationId: FLEET.locationId,
        instanceTypeId,
        quantity: Math.max(1, Math.floor(perPool / 2 / FLEET.clients)),
      })),
    })),
  };
}

module.exports = { FLEET, fleetFile };
