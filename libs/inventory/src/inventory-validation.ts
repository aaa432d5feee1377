import { SERVER_STATUSES } from '@app/lifecycle';
import { IMPORTABLE_STATUSES } from './inventory-file';

export interface InventoryProblem {
  /** Where: `servers[12]`. */
  record: string;
  id?: number | string;
  field?: string;
  problem: string;
}

/** What the database already holds, for the references a file may make to it. */
export interface KnownInventory {
  locationIds: Set<number>;
  /** instance type id → its location */
  instanceTypeLocations: Map<number, number>;
  clientIds: Set<number>;
  /** server id → its pool now, and whether an allocation holds it (such a server never changes pools) */
  servers: Map<number, { instanceTypeId: number; held: boolean }>;
  /** hostname → server id, for the hostnames the file names */
  serverHostnames: Map<string, number>;
  /** contract id → its client */
  contractClients: Map<string, number>;
}

type Check = (value: unknown) => string | undefined;

/** The largest value of PostgreSQL's integer (int4), the type of every id, quantity and limit. */
const INT4_MAX = 2_147_483_647;
const integer =
  (min: number): Check =>
  (v) =>
    Number.isInteger(v) && (v as number) >= min && (v as number) <= INT4_MAX
      ? undefined
      : `must be an integer from ${min} to ${INT4_MAX}`;
const text =
  (max: number): Check =>
  (v) =>
    typeof v === 'string' && v.trim() !== '' && v.length <= max
      ? undefined
      : `must be a non-empty string of at most ${max} characters`;
const price: Check = (v) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? undefined : 'must be a number of at least 0';
const oneOf =
  (values: readonly string[]): Check =>
  (v) =>
    values.includes(v as string) ? undefined : `must be one of ${values.join(', ')}`;
const matches =
  (pattern: RegExp, what: string): Check =>
  (v) =>
    typeof v === 'string' && pattern.test(v) ? undefined : `must be ${what}`;
const timestamp: Check = (v) =>
  typeof v === 'string' && !Number.isNaN(Date.parse(v))
    ? undefined
    : 'must be an ISO 8601 date-time such as 2026-01-01T00:00:00Z';
const list: Check = (v) => (Array.isArray(v) ? undefined : 'must be an array');
const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined || v === null ? undefined : check(v);

const SUB_STATES = [
  'brokenHardware',
  'failedBaseline',
  'failedDelivery',
  'baselineTimeout',
  'networkIssue',
  'maintenance',
  'investigation',
  'other',
];
export const CONTRACT_ID_PATTERN = /^[A-Z0-9_\-.]{1,240}$/;

/** The fields of each kind of record and what each must be; any other field is reported. */
const FIELDS = {
  locations: {
    id: integer(1),
    name: text(255),
    shortName: text(64),
    displayName: optional(text(255)),
    countryId: optional(integer(0)),
    countryName: text(255),
    countryShortName: text(8),
  },
  instanceTypes: {
    id: integer(1),
    locationId: integer(1),
    name: text(64),
    sockets: integer(1),
    cores: integer(1),
    memory: integer(1),
    memoryType: text(32),
    storage: integer(0),
    storageType: text(32),
    instanceTypeGenerationId: optional(integer(0)),
    generationName: text(64),
    pricePerHour: price,
    currencyId: optional(integer(0)),
  },
  servers: {
    id: integer(1),
    hostname: text(255),
    locationId: integer(1),
    instanceTypeId: integer(1),
    rack: optional(text(255)),
    serviceTag: optional(text(64)),
    status: optional(oneOf(SERVER_STATUSES)),
    subState: optional(oneOf(SUB_STATES)),
    isolationReason: optional(text(1000)),
  },
  clients: { id: integer(1), name: text(255), onDemandLimit: optional(integer(0)) },
  contracts: {
    contractId: matches(CONTRACT_ID_PATTERN, 'a contract id matching ^[A-Z0-9_\\-.]{1,240}$'),
    clientId: integer(1),
    startsAt: timestamp,
    endsAt: optional(timestamp),
    commitments: list,
  },
  commitments: { locationId: integer(1), instanceTypeId: integer(1), quantity: integer(0) },
} satisfies Record<string, Record<string, Check>>;

type Kind = keyof typeof FIELDS;
type Row = Record<string, unknown>;

function checkFields(kind: Kind, row: unknown, record: string, report: (p: InventoryProblem) => void): row is Row {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) {
    report({ record, problem: 'must be an object' });
    return false;
  }
  const fields: Record<string, Check> = FIELDS[kind];
  const id = (row as Row).id ?? (row as Row).contractId;
  const key = typeof id === 'number' || typeof id === 'string' ? id : undefined;
  let valid = true;
  for (const [field, check] of Object.entries(fields)) {
    const problem = check((row as Row)[field]);
    if (problem) {
      report({ record, id: key, field, problem });
      valid = false;
    }
  }
  for (const field of Object.keys(row).filter((f) => !(f in fields))) {
    report({ record, id: key, field, problem: 'is not a field of this record' });
    valid = false;
  }
  return valid;
}

/**
 * Every problem of a whole file, each naming its record and field; an empty list means the file
 * can be imported. References may point into the file or into what the database holds.
 */
