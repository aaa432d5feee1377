import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@app/config';
import { PROJECT_ROOT } from '@app/database';
import { createApp } from './create-app';
import { buildOpenApiDocument, serializeOpenApiDocument } from './openapi';

/** Writes openapi.json at the repository root; no database is reached. */
async function main(): Promise<void> {
  const app = await createApp(loadConfig({}, PROJECT_ROOT), 'postgresql://unused@127.0.0.1:1/unused', false);
  const file = join(PROJECT_ROOT, 'openapi.json');
  writeFileSync(file, serializeOpenApiDocument(buildOpenApiDocument(app)));
  await app.close();
  process.stdout.write(`Wrote ${file}\n`);
}

void main();
