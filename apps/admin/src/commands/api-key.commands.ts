import { Command } from 'commander';
import { ALL_SCOPES, ApiKeyRepository, ApiKeyService, ApiKeyView } from '@app/auth';
import { AdminContext } from '../admin-context';
import { table } from '../table';
import { duration, positiveInt } from './arguments';

function stateOf(key: ApiKeyView): string {
  return key.revokedAt
    ? `revoked ${key.revokedAt.toISOString()}`
    : key.expiresAt && key.expiresAt <= new Date()
      ? 'expired'
      : 'active';
}

function describe(key: ApiKeyView): string {
  const state = stateOf(key);
  const expires = key.expiresAt ? key.expiresAt.toISOString() : 'never';
  const used = key.lastUsedAt ? key.lastUsedAt.toISOString() : 'never';
  return `#${key.id} ${key.name} (${key.prefix}…) ${state}; scopes ${key.scopes.join(',')}; expires ${expires}; last used ${used}`;
}

export function apiKeyCommands(context: AdminContext): Command {
  const apiKey = new Command('api-key').description('API keys for the X-Api-Key header');
  const service = (prisma: ConstructorParameters<typeof ApiKeyRepository>[0]) =>
    new ApiKeyService(new ApiKeyRepository(prisma));

  apiKey
    .command('create')
    .description(`Create a key and print its secret, once. Scopes: ${ALL_SCOPES.join(', ')}`)
    .requiredOption('--name <name>', 'who or what uses the key, e.g. metalworks')
    .requiredOption('--scopes <list>', 'comma-separated scopes', (v: string) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .option('--expires-in <duration>', 'lifetime such as 90d; never expires when absent', duration)
    .action((options: { name: string; scopes: string[]; expiresIn?: number }) =>
      context.run(async ({ prisma }) => {
        const { key, secret } = await service(prisma).create({
          name: options.name,
          scopes: options.scopes,
          expiresInSeconds: options.expiresIn,
        });
        return {
          data: { ...key, secret },
          text: `${describe(key)}\nSecret (shown only now, store it safely):\n${secret}`,
        };
      }),
    );

  apiKey
    .command('list')
    .description('List keys (never their secrets)')
    .action(() =>
      context.run(async ({ prisma }) => {
        const keys = await service(prisma).list();
        const columns: Parameters<typeof table<ApiKeyView>>[1] = [
          ['id', (k) => k.id],
          ['name', (k) => k.name],
          ['prefix', (k) => `${k.prefix}…`],
          ['state', stateOf],
          ['scopes', (k) => k.scopes.join(',')],
          ['expires', (k) => k.expiresAt ?? 'never'],
          ['last used', (k) => k.lastUsedAt ?? 'never'],
        ];
        return { data: keys, text: table(keys, columns, 'No API keys.') };
      }),
    );

  apiKey
    .command('revoke')
    .description('Revoke a key: it answers 401 from now on')
    .argument('<id>', 'key id, as listed', positiveInt)
    .action((id: number) =>
      context.run(async ({ prisma }) => {
        const key = await service(prisma).revoke(id);
        return { data: key, text: describe(key) };
      }),
    );

  return apiKey;
}
