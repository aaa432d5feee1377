import type { Actor } from '@app/database';
import { Command } from 'commander';
import { CommitmentInput, ContractChangeResult, ContractsService, ContractView } from '@app/contracts';
import { AdminContext } from '../admin-context';
import { Column, table } from '../table';
import { commitment, positiveInt, timestamp } from './arguments';

const EVERYTHING = { start: 0, results: 100_000 };

const CONTRACT_COLUMNS: Column<ContractView>[] = [
  ['contract', (c) => c.contractId],
  ['client', (c) => c.clientId],
  ['from', (c) => c.startsAt],
  ['until', (c) => c.endsAt],
  ['active', (c) => (c.active ? 'yes' : 'no')],
  [
    'commitments',
    (c) => c.commitments.map((p) => `${p.locationId}:${p.instanceTypeId}:${p.quantity} (${p.inUse} in use)`).join(', '),
  ],
];

function describe({ contract, overcommitted }: ContractChangeResult): string {
  const warning = overcommitted.map(
    (o) =>
      `  pool ${o.locationId}:${o.instanceTypeId} holds ${o.inUse}, commits ${o.committed}: nothing was taken away`,
  );
  return [table([contract], CONTRACT_COLUMNS), ...(warning.length ? ['Overcommitted:', ...warning] : [])].join('\n');
}

const COMMIT_HELP = 'a commitment LOCATION:INSTANCE_TYPE:QUANTITY (repeat for each pool)';

export function contractCommands(context: AdminContext): Command {
  const contract = new Command('contract').description(
    'Contracts: create, change, end, list, show (every change audited)',
  );
  const run = (work: (contracts: ContractsService, actor: Actor) => ReturnType<Parameters<AdminContext['run']>[0]>) =>
    context.run(({ prisma, actor }) => work(new ContractsService(prisma), actor));

  contract
    .command('create')
    .description('Create a contract of a client')
    .argument('<contractId>', 'contract id, e.g. MY-CONTRACT-2027')
    .requiredOption('--client <id>', 'the client (never changes)', positiveInt)
    .requiredOption('--starts <date>', 'valid from', timestamp)
    .option('--ends <date>', 'valid until; open-ended when absent', timestamp)
    .option('--commit <pool>', COMMIT_HELP, commitment, [] as CommitmentInput[])
    .action((contractId: string, options: { client: number; starts: Date; ends?: Date; commit: CommitmentInput[] }) =>
      run(async (contracts, actor) => {
        const result = await contracts.create(
          {
            contractId,
            clientId: options.client,
            startsAt: options.starts,
            endsAt: options.ends ?? null,
            commitments: options.commit,
          },
          actor,
        );
        return { data: result, text: describe(result) };
      }),
    );

  contract
    .command('update')
    .description(
      'Change its end and/or replace its commitments (lowering below what is in use is allowed: nothing is taken away)',
    )
    .argument('<contractId>', 'contract id')
    .option('--ends <date>', 'new end', timestamp)
    .option('--open-ended', 'no end')
    .option('--commit <pool>', `${COMMIT_HELP}; replaces all commitments`, commitment)
    .action((contractId: string, options: { ends?: Date; openEnded?: boolean; commit?: CommitmentInput[] }) =>
      run(async (contracts, actor) => {
        const result = await contracts.update(
          contractId,
          { endsAt: options.openEnded ? null : options.ends, commitments: options.commit },
          actor,
        );
        return { data: result, text: describe(result) };
      }),
    );

  contract
    .command('end')
    .description('End the contract now (or at --at); servers it holds stay with the client')
    .argument('<contractId>', 'contract id')
    .option('--at <date>', 'when; now when absent', timestamp)
    .action((contractId: string, options: { at?: Date }) =>
      run(async (contracts, actor) => {
        const result = await contracts.update(contractId, { endsAt: options.at ?? new Date() }, actor);
        return { data: result, text: describe(result) };
      }),
    );

  contract
    .command('list')
    .description('List contracts')
    .option('--client <id>', "only this client's", positiveInt)
    .action((options: { client?: number }) =>
      run(async (contracts) => {
        const { items } = await contracts.list({ clientId: options.client }, EVERYTHING);
        return { data: items, text: table(items, CONTRACT_COLUMNS, 'No contracts.') };
      }),
    );

  contract
    .command('show')
    .description('One contract and its history of changes')
    .argument('<contractId>', 'contract id')
    .action((contractId: string) =>
      run(async (contracts) => {
        const [shown, history] = [await contracts.get(contractId), await contracts.history(contractId, EVERYTHING)];
        const changes = table(
          history.items,
          [
            ['when', (h) => h.occurredAt],
            ['action', (h) => h.action],
            ['who', (h) => h.actor],
          ],
          'No changes.',
        );
        return {
          data: { contract: shown, history: history.items },
          text: `${table([shown], CONTRACT_COLUMNS)}\n\nHistory:\n${changes}`,
        };
      }),
    );

  return contract;
}
