import { adminTestbed, EXAMPLE_INVENTORY } from '../support/admin-testbed';

/**
 * A maintenance from the command line, on the example fleet: location 28, pool 229 with 257437 and 257438 Available
 * (one rack each) and 257439 isolated; EXAMPLE-CONTRACT-1 commits 2 of the pool, so both Available servers are reserved.
 */
describe('Admin command line: maintenances', () => {
  const bed = adminTestbed();
  const { admin, json } = bed;
  const rack = ['--location', '28', '--rack', 'FRA1:01:002160:0409', '--reason', 'PDU swap', '--then', 'return'];

  beforeAll(() => {
    expect(admin('inventory', 'import', EXAMPLE_INVENTORY).status).toBe(0);
  });

  it('plans a maintenance with its guarantee check, refuses the shortfall, starts it with --force, shows and ends it', async () => {
    const plan = admin('maintenance', 'plan', ...rack);
    expect(plan.status).toBe(0);
    expect(plan.stdout).toContain('Dry run: 1 servers would be taken (1 at once); nothing changed');
    expect(plan.stdout).toMatch(
      /location\s+instance type\s+selected\s+available\s+isolated now\s+left\s+reserved\s+shortfall/,
    );
    expect(plan.stdout).toMatch(/28\s+229\s+1\s+2\s+1\s+1\s+2\s+1/);

    const refused = admin('maintenance', 'start', ...rack);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('pool 229 short of 1');
    expect(await bed.prisma.maintenance.count()).toBe(0);

    const started = json('maintenance', 'start', ...rack, '--force');
    expect(started).toMatchObject({ changed: true, forced: true, servers: [{ id: 257437, then: 'isolatedNow' }] });
    const again = admin('maintenance', 'start', '--servers', '257437,257439', '--reason', 'x', '--then', 'retire');
    expect(again.status).toBe(1);
    expect(again.stderr).toContain(`server 257437 (maintenance ${started.maintenanceId})`);

    expect(admin('maintenance', 'list', '--state', 'open').stdout).toMatch(
      new RegExp(`${started.maintenanceId}\\s+PDU swap\\s+return\\s+1`),
    );
    expect(admin('maintenance', 'show', String(started.maintenanceId)).stdout).toMatch(
      /257437\s+\S+\s+FRA1:01:002160:0409\s+available\s+isolated\s+maintenance\s+yes/,
    );
    expect(admin('maintenance', 'end', String(started.maintenanceId)).stdout).toContain(
      `Maintenance ${started.maintenanceId} ended: 1 servers sent through Back to Baseline`,
    );
    expect((await bed.prisma.server.findUniqueOrThrow({ where: { id: 257437 } })).status).toBe('baselining');
    expect(admin('db', 'check').stdout).toContain('Every invariant holds.');
  });

  it('says what is wrong with a selection', () => {
    expect(admin('maintenance', 'plan', '--reason', 'x', '--then', 'return').stderr).toContain(
      'needs serverIds, or a locationId',
    );
    expect(admin('maintenance', 'plan', '--servers', '1,x', '--reason', 'x', '--then', 'return').stderr).toContain(
      'comma-separated server ids',
    );
    expect(
      admin('maintenance', 'plan', ...rack.slice(0, 2), '--rack', 'NOPE', '--reason', 'x', '--then', 'return').stderr,
    ).toContain('No server of location 28 is in rack NOPE');
    expect(admin('maintenance', 'plan', '--location', '28', '--reason', 'x', '--then', 'later').stderr).toContain(
      'later',
    );
  });
});