export function validateInventoryFile(file: unknown, known: KnownInventory): InventoryProblem[] {
  const problems: InventoryProblem[] = [];
  const report = (p: InventoryProblem) => problems.push(p);
  if (typeof file !== 'object' || file === null || Array.isArray(file))
    return [{ record: '(file)', problem: 'must be a JSON object' }];

  const sections = file as Record<string, unknown>;
  for (const name of Object.keys(sections).filter(
    (s) => !['locations', 'instanceTypes', 'servers', 'clients', 'contracts'].includes(s),
  )) {
    report({ record: name, problem: 'is not a section of an inventory file' });
  }
  /** The records of a section whose fields are valid, each with its place in the file. */
  const rows = (kind: Exclude<Kind, 'commitments'>): { r: Row; at: string }[] => {
    const section = sections[kind];
    if (section === undefined) return [];
    if (!Array.isArray(section)) {
      report({ record: kind, problem: 'must be an array' });
      return [];
    }
    return section
      .map((r, i) => ({ r, at: `${kind}[${i}]` }))
      .filter(({ r, at }) => checkFields(kind, r, at, report)) as { r: Row; at: string }[];
  };
  const once = <K>(kind: string, key: (r: Row) => K) => {
    const seen = new Set<K>();
    return ({ r, at }: { r: Row; at: string }) => {
      if (seen.has(key(r))) report({ record: at, id: key(r) as number, problem: `appears more than once in ${kind}` });
      seen.add(key(r));
    };
  };

  const locations = rows('locations');
  const instanceTypes = rows('instanceTypes');
  const servers = rows('servers');
  const clients = rows('clients');
  const contracts = rows('contracts');
  locations.forEach(once('locations', (r) => r.id));
  instanceTypes.forEach(once('instanceTypes', (r) => r.id));
  servers.forEach(once('servers', (r) => r.id));
  servers.forEach(once('servers', (r) => r.hostname));
  clients.forEach(once('clients', (r) => r.id));
  contracts.forEach(once('contracts', (r) => r.contractId));

  const locationIds = new Set([...known.locationIds, ...locations.map(({ r }) => r.id as number)]);
  const typeLocations = new Map([
    ...known.instanceTypeLocations,
    ...instanceTypes.map(({ r }) => [r.id as number, r.locationId as number] as const),
  ]);
  const clientIds = new Set([...known.clientIds, ...clients.map(({ r }) => r.id as number)]);

  const checkPool = (record: string, id: number | string, locationId: number, instanceTypeId: number) => {
    if (!locationIds.has(locationId))
      report({
        record,
        id,
        field: 'locationId',
        problem: `location ${locationId} is neither in the file nor in the inventory`,
      });
    const typeLocation = typeLocations.get(instanceTypeId);
    if (typeLocation === undefined)
      report({
        record,
        id,
        field: 'instanceTypeId',
        problem: `instance type ${instanceTypeId} is neither in the file nor in the inventory`,
      });
    else if (typeLocation !== locationId)
      report({
        record,
        id,
        field: 'instanceTypeId',
        problem: `instance type ${instanceTypeId} belongs to location ${typeLocation}, not ${locationId}`,
      });
  };

  instanceTypes.forEach(({ r: t, at }) => {
    if (!locationIds.has(t.locationId as number))
      report({
        record: at,
        id: t.id as number,
        field: 'locationId',
        problem: `location ${t.locationId} is neither in the file nor in the inventory`,
      });
  });
  servers.forEach(({ r: s, at: record }) => {
    const id = s.id as number;
    checkPool(record, id, s.locationId as number, s.instanceTypeId as number);
    const holder = known.serverHostnames.get(s.hostname as string);
    if (holder !== undefined && holder !== id)
      report({ record, id, field: 'hostname', problem: `${s.hostname} is the hostname of server ${holder}` });
    // A server that exists keeps its lifecycle; status and sub-state only matter for a new one.
    const existing = known.servers.get(id);
    if (existing?.held && existing.instanceTypeId !== s.instanceTypeId)
      report({
        record,
        id,
        field: 'instanceTypeId',
        problem: `server ${id} is held by an allocation in pool ${existing.instanceTypeId}: it changes pools only once released`,
      });
    if (existing) return;
    const status = (s.status ?? 'available') as string;
    if (!(IMPORTABLE_STATUSES as readonly string[]).includes(status)) {
      report({
        record,
        id,
        field: 'status',
        problem: `a new server can be loaded as ${IMPORTABLE_STATUSES.join(', ')}; ${status} only comes from the server commands`,
      });
    }
    const hasSubState = s.subState !== undefined && s.subState !== null;
    if ((status === 'isolated') !== hasSubState) {
      report({ record, id, field: 'subState', problem: 'is required for an isolated server and only for one' });
    }
  });
  contracts.forEach(({ r: c, at: record }) => {
    const id = c.contractId as string;
    if (!clientIds.has(c.clientId as number))
      report({
        record,
        id,
        field: 'clientId',
        problem: `client ${c.clientId} is neither in the file nor in the inventory`,
      });
    const owner = known.contractClients.get(id);
    if (owner !== undefined && owner !== c.clientId)
      report({
        record,
        id,
        field: 'clientId',
        problem: `contract ${id} belongs to client ${owner}; a contract cannot change client`,
      });
    if (c.endsAt && Date.parse(c.endsAt as string) <= Date.parse(c.startsAt as string))
      report({ record, id, field: 'endsAt', problem: 'must be after startsAt' });
    const seenPools = new Set<string>();
    (c.commitments as unknown[]).forEach((commitment, j) => {
      const where = `${record}.commitments[${j}]`;
      if (!checkFields('commitments', commitment, where, report)) return;
      checkPool(where, id, commitment.locationId as number, commitment.instanceTypeId as number);
      const pool = `${commitment.locationId}/${commitment.instanceTypeId}`;
      if (seenPools.has(pool)) report({ record: where, id, problem: `commits to pool ${pool} more than once` });
      seenPools.add(pool);
    });
  });
  return problems;
}
