import { Command, InvalidArgumentError } from 'commander';
import { ClientsService, ClientView } from '@app/contracts';
import { AdminContext } from '../admin-context';
import { Column, table } from '../table';
import { nonNegativeInt, positiveInt } from './arguments';

const EVERYTHING = { start: 0, results: 100_000 };

export const CLIENT_COLUMNS: Column<ClientView>[] = [
  ['id', (c) => c.id],
  ['name', (c) => c.name],
  ['on-demand limit', (c) => c.onDemandLimit ?? 'default'],
  ['on-demand in use', (c) => c.onDemandInUse],
];

/** `default` stays text: commander turns a parser's null into an empty string. */
function limit(text: string): number | 'default' {
  if (text === 'default') return text;
  try {
    return nonNegativeInt(text);
  } catch {
    throw new InvalidArgumentError('expected an integer of at least 0, or default');
  }
}

export function clientCommands(context: AdminContext): Command {
  const client = new Command('client').description('Clients: create, update, list (every change audited)');

  client
    .command('set')
    .description('Create the client, or update its name and on-demand limit')
    .argument('<id>', 'client id', positiveInt)
    .requiredOption('--name <name>', 'client name')
    .option('--on-demand-limit <n>', 'on-demand servers it may hold at once, or default (the service default)', limit)
    .action((id: number, options: { name: string; onDemandLimit?: number | 'default' }) =>
      context.run(async ({ prisma, actor }) => {
        const onDemandLimit = options.onDemandLimit === 'default' ? null : options.onDemandLimit;
        const { client: saved, created } = await new ClientsService(prisma).put(
          id,
          { name: options.name, onDemandLimit },
          actor,
        );
        return {
          data: saved,
          text: `${created ? 'Created' : 'Updated'} client ${saved.id} ${saved.name}, on-demand limit ${saved.onDemandLimit ?? 'default'}`,
        };
      }),
    );

  client
    .command('list')
    .description('List clients')
    .action(() =>
      context.run(async ({ prisma }) => {
        const { items } = await new ClientsService(prisma).list(EVERYTHING);
        return { data: items, text: table(items, CLIENT_COLUMNS, 'No clients.') };
      }),
    );

  return client;
}
