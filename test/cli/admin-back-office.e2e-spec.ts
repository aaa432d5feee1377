import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@app/config';
import { PROJECT_ROOT } from '@app/database';
import { standaloneServerCommands } from '@app/server-commands';
import { adminTestbed } from '../support/admin-testbed';

const EXAMPLE = join(__dirname, '..', '..', 'examples', 'inventory.example.json');

/**
 * The back office from the command line, on the example fleet: location 28, instance type 229, servers
 * 257437 and 257438 Available and 257439 isolated; client 32345 whose EXAMPLE-CONTRACT-1 commits 2.
 */
describe('Admin command line: reports, clients, contracts, servers', () => {
  const bed = adminTestbed();
  const { admin, json } = bed;

  beforeAll(() => {
    expect(admin('inventory', 'import', EXAMPLE).status).toBe(0);
  });

  it('reports capacity as an aligned table and as JSON', () => {
    const [pool] = json('report', 'capacity', '--instance-type', '229');
    expect(pool).toMatchObject({
      locationId: 28,
      instanceTypeId: 229,
      servers: { available: 2, allocated: 0, baselining: 0, isolated: 1, quarantined: 0, retired: 0 },
      committed: 2,
      committedInUse: 0,
      reserved: 2,
      onDemandInUse: 0,
      onDemandHeadroom: 0,
    });
    const lines = admin('report', 'capacity', '--location', '28').stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^location\s+instance type\s+available\s+allocated/);
    expect(lines[1]).toMatch(/^-+\s+-+/);
    expect(lines[2]).toMatch(/^\s*28\s+229 bm7\.std\.8\s+2\s+0\s+0\s+1\s+0\s+0\s+2\s+0\s+2\s+0\s+0$/);
    expect(lines.every((line) => !line.includes('\u001b['))).toBe(true);
  });

  it('sets and lists clients', () => {
    expect(admin('client', 'set', '32346', '--name', 'Second customer', '--on-demand-limit', '4').stdout).toContain(
      'Created client 32346 Second customer, on-demand limit 4',
    );
    expect(json('client', 'set', '32346', '--name', 'Second customer', '--on-demand-limit', 'default')).toMatchObject({
      id: 32346,
      onDemandLimit: null,
    });
    const list = admin('client', 'list').stdout;
    expect(list).toMatch(/id\s+name\s+on-demand limit\s+on-demand in use/);
    expect(list).toMatch(/32346\s+Second customer\s+default\s+0/);
  });

  it('creates, changes, ends, lists and shows contracts, each change audited', async () => {
    expect(
      json('contract', 'create', 'SECOND-1', '--client', '32346', '--starts', '2026-01-01', '--commit', '28:229:1')
        .contract,
    ).toMatchObject({
      contractId: 'SECOND-1',
      clientId: 32346,
      commitments: [{ locationId: 28, instanceTypeId: 229, quantity: 1, inUse: 0 }],
    });
    expect(json('contract', 'update', 'SECOND-1', '--commit', '28:229:0').contract.commitments).toEqual([
      { locationId: 28, instanceTypeId: 229, quantity: 0, inUse: 0 },
    ]);
    expect(json('contract', 'end', 'SECOND-1').contract.active).toBe(false);
    expect(admin('contract', 'list', '--client', '32346').stdout).toMatch(
      /SECOND-1\s+32346\s+2026-01-01T00:00:00.000Z\s+\S+\s+no\s+28:229:0 \(0 in use\)/,
    );
    const shown = json('contract', 'show', 'SECOND-1');
    expect(shown.history.map((h: { action: string; actor: string }) => h.action)).toEqual([
      'updated',
      'updated',
      'created',
    ]);
    expect(shown.history[0].actor).toMatch(/^admin-cli:/);
    expect(await bed.prisma.auditEntry.count({ where: { entity: 'client', entityId: '32346' } })).toBe(2);
  });

  it('prints failures with --json on stderr as {"error": ...} and exits non-zero', () => {
    const duplicate = admin(
      '--json',
      'contract',
      'create',
      'EXAMPLE-CONTRACT-1',
      '--client',
      '32345',
      '--starts',
      '2026-01-01',
    );
    expect(duplicate.status).toBe(1);
    expect(duplicate.stdout).toBe('');
    expect(JSON.parse(duplicate.stderr)).toEqual({
      error: { code: 'CONTRACT_EXISTS', message: expect.any(String), details: { contractId: 'EXAMPLE-CONTRACT-1' } },
    });
    const missing = admin('report', 'client', '999999');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('Client 999999 does not exist');
  });

  it('adds a server through Back to Baseline, describes it, and retires another', async () => {
    expect(
      json(
        'server',
        'add',
        '--id',
        '257440',
        '--hostname',
        'server257440.fra.example.net',
        '--location',
        '28',
        '--instance-type',
        '229',
        '--rack',
        'FRA1:01',
      ),
    ).toEqual([expect.objectContaining({ id: 257440, status: 'baselining' })]);
    expect(json('server', 'edit', '257440', '--rack', 'FRA1:02')).toMatchObject({
      rack: 'FRA1:02',
      status: 'baselining',
    });
    const refused = admin(
      'server',
      'add',
      '--id',
      '257441',
      '--hostname',
      'server257440.fra.example.net',
      '--location',
      '28',
      '--instance-type',
      '229',
    );
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('server257440.fra.example.net is the hostname of server 257440');
    const retire = (...extra: string[]) =>
      json('server', 'retire', '257439', '--reason', 'PSU beyond repair', ...extra);
    expect(admin('server', 'retire', '257439', '--reason', 'x', '--disposal', 'burnt').stderr).toContain('burnt');
    expect(retire('--disposal', 'disksDestroyed').server.status).toBe('retired');
    expect((await bed.prisma.server.findUniqueOrThrow({ where: { id: 257439 } })).status).toBe('retired');
    expect(admin('server', 'retire', '257439', '--reason', 'again').stderr).toContain('retire is not allowed');
  });

  it('exports and imports back a fleet with allocated, isolated and quarantined servers, touching no lifecycle', async () => {
    await bed.prisma.sql.rows(
      `SELECT * FROM "allocate_servers"(28, 229, 32345, 'EXAMPLE-CONTRACT-1', false, 1, 'none', now()::timestamp, 'test', 10, NULL, NULL, NULL, NULL, NULL)`,
    );
    const { commands } = standaloneServerCommands(bed.prisma, loadConfig({}, PROJECT_ROOT));
    await commands.isolate(257438, { subState: 'maintenance' }, { name: 'test' });
    await commands.quarantine(257438, { name: 'test' });
    const before = await bed.prisma.server.findMany({
      orderBy: { id: 'asc' },
      select: { id: true, status: true, currentAllocationId: true, quarantinedFrom: true, subState: true },
    });
    expect(before.map((s) => s.status)).toEqual(['allocated', 'quarantined', 'retired', 'baselining']);

    const file = join(bed.dir, 'fleet.json');
    expect(admin('inventory', 'export', '--out', file).status).toBe(0);
    const imported = admin('inventory', 'import', file);
    expect(imported.stderr).not.toContain('Error');
    expect(imported.status).toBe(0);
    expect(
      await bed.prisma.server.findMany({
        orderBy: { id: 'asc' },
        select: { id: true, status: true, currentAllocationId: true, quarantinedFrom: true, subState: true },
      }),
    ).toEqual(before);

    const exported = JSON.parse(readFileSync(file, 'utf8'));
    exported.servers.push({
      id: 257499,
      hostname: 'new.fra.example.net',
      locationId: 28,
      instanceTypeId: 229,
      status: 'allocated',
    });
    writeFileSync(file, JSON.stringify(exported));
    const refused = admin('inventory', 'import', file);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(
      'a new server can be loaded as available, baselining, isolated; allocated only comes from the server commands',
    );
  });

  it('reports a client and its allocations for billing', () => {
    expect(json('report', 'client', '32345')).toMatchObject({
      clientId: 32345,
      contracts: [
        {
          contractId: 'EXAMPLE-CONTRACT-1',
          active: true,
          pools: [{ locationId: 28, instanceTypeId: 229, committed: 2, used: 1, free: 1 }],
        },
      ],
      onDemand: { used: 0, limit: 10 },
    });
    const [allocation] = json('report', 'allocations', '32345', '--state', 'open');
    expect(allocation).toMatchObject({
      serverId: 257437,
      quota: 'COMMITTED',
      contractId: 'EXAMPLE-CONTRACT-1',
      billable: true,
    });
    expect(admin('report', 'allocations', '32345', '--from', 'tomorrow').status).not.toBe(0);
  });
});
