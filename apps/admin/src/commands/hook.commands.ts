import type { Actor } from '@app/database';
import { Command, InvalidArgumentError } from 'commander';
import { DeliveryState } from '@app/database';
import { DeliveryView, HooksService, HookTargetPolicy, HookView } from '@app/events';
import { AdminContext } from '../admin-context';
import { table } from '../table';
import { positiveInt } from './arguments';

function describe(hook: HookView): string {
  return `#${hook.id} ${hook.name} ${hook.enabled ? 'enabled' : 'disabled'} → ${hook.url} (${hook.eventTypes.length ? hook.eventTypes.join(',') : 'all events'})`;
}

function describeDelivery(d: DeliveryView): string {
  return `#${d.id} ${d.state} ${d.eventType} server ${d.serverId} → ${d.hookName}, ${d.attempts} attempt(s)${d.lastStatus ? `, last answer ${d.lastStatus}` : ''}${d.lastError ? `: ${d.lastError}` : ''}`;
}

function deliveryState(text: string): DeliveryState {
  if (!Object.values(DeliveryState).includes(text as DeliveryState))
    throw new InvalidArgumentError(`expected one of ${Object.values(DeliveryState).join(', ')}`);
  return text as DeliveryState;
}

export function hookCommands(context: AdminContext): Command {
  const hook = new Command('hook').description(
    'Event hooks: who receives events (docs/events.md), and the dead letters',
  );
  const run = (work: (hooks: HooksService, actor: Actor) => ReturnType<Parameters<AdminContext['run']>[0]>) =>
    context.run(({ prisma, config, databaseUrl, actor }) =>
      work(new HooksService(prisma, HookTargetPolicy.fromConfig(config.hookAllowedTargets, databaseUrl)), actor),
    );

  hook
    .command('add')
    .description('Subscribe a URL to events (replaces the hook of the same name); prints the signing secret once')
    .requiredOption('--name <name>', 'unique name, e.g. metalworks')
    .requiredOption('--url <url>', 'where deliveries are POSTed')
    .option('--events <list>', 'comma-separated event types; all when absent', (v: string) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .option('--secret <secret>', 'signing secret shared with the receiver; generated when absent')
    .action((options: { name: string; url: string; events?: string[]; secret?: string }) =>
      run(async (hooks, actor) => {
        const { hook: created, secret } = await hooks.put(
          {
            name: options.name,
            url: options.url,
            eventTypes: options.events,
            secret: options.secret,
          },
          actor,
        );
        return {
          data: { ...created, secret },
          text: `${describe(created)}\nSigning secret (shown only now):\n${secret}`,
        };
      }),
    );

  hook
    .command('list')
    .description('List hooks')
    .action(() =>
      run(async (hooks) => {
        const all = await hooks.list();
        const text = table(
          all,
          [
            ['id', (h) => h.id],
            ['name', (h) => h.name],
            ['state', (h) => (h.enabled ? 'enabled' : 'disabled')],
            ['url', (h) => h.url],
            ['events', (h) => (h.eventTypes.length ? h.eventTypes.join(',') : 'all')],
          ],
          'No hooks.',
        );
        return { data: all, text };
      }),
    );

  hook
    .command('remove')
    .description('Remove a hook and its deliveries')
    .argument('<id>', 'hook id', positiveInt)
    .action((id: number) =>
      run(async (hooks, actor) => {
        const removed = await hooks.remove(id, actor);
        return { data: removed, text: `Removed ${describe(removed)}` };
      }),
    );

  for (const [name, enabled] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    hook
      .command(name)
      .description(enabled ? 'Resume deliveries to a hook' : 'Stop deliveries to a hook (pending ones wait)')
      .argument('<id>', 'hook id', positiveInt)
      .action((id: number) =>
        run(async (hooks, actor) => {
          const changed = await hooks.setEnabled(id, enabled, actor);
          return { data: changed, text: describe(changed) };
        }),
      );
  }

  hook
    .command('deliveries')
    .description('List deliveries, newest first (--state dead: the dead letters)')
    .option('--state <state>', 'pending, delivered or dead', deliveryState)
    .option('--hook <id>', 'only to this hook', positiveInt)
    .option('--limit <n>', 'at most this many', positiveInt, 50)
    .action((options: { state?: DeliveryState; hook?: number; limit: number }) =>
      run(async (hooks) => {
        const page = await hooks.deliveries(
          { state: options.state, hookId: options.hook },
          { start: 0, results: options.limit },
        );
        return {
          data: page.items,
          text: page.items.length
            ? `${page.items.map(describeDelivery).join('\n')}\n(${page.items.length} of ${page.total})`
            : 'No deliveries.',
        };
      }),
    );

  hook
    .command('replay')
    .description('Queue a dead-lettered delivery again')
    .argument('<id>', 'delivery id', positiveInt)
    .action((id: number) =>
      run(async (hooks, actor) => {
        await hooks.replay(BigInt(id), actor);
        return { data: { replayed: String(id) }, text: `Delivery ${id} queued again` };
      }),
    );

  return hook;
}
