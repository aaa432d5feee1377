import { Command, Option } from 'commander';
import { AllocatorClient, dataOf, Schemas } from '@app/client';
import { IsolationSubState } from '@app/database';
import { AdminContext } from '../admin-context';
import { table } from '../table';
import { positiveInt } from './arguments';

const DEFAULT_URL = process.env.ALLOCATOR_URL ?? 'http://127.0.0.1:3000';

type CommandResult = Schemas['CommandResultDto'];
type IsolateOptions = { subState: Schemas['IsolateServerDto']['subState']; reason?: string };

/** The server commands staff run from scripts, each one call of the API. */
const SERVER_COMMAND_CALLS: {
  name: string;
  description: string;
  call: (client: AllocatorClient, serverId: number, options: IsolateOptions) => Promise<CommandResult>;
}[] = [
  {
    name: 'isolate',
    description: 'Isolate a server (its allocation ends): faulty, or needed for maintenance',
    call: (client, serverId, { subState, reason }) =>
      dataOf(
        client.POST('/api/server/{serverId}/isolate', { params: { path: { serverId } }, body: { subState, reason } }),
      ),
  },
  {
    name: 'unisolate',
    description: 'Take a server out of isolation: Back to Baseline follows',
    call: (client, serverId) =>
      dataOf(client.DELETE('/api/server/{serverId}/isolate', { params: { path: { serverId } } })),
  },
  {
    name: 'available',
    description: 'Mark a server in Back to Baseline Available',
    call: (client, serverId) =>
      dataOf(client.POST('/api/server/{serverId}/available', { params: { path: { serverId } } })),
  },
  {
    name: 'quarantine',
    description: 'Freeze a server as it is, for an investigation',
    call: (client, serverId) =>
      dataOf(client.POST('/api/server/{serverId}/quarantine', { params: { path: { serverId } } })),
  },
  {
    name: 'unquarantine',
    description: 'Lift a quarantine: back to the state it was frozen in',
    call: (client, serverId) =>
      dataOf(client.DELETE('/api/server/{serverId}/quarantine', { params: { path: { serverId } } })),
  },
];

/** fetch says only "fetch failed" when nothing answers: worded with the URL and the cause. */
function unreachable(url: string, error: unknown): Error {
  return error instanceof TypeError
    ? new Error(`Cannot reach ${url}: ${(error.cause as Error | undefined)?.message ?? error.message}`)
    : (error as Error);
}

async function instanceStatus(client: AllocatorClient, url: string) {
  try {
    const { data: health } = await client.GET('/health');
    const ready = await client.GET('/health/ready');
    const readiness = ready.data ?? ready.error;
    return {
      url,
      health: health?.status ?? 'down',
      database: health?.database ?? 'down',
      ready: readiness?.status ?? 'not-ready',
      reason: readiness?.reason ?? null,
    };
  } catch (error) {
    return { url, health: 'unreachable', database: null, ready: 'not-ready', reason: unreachable(url, error).message };
  }
}

export function serviceCommands(context: AdminContext): Command {
  const service = new Command('service').description(
    'A running allocator, over its API with the generated client (ALLOCATOR_URL, ALLOCATOR_API_KEY)',
  );
  const urlOption = () => new Option('--url <url>', 'where the service listens').default(DEFAULT_URL);

  service
    .command('status')
    .description('Health and readiness of running instances; exits 1 when one is not ready')
    .addOption(new Option('--url <url...>', 'the instances to ask').default([DEFAULT_URL]))
    .action(({ url: urls }: { url: string[] }) =>
      context.runOnService(async (connect) => {
        const instances = await Promise.all(urls.map((url) => instanceStatus(connect(url), url)));
        if (instances.some((i) => i.ready !== 'ready')) process.exitCode = 1;
        return {
          data: instances,
          text: table(instances, [
            ['URL', (i) => i.url],
            ['HEALTH', (i) => i.health],
            ['DATABASE', (i) => i.database],
            ['READY', (i) => i.ready],
            ['REASON', (i) => i.reason],
          ]),
        };
      }),
    );

  for (const command of SERVER_COMMAND_CALLS) {
    const sub = service
      .command(command.name)
      .description(`${command.description} (needs ALLOCATOR_API_KEY)`)
      .argument('<serverId>', 'server id', positiveInt)
      .addOption(urlOption());
    if (command.name === 'isolate') {
      sub
        .addOption(
          new Option('--sub-state <subState>', 'why').choices(Object.values(IsolationSubState)).makeOptionMandatory(),
        )
        .option('--reason <text>', 'for the audit trail and MetalWorks');
    }
    sub.action((serverId: number, options: IsolateOptions & { url: string }) =>
      context.runOnService(async (connect) => {
        const result = await command
          .call(connect(options.url), serverId, options)
          .catch((error: unknown) => Promise.reject(unreachable(options.url, error)));
        return { data: result, text: result.message };
      }),
    );
  }
  return service;
}
