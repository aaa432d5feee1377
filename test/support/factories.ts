import { PrismaService } from '@app/database';

/** One-line set-ups of what a test needs; ids are unique per call so tests never collide. */
let nextId = 1000;
const id = () => ++nextId;

export interface Pool {
  locationId: number;
  instanceTypeId: number;
  serverIds: number[];
}

/** A location with one instance type (a pool) holding `servers` Available servers, over `racks` racks in turn. */
export async function createPool(prisma: PrismaService, servers: number, racks = 1): Promise<Pool> {
  const locationId = id();
  const instanceTypeId = id();
  await prisma.location.create({
    data: {
      id: locationId,
      name: `Test site ${locationId}`,
      shortName: `t${locationId}`,
      displayName: `Test site ${locationId}`,
      countryName: 'Netherlands',
      countryShortName: 'NL',
    },
  });
  await prisma.instanceType.create({
    data: {
      id: instanceTypeId,
      locationId,
      name: `bm7.std.${instanceTypeId}`,
      sockets: 1,
      cores: 8,
      memory: 16,
      memoryType: 'std',
      storage: 480,
      storageType: 'ssd',
      generationName: 'Coffee Lake',
      pricePerHour: 31,
    },
  });
  const serverIds = Array.from({ length: servers }, () => id() * 1000);
  await prisma.server.createMany({
    data: serverIds.map((sid, i) => ({
      id: sid,
      hostname: `server${sid}.test`,
      locationId,
      instanceTypeId,
      rack: `R${1 + (i % racks)}`,
      serviceTag: `T${sid}`,
    })),
  });
  return { locationId, instanceTypeId, serverIds };
}

export async function createClient(prisma: PrismaService, onDemandLimit: number | null = null): Promise<number> {
  const clientId = id();
  await prisma.client.create({ data: { id: clientId, name: `Client ${clientId}`, onDemandLimit } });
  return clientId;
}

export interface ContractOptions {
  startsAt?: Date;
  endsAt?: Date | null;
}

/** A contract of the client committing `quantity` servers in the pool. */
export async function createContract(
  prisma: PrismaService,
  clientId: number,
  pool: Pool,
  quantity: number,
  options: ContractOptions = {},
): Promise<string> {
  const contractId = `C-${id()}`;
  await prisma.contract.create({
    data: {
      contractId,
      clientId,
      startsAt: options.startsAt ?? new Date('2026-01-01T00:00:00Z'),
      endsAt: options.endsAt ?? null,
      commitments: { create: [{ locationId: pool.locationId, instanceTypeId: pool.instanceTypeId, quantity }] },
    },
  });
  return contractId;
}

/** A pool of `servers`, a client, a contract committing `committed` of them, and the allocate body naming them. */
export async function createContractedPool(prisma: PrismaService, servers = 3, committed = 2) {
  const pool = await createPool(prisma, servers);
  const clientId = await createClient(prisma);
  const contractId = await createContract(prisma, clientId, pool, committed);
  const body = { locationId: pool.locationId, instanceTypeId: pool.instanceTypeId, clientId, contractId };
  return { pool, clientId, contractId, body };
}
