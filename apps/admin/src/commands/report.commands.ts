import { Command, InvalidArgumentError } from 'commander';
import { CapacityRepository, CapacityService, PoolCapacity } from '@app/capacity';
import { AdminContext, AdminServices } from '../admin-context';
import { Column, table } from '../table';
import { positiveInt, timestamp } from './arguments';

const EVERYTHING = { start: 0, results: 100_000 };

const POOL_COLUMNS: Column<PoolCapacity>[] = [
  ['location', (p) => p.locationId],
  ['instance type', (p) => `${p.instanceTypeId} ${p.instanceTypeName}`],
  ['available', (p) => p.servers.available],
  ['allocated', (p) => p.servers.allocated],
  ['baselining', (p) => p.servers.baselining],
  ['isolated', (p) => p.servers.isolated],
  ['quarantined', (p) => p.servers.quarantined],
  ['retired', (p) => p.servers.retired],
  ['committed', (p) => p.committed],
  ['in use', (p) => p.committedInUse],
  ['reserved', (p) => p.reserved],
  ['on-demand', (p) => p.onDemandInUse],
  ['headroom', (p) => p.onDemandHeadroom],
];

function state(text: string): 'open' | 'ended' {
  if (text !== 'open' && text !== 'ended') throw new InvalidArgumentError('expected open or ended');
  return text;
}

export function reportCommands(context: AdminContext): Command {
  const report = new Command('report').description("Capacity and usage: pools, a client, a client's allocations");
  const run = (work: (capacity: CapacityService) => ReturnType<Parameters<AdminContext['run']>[0]>) =>
    context.run(({ prisma, config }: AdminServices) =>
      work(new CapacityService(new CapacityRepository(prisma), config)),
    );

  report
    .command('capacity')
    .description('One row per pool: servers by status, committed, in use, reserved, on-demand and its headroom')
    .option('--location <id>', 'only this location', positiveInt)
    .option('--instance-type <id>', 'only this instance type', positiveInt)
    .action((options: { location?: number; instanceType?: number }) =>
      run(async (capacity) => {
        const { items } = await capacity.pools(
          { locationId: options.location, instanceTypeId: options.instanceType },
          EVERYTHING,
        );
        return { data: items, text: table(items, POOL_COLUMNS, 'No pools.') };
      }),
    );

  report
    .command('client')
    .description('What a client commits, uses and has free per contract and pool; its on-demand use and limit')
    .argument('<clientId>', 'client id', positiveInt)
    .action((clientId: number) =>
      run(async (capacity) => {
        const client = await capacity.client(clientId);
        const rows = client.contracts.flatMap((c) => c.pools.map((p) => ({ ...p, contract: c })));
        const text = [
          `Client ${client.clientId} ${client.name}: on-demand ${client.onDemand.used} of ${client.onDemand.limit}`,
          table(
            rows,
            [
              ['contract', (r) => r.contract.contractId],
              ['active', (r) => (r.contract.active ? 'yes' : 'no')],
              ['until', (r) => r.contract.endsAt],
              ['location', (r) => r.locationId],
              ['instance type', (r) => r.instanceTypeId],
              ['committed', (r) => r.committed],
              ['used', (r) => r.used],
              ['free', (r) => r.free],
            ],
            'No contracts.',
          ),
        ].join('\n');
        return { data: client, text };
      }),
    );

  report
    .command('allocations')
    .description("A client's allocations overlapping a period, as billing reads them (compensated ones are not billed)")
    .argument('<clientId>', 'client id', positiveInt)
    .option('--from <date>', 'still open at or after', timestamp)
    .option('--to <date>', 'started before', timestamp)
    .option('--state <state>', 'open or ended', state)
    .action((clientId: number, options: { from?: Date; to?: Date; state?: 'open' | 'ended' }) =>
      run(async (capacity) => {
        const { items } = await capacity.allocations(clientId, options, EVERYTHING);
        return {
          data: items,
          text: table(
            items,
            [
              ['id', (a) => a.id],
              ['server', (a) => a.serverId],
              ['location', (a) => a.locationId],
              ['instance type', (a) => a.instanceTypeId],
              ['quota', (a) => a.quota],
              ['contract', (a) => a.contractId],
              ['started', (a) => a.startedAt],
              ['ended', (a) => a.endedAt],
              ['ended by', (a) => a.endedBy],
              ['billed', (a) => (a.billable ? 'yes' : 'no')],
            ],
            'No allocations.',
          ),
        };
      }),
    );

  return report;
}
