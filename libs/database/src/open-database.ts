import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded-database';

export interface DatabaseLocation {
  databaseUrl?: string;
  dataDir: string;
}

/** The configured PostgreSQL, or the embedded one kept under the data directory. */
export async function openDatabase(
  location: DatabaseLocation,
  log: (message: string) => void,
): Promise<EmbeddedDatabase> {
  if (location.databaseUrl) return { url: location.databaseUrl, stop: async () => undefined };
  return startEmbeddedDatabase({ dataDir: location.dataDir, databaseName: 'allocator', persistent: true, log });
}
