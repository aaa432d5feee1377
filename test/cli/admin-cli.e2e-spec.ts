import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { adminTestbed } from '../support/admin-testbed';

const EXAMPLE = join(__dirname, '..', '..', 'examples', 'inventory.example.json');

describe('Admin command line (npm run admin -- ...)', () => {
  const bed = adminTestbed();
  const { admin, json } = bed;

  describe('api-key', () => {
    it('creates a key, shows its secret once, lists it without the secret, and revokes it', () => {
      const created = json(
        'api-key',
        'create',
        '--name',
        'metalworks',
        '--scopes',
        'server:available,server:isolate',
        '--expires-in',
        '90d',
      );
      expect(created).toMatchObject({
        name: 'metalworks',
        scopes: ['server:available', 'server:isolate'],
        revokedAt: null,
      });
      expect(created.secret).toMatch(/^bmk_[A-Za-z0-9_-]{43}$/);
      expect(Date.parse(created.expiresAt) - Date.now()).toBeGreaterThan(89 * 86_400_000);

      const listed = json('api-key', 'list');
      expect(listed).toContainEqual(
        expect.objectContaining({ id: created.id, name: 'metalworks', prefix: created.secret.slice(0, 10) }),
      );
      expect(JSON.stringify(listed)).not.toContain(created.secret);

      expect(json('api-key', 'revoke', String(created.id)).revokedAt).not.toBeNull();
    });

    it('refuses unknown scopes, bad durations and unknown ids with a message and a non-zero exit', () => {
      const unknownScope = admin('api-key', 'create', '--name', 'x', '--scopes', 'server:allocate,root');
      expect(unknownScope.status).toBe(1);
      expect(unknownScope.stderr).toContain('Unknown scopes: root');
      const badDuration = admin('api-key', 'create', '--name', 'x', '--scopes', 'admin', '--expires-in', 'soon');
      expect(badDuration.status).not.toBe(0);
      expect(badDuration.stderr).toContain('expected a duration such as 90d');
      const unknownId = admin('api-key', 'revoke', '999999');
      expect(unknownId.status).toBe(1);
      expect(unknownId.stderr).toContain('API key 999999 does not exist');
    });

    it('has --help on every command', () => {
      for (const command of [
        [],
        ['api-key'],
        ['api-key', 'create'],
        ['inventory', 'import'],
        ['inventory', 'export'],
        ['db', 'migrate'],
      ]) {
        const help = admin(...command, '--help');
        expect(help.status).toBe(0);
        expect(help.stdout).toContain('Usage: admin');
      }
    });
  });

  describe('inventory import', () => {
    it('imports the example file, and importing it again changes nothing', async () => {
      expect(json('inventory', 'import', EXAMPLE).imported).toEqual({
        locations: 1,
        instanceTypes: 1,
        servers: 3,
        clients: 1,
        contracts: 1,
      });
      const before = await bed.prisma.server.findMany({ orderBy: { id: 'asc' }, omit: { updatedAt: true } });
      expect(admin('inventory', 'import', EXAMPLE).status).toBe(0);
      expect(await bed.prisma.server.findMany({ orderBy: { id: 'asc' }, omit: { updatedAt: true } })).toEqual(before);
      expect(before.map((s) => [s.id, s.status, s.subState])).toEqual([
        [257437, 'available', null],
        [257438, 'available', null],
        [257439, 'isolated', 'brokenHardware'],
      ]);
      expect(await bed.prisma.contractCommitment.findMany()).toEqual([
        { contractId: 'EXAMPLE-CONTRACT-1', locationId: 28, instanceTypeId: 229, quantity: 2, inUse: 0 },
      ]);
    });

    it('reports every bad record, which field and why, and writes nothing', async () => {
      expect(admin('inventory', 'import', EXAMPLE).status).toBe(0);
      const file = join(bed.dir, 'bad.json');
      writeFileSync(
        file,
        JSON.stringify({
          servers: [
            { id: 900001, hostname: 'ok.example', locationId: 28, instanceTypeId: 229 },
            { id: -5, hostname: 'neg.example', locationId: 28, instanceTypeId: 229 },
            { id: 900002, hostname: 'lost.example', locationId: 77, instanceTypeId: 229 },
            { id: 900003, hostname: 'taken.example', locationId: 28, instanceTypeId: 229, status: 'allocated' },
            {
              id: 900004,
              hostname: 'server257437.fra.example.net',
              locationId: 28,
              instanceTypeId: 229,
              colour: 'red',
            },
          ],
          contracts: [
            {
              contractId: 'lower-case',
              clientId: 32345,
              startsAt: '2026-01-01T00:00:00Z',
              commitments: [{ locationId: 28, instanceTypeId: 229, quantity: -1 }],
            },
          ],
        }),
      );
      const serversBefore = await bed.prisma.server.count();
      const result = admin('--json', 'inventory', 'import', file);
      expect(result.status).toBe(1);
      const { problems } = JSON.parse(result.stderr).error.details;
      expect(problems).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            record: 'servers[1]',
            field: 'id',
            problem: 'must be an integer from 1 to 2147483647',
          }),
          expect.objectContaining({ record: 'servers[2]', id: 900002, field: 'locationId' }),
          expect.objectContaining({ record: 'servers[3]', id: 900003, field: 'status' }),
          expect.objectContaining({
            record: 'servers[4]',
            id: 900004,
            field: 'colour',
            problem: 'is not a field of this record',
          }),
          expect.objectContaining({ record: 'contracts[0]', field: 'contractId' }),
        ]),
      );
      expect(problems.filter((p: { record: string }) => p.record === 'servers[0]')).toEqual([]);
      expect(await bed.prisma.server.count()).toBe(serversBefore);

      const text = admin('inventory', 'import', file);
      expect(text.stderr).toContain('nothing was imported');
      expect(text.stderr).toContain(
        'servers[2] (900002) locationId: location 77 is neither in the file nor in the inventory',
      );
    });

    it('rejects a file that is not JSON', () => {
      const file = join(bed.dir, 'broken.json');
      writeFileSync(file, '{ "servers": [');
      const result = admin('inventory', 'import', file);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('is not valid JSON');
    });
  });

  describe('inventory export', () => {
    it('writes the import format, which imports back unchanged', async () => {
      expect(admin('inventory', 'import', EXAMPLE).status).toBe(0);
      const file = join(bed.dir, 'export.json');
      expect(admin('inventory', 'export', '--out', file).status).toBe(0);
      const exported = JSON.parse(readFileSync(file, 'utf8'));
      expect(exported.servers.find((s: { id: number }) => s.id === 257439)).toEqual({
        id: 257439,
        hostname: 'server257439.fra.example.net',
        locationId: 28,
        instanceTypeId: 229,
        rack: 'FRA1:01:002160:0411',
        serviceTag: 'EX257439',
        status: 'isolated',
        subState: 'brokenHardware',
        isolationReason: 'PSU failure',
      });
      expect(json('inventory', 'import', file).imported.servers).toBe(exported.servers.length);
    });
  });

  describe('hook', () => {
    it('adds, lists, disables, enables and removes a hook, and lists and replays dead letters', async () => {
      const added = json(
        'hook',
        'add',
        '--name',
        'metalworks',
        '--url',
        'http://127.0.0.1:9/hooks',
        '--events',
        'server.baseline.requested',
      );
      expect(added).toMatchObject({
        name: 'metalworks',
        url: 'http://127.0.0.1:9/hooks',
        eventTypes: ['server.baseline.requested'],
        enabled: true,
      });
      expect(added.secret).toMatch(/^whsec_/);
      expect(json('hook', 'list')).toEqual([expect.not.objectContaining({ secret: expect.anything() })]);
      expect(json('hook', 'disable', String(added.id)).enabled).toBe(false);
      expect(json('hook', 'enable', String(added.id)).enabled).toBe(true);

      const event = await bed.prisma.outboxEvent.create({
        data: {
          id: '11111111-1111-4111-8111-111111111111',
          type: 'server.baseline.requested',
          serverId: 257437,
          payload: {},
        },
      });
      // The outbox's trigger queued its delivery; it is made a dead letter here.
      const dead = await bed.prisma.hookDelivery.update({
        where: { hookId_eventId: { hookId: added.id, eventId: event.id } },
        data: { state: 'dead', attempts: 12, lastError: 'no success after 12 attempts' },
      });
      expect(json('hook', 'deliveries', '--state', 'dead')).toEqual([
        expect.objectContaining({ id: dead.id.toString(), state: 'dead', hookName: 'metalworks' }),
      ]);
      expect(admin('hook', 'replay', dead.id.toString()).status).toBe(0);
      expect(await bed.prisma.hookDelivery.findUniqueOrThrow({ where: { id: dead.id } })).toMatchObject({
        state: 'pending',
        attempts: 0,
      });
      const again = admin('hook', 'replay', dead.id.toString());
      expect(again.status).toBe(1);
      expect(again.stderr).toContain('only dead-lettered deliveries are replayed');

      expect(admin('hook', 'remove', String(added.id)).status).toBe(0);
      expect(json('hook', 'list')).toEqual([]);
      expect(admin('hook', 'add', '--name', 'x', '--url', 'gopher://nope').stderr).toContain('http or https');
    });
  });
});
