import { DEMO_INVENTORY } from './demo-inventory';
import { KnownInventory, validateInventoryFile } from './inventory-validation';

const EMPTY: KnownInventory = {
  locationIds: new Set(),
  instanceTypeLocations: new Map(),
  clientIds: new Set(),
  servers: new Map(),
  serverHostnames: new Map(),
  contractClients: new Map(),
};

describe('validateInventoryFile', () => {
  it('accepts the demo inventory into an empty database', () => {
    expect(validateInventoryFile(DEMO_INVENTORY, EMPTY)).toEqual([]);
  });

  it('accepts references to what the database already holds', () => {
    const known = { ...EMPTY, locationIds: new Set([18]), instanceTypeLocations: new Map([[129, 18]]) };
    expect(
      validateInventoryFile({ servers: [{ id: 1, hostname: 'a', locationId: 18, instanceTypeId: 129 }] }, known),
    ).toEqual([]);
  });

  it('rejects what is not an inventory', () => {
    expect(validateInventoryFile([], EMPTY)).toEqual([{ record: '(file)', problem: 'must be a JSON object' }]);
    expect(validateInventoryFile({ servers: {}, racks: [] }, EMPTY)).toEqual([
      { record: 'racks', problem: 'is not a section of an inventory file' },
      { record: 'servers', problem: 'must be an array' },
    ]);
  });

  it('reports duplicates, pools that do not match, and contracts moving to another client', () => {
    const file = {
      locations: [
        { id: 1, name: 'A', shortName: 'a', countryName: 'X', countryShortName: 'X' },
        { id: 2, name: 'B', shortName: 'b', countryName: 'X', countryShortName: 'X' },
      ],
      instanceTypes: [
        {
          id: 10,
          locationId: 1,
          name: 't',
          sockets: 1,
          cores: 1,
          memory: 1,
          memoryType: 's',
          storage: 1,
          storageType: 's',
          generationName: 'g',
          pricePerHour: 1,
        },
      ],
      servers: [
        { id: 5, hostname: 'h', locationId: 2, instanceTypeId: 10 },
        { id: 5, hostname: 'h2', locationId: 1, instanceTypeId: 10 },
      ],
      clients: [{ id: 7, name: 'c' }],
      contracts: [
        {
          contractId: 'K',
          clientId: 7,
          startsAt: '2026-01-01T00:00:00Z',
          endsAt: '2025-01-01T00:00:00Z',
          commitments: [
            { locationId: 1, instanceTypeId: 10, quantity: 1 },
            { locationId: 1, instanceTypeId: 10, quantity: 2 },
          ],
        },
      ],
    };
    const problems = validateInventoryFile(file, { ...EMPTY, contractClients: new Map([['K', 8]]) });
    expect(problems).toEqual([
      { record: 'servers[1]', id: 5, problem: 'appears more than once in servers' },
      {
        record: 'servers[0]',
        id: 5,
        field: 'instanceTypeId',
        problem: 'instance type 10 belongs to location 1, not 2',
      },
      {
        record: 'contracts[0]',
        id: 'K',
        field: 'clientId',
        problem: 'contract K belongs to client 8; a contract cannot change client',
      },
      { record: 'contracts[0]', id: 'K', field: 'endsAt', problem: 'must be after startsAt' },
      { record: 'contracts[0].commitments[1]', id: 'K', problem: 'commits to pool 1/10 more than once' },
    ]);
  });

  it('requires a sub-state exactly for new isolated servers', () => {
    const known = { ...EMPTY, locationIds: new Set([1]), instanceTypeLocations: new Map([[10, 1]]) };
    const problems = validateInventoryFile(
      {
        servers: [
          { id: 1, hostname: 'a', locationId: 1, instanceTypeId: 10, status: 'isolated' },
          { id: 2, hostname: 'b', locationId: 1, instanceTypeId: 10, subState: 'other' },
        ],
      },
      known,
    );
    expect(problems.map((p) => [p.record, p.field])).toEqual([
      ['servers[0]', 'subState'],
      ['servers[1]', 'subState'],
    ]);
  });

  it('bounds ids, quantities and limits by PostgreSQL integer, in the validator rather than the database', () => {
    const file = {
      clients: [{ id: 2_147_483_648, name: 'Too far', onDemandLimit: 2_147_483_648 }],
    };
    expect(validateInventoryFile(file, EMPTY)).toEqual([
      { record: 'clients[0]', id: 2_147_483_648, field: 'id', problem: 'must be an integer from 1 to 2147483647' },
      {
        record: 'clients[0]',
        id: 2_147_483_648,
        field: 'onDemandLimit',
        problem: 'must be an integer from 0 to 2147483647',
      },
    ]);
  });

  it('never moves a server that an allocation holds to another pool', () => {
    const known: KnownInventory = {
      ...EMPTY,
      locationIds: new Set([1]),
      instanceTypeLocations: new Map([
        [10, 1],
        [11, 1],
      ]),
      servers: new Map([
        [7, { instanceTypeId: 10, held: true }],
        [8, { instanceTypeId: 10, held: false }],
      ]),
    };
    const server = (id: number) => ({ id, hostname: `s${id}.test`, locationId: 1, instanceTypeId: 11 });
    expect(validateInventoryFile({ servers: [server(7), server(8)] }, known)).toEqual([
      {
        record: 'servers[0]',
        id: 7,
        field: 'instanceTypeId',
        problem: 'server 7 is held by an allocation in pool 10: it changes pools only once released',
      },
    ]);
  });
});
