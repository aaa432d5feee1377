import { Command, InvalidArgumentError, Option } from 'commander';
import type { Actor } from '@app/database';
import { MaintenanceRepository, MaintenanceService, MaintenanceStarted, Selector } from '@app/maintenance';
import { AdminContext, CommandResult } from '../admin-context';
import { table } from '../table';
import { positiveInt } from './arguments';

interface SelectionOptions {
  servers?: number[];
  location?: number;
  rack?: string;
  instanceType?: number;
  reason: string;
  then: 'return' | 'retire';
  force?: boolean;
}

function serverIds(text: string): number[] {
  const ids = text.split(',').map((s) => s.trim());
  if (!ids.every((id) => /^\d+$/.test(id) && Number(id) >= 1))
    throw new InvalidArgumentError('expected comma-separated server ids, e.g. 101,102');
  return ids.map(Number);
}

function selectorOf(options: SelectionOptions): Selector {
  return {
    ...(options.servers && { serverIds: options.servers }),
    ...(options.location !== undefined && { locationId: options.location }),
    ...(options.rack !== undefined && { rack: options.rack }),
    ...(options.instanceType !== undefined && { instanceTypeId: options.instanceType }),
  };
}

function describePlan(plan: MaintenanceStarted): string {
  const pools = table(plan.pools, [
    ['location', (p) => p.locationId],
    ['instance type', (p) => p.instanceTypeId],
    ['selected', (p) => p.selected],
    ['available', (p) => p.available],
    ['isolated now', (p) => p.isolatedNow],
    ['left', (p) => p.availableLeft],
    ['reserved', (p) => p.reserved],
    ['shortfall', (p) => p.shortfall],
  ]);
  const servers = table(plan.servers, [
    ['server', (s) => s.id],
    ['hostname', (s) => s.hostname],
    ['rack', (s) => s.rack],
    ['status', (s) => s.status],
    ['then', (s) => s.then],
  ]);
  return `${plan.message}\n\nGuarantee check:\n${pools}\n\n${servers}`;
}

/** Selecting options shared by plan and start. */
function withSelection(command: Command): Command {
  return command
    .option('--servers <ids>', 'these servers (comma-separated ids)', serverIds)
    .option('--location <id>', 'a location: all of it, or with --rack or --instance-type', positiveInt)
    .option('--rack <rack>', 'a rack of the location')
    .option('--instance-type <id>', 'an instance type of the location: its pool', positiveInt)
    .requiredOption('--reason <reason>', "why (shown in each server's history)")
    .addOption(
      new Option(
        '--then <outcome>',
        'when it ends: return (wiped, back to clients) or retire (wiped, out of the fleet)',
      )
        .choices(['return', 'retire'])
        .makeOptionMandatory(),
    );
}

export function maintenanceCommands(context: AdminContext): Command {
  const maintenance = new Command('maintenance').description(
    'Maintenances of a rack, a pool or a list of servers, with the guarantee check (docs/operations.md)',
  );
  const run = (work: (service: MaintenanceService, actor: Actor) => Promise<CommandResult>) =>
    context.run(({ prisma, actor }) => work(new MaintenanceService(new MaintenanceRepository(prisma)), actor));
  const start = (options: SelectionOptions, dryRun: boolean) =>
    run(async (service, actor) => {
      const plan = await service.start(
        { selector: selectorOf(options), reason: options.reason, then: options.then, force: !!options.force, dryRun },
        actor,
      );
      return { data: plan, text: describePlan(plan) };
    });

  withSelection(maintenance.command('plan'))
    .description('The plan and the guarantee check of a maintenance, without starting it (nothing is written)')
    .action((options: SelectionOptions) => start(options, true));

  withSelection(maintenance.command('start'))
    .description('Start a maintenance: refused when it would leave a commitment uncovered, unless --force')
    .option('--force', 'start it even so (a staff decision, recorded)')
    .action((options: SelectionOptions) => start(options, false));

  maintenance
    .command('list')
    .description('Maintenances, newest first')
    .addOption(new Option('--state <state>', 'only open or only ended ones').choices(['open', 'ended']))
    .action((options: { state?: 'open' | 'ended' }) =>
      run(async (service) => {
        const { items } = await service.list(options.state, { start: 0, results: 1000 });
        const text = table(
          items,
          [
            ['id', (m) => m.id],
            ['reason', (m) => m.reason],
            ['then', (m) => m.then],
            ['servers', (m) => m.servers],
            ['started', (m) => m.startedAt],
            ['by', (m) => m.startedBy],
            ['ended', (m) => m.endedAt],
          ],
          'No maintenances.',
        );
        return { data: items, text };
      }),
    );

  maintenance
    .command('show')
    .description('A maintenance and where each of its servers is now')
    .argument('<id>', 'maintenance id', positiveInt)
    .action((id: number) =>
      run(async (service) => {
        const detail = await service.show(id);
        const servers = table(detail.servers, [
          ['server', (s) => s.id],
          ['hostname', (s) => s.hostname],
          ['rack', (s) => s.rack],
          ['joined as', (s) => s.joinedAs],
          ['status', (s) => s.status],
          ['sub-state', (s) => s.subState],
          ['in it', (s) => (s.inMaintenance ? 'yes' : 'no')],
        ]);
        const state = detail.endedAt ? `ended ${detail.endedAt.toISOString()} by ${detail.endedBy}` : 'open';
        return {
          data: detail,
          text: `Maintenance ${detail.id} (${state}): ${detail.reason}; then ${detail.then}\n\n${servers}`,
        };
      }),
    );

  maintenance
    .command('end')
    .description('End a maintenance: its isolated servers go through Back to Baseline (then to Available or retired)')
    .argument('<id>', 'maintenance id', positiveInt)
    .action((id: number) =>
      run(async (service, actor) => {
        const ended = await service.end(id, actor);
        return { data: ended, text: ended.message };
      }),
    );

  return maintenance;
}
