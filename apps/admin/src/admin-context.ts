import { userInfo } from 'node:os';
import { Command } from 'commander';
import { AllocatorApiError, AllocatorClient, createAllocatorClient } from '@app/client';
import { AppConfig, loadConfig } from '@app/config';
import { openDatabase, PrismaService, PROJECT_ROOT } from '@app/database';
import { DomainError } from '@app/errors';

export interface CommandResult {
  /** What `--json` prints. */
  data: unknown;
  /** What a person reads. */
  text: string;
}

export interface AdminServices {
  config: AppConfig;
  databaseUrl: string;
  prisma: PrismaService;
  /** Who is acting, in audit trails: the command line and the operating-system user. */
  actor: { name: string };
  /** Progress for people; goes to stderr so that stdout stays parseable. */
  progress(message: string): void;
}

/** Ids of audit rows and deliveries are bigint, which JSON has no notation for: printed as strings. */
function jsonValue(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** Runs one admin command: configuration, database, output format and exit code in one place. */
export class AdminContext {
  constructor(private readonly program: Command) {}

  private get json(): boolean {
    return this.program.opts<{ json?: boolean }>().json === true;
  }

  async run(command: (services: AdminServices) => Promise<CommandResult>): Promise<void> {
    await this.report(async () => {
      const config = loadConfig(process.env, PROJECT_ROOT);
      const database = await openDatabase(config, () => undefined);
      const prisma = new PrismaService(database.url, 2);
      try {
        return await command({
          config,
          databaseUrl: database.url,
          prisma,
          actor: { name: `admin-cli:${userInfo().username}` },
          progress: (m) => this.progress(m),
        });
      } finally {
        await prisma.$disconnect();
        await database.stop();
      }
    });
  }

  /** Runs a command against running services over their API, with the generated client and ALLOCATOR_API_KEY; no database is opened. */
  async runOnService(command: (connect: (url: string) => AllocatorClient) => Promise<CommandResult>): Promise<void> {
    await this.report(() =>
      command((url) => createAllocatorClient({ baseUrl: url, apiKey: process.env.ALLOCATOR_API_KEY ?? '' })),
    );
  }

  private progress(message: string): void {
    if (!this.json) process.stderr.write(`${message}\n`);
  }

  private async report(command: () => Promise<CommandResult>): Promise<void> {
    try {
      const result = await command();
      process.stdout.write(this.json ? `${JSON.stringify(result.data, jsonValue, 2)}\n` : `${result.text}\n`);
    } catch (error) {
      const refusal =
        error instanceof DomainError ? error : error instanceof AllocatorApiError ? error.body : undefined;
      const code = refusal?.code ?? 'ERROR';
      const details = refusal && 'details' in refusal ? refusal.details : undefined;
      const message = error instanceof Error ? error.message : String(error);
      // Failures go to stderr in both forms, so that stdout holds only results.
      if (this.json) process.stderr.write(`${JSON.stringify({ error: { code, message, details } }, jsonValue, 2)}\n`);
      else process.stderr.write(`Error: ${message}\n`);
      process.exitCode = 1;
    }
  }
}
