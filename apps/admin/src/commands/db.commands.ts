import { Command } from 'commander';
import { applyMigrations, writeNextMigration } from '@app/database';
import { invariantViolations } from '@app/server-commands';
import { AdminContext } from '../admin-context';

export function dbCommands(context: AdminContext): Command {
  const db = new Command('db').description('Database schema: apply and write migrations, check invariants');

  db.command('migrate')
    .description('Apply the migrations of prisma/migrations/ that the database has not seen')
    .action(() =>
      context.run(async ({ databaseUrl }) => {
        const applied = await applyMigrations(databaseUrl);
        return {
          data: { applied },
          text: applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.',
        };
      }),
    );

  db.command('new-migration')
    .description('Write the next migration from the changes made to prisma/schema.prisma and prisma/sql/')
    .argument('<name>', 'what the migration does, in snake_case')
    .action((name: string) =>
      context.run(async ({ databaseUrl }) => {
        if (!/^[a-z0-9_]+$/.test(name)) throw new Error('The migration name must be snake_case (a-z, 0-9, _)');
        const folder = await writeNextMigration(name, databaseUrl);
        return {
          data: { folder: folder ?? null },
          text: folder
            ? `Wrote ${folder}`
            : 'Neither prisma/schema.prisma nor prisma/sql/ changed since the last migration.',
        };
      }),
    );

  db.command('check')
    .description('Check every invariant of allocation, quota and audit in SQL; exits non-zero when one is broken')
    .action(() =>
      context.run(async ({ prisma, config }) => {
        const violations = await invariantViolations(prisma, config.defaultOnDemandLimit);
        const broken = Object.entries(violations).filter(([, rows]) => rows.length);
        if (broken.length) process.exitCode = 1;
        const text = broken.length
          ? broken.map(([rule, rows]) => `${rule}: ${JSON.stringify(rows)}`).join('\n')
          : 'Every invariant holds.';
        return { data: { violations }, text };
      }),
    );

  return db;
}
