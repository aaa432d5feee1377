import { Command, Option } from 'commander';
import { ServerDescriptions } from '@app/inventory';
import { NewServer, standaloneServerCommands } from '@app/server-commands';
import { AdminContext } from '../admin-context';
import { listProblems, readJson } from '../file-input';
import { table } from '../table';
import { positiveInt } from './arguments';

/** A file of servers: `{"servers": [...]}` or the list itself. */
async function serversFile(file: string): Promise<NewServer[]> {
  const parsed = (await readJson(file)) as { servers?: NewServer[] } | NewServer[];
  return Array.isArray(parsed) ? parsed : (parsed.servers ?? []);
}

export function serverCommands(context: AdminContext): Command {
  const server = new Command('server').description('Servers: add (through Back to Baseline), describe, retire');

  server
    .command('add')
    .description('Add a server (or --file with {"servers": [...]}, all or none); it enters through Back to Baseline')
    .option('--file <file>', 'JSON file of servers, the inventory format without status')
    .option('--id <id>', 'server id', positiveInt)
    .option('--hostname <name>', 'host name')
    .option('--location <id>', 'location', positiveInt)
    .option('--instance-type <id>', 'instance type', positiveInt)
    .option('--rack <rack>', 'rack')
    .option('--service-tag <tag>', 'service tag')
    .action(
      (options: {
        file?: string;
        id?: number;
        hostname?: string;
        location?: number;
        instanceType?: number;
        rack?: string;
        serviceTag?: string;
      }) =>
        context.run(async ({ prisma, actor, config }) => {
          const servers = options.file
            ? await serversFile(options.file)
            : [
                {
                  id: options.id!,
                  hostname: options.hostname!,
                  locationId: options.location!,
                  instanceTypeId: options.instanceType!,
                  rack: options.rack ?? null,
                  serviceTag: options.serviceTag ?? null,
                },
              ];
          const added = await standaloneServerCommands(prisma, config)
            .adder.execute(servers, actor)
            .catch(listProblems);
          return {
            data: added,
            text: table(added, [
              ['id', (s) => s.id],
              ['hostname', (s) => s.hostname],
              ['status', (s) => s.status],
            ]),
          };
        }),
    );

  server
    .command('edit')
    .description('Change what describes a server (never its lifecycle)')
    .argument('<id>', 'server id', positiveInt)
    .option('--hostname <name>', 'host name')
    .option('--rack <rack>', 'rack')
    .option('--service-tag <tag>', 'service tag')
    .action((id: number, options: { hostname?: string; rack?: string; serviceTag?: string }) =>
      context.run(async ({ prisma, actor }) => {
        const view = await new ServerDescriptions(prisma).describe(id, options, actor);
        return {
          data: view,
          text: `Server ${view.id} ${view.hostname}, rack ${view.rack ?? '-'}, service tag ${view.serviceTag ?? '-'} (${view.status})`,
        };
      }),
    );

  server
    .command('retire')
    .description(
      'The server leaves the fleet for good: at once when Available; after a final wipe when isolated; marked to retire when in use',
    )
    .argument('<id>', 'server id', positiveInt)
    .requiredOption('--reason <reason>', 'why')
    .addOption(
      new Option('--disposal <disposal>', 'wiped, or disksDestroyed: an isolated server is retired without a wipe')
        .choices(['wiped', 'disksDestroyed'])
        .default('wiped'),
    )
    .action((id: number, options: { reason: string; disposal: 'wiped' | 'disksDestroyed' }) =>
      context.run(async ({ prisma, actor, config }) => {
        const result = await standaloneServerCommands(prisma, config).commands.retire(id, options, actor);
        return { data: result, text: result.message };
      }),
    );

  return server;
}
