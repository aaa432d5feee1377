import { startMetalworksSim } from './metalworks-sim';

/** Standalone: ALLOCATOR_URL, ALLOCATOR_API_KEY, SIM_PORT, METALWORKS_SIM_DELAY (seconds), METALWORKS_SIM_FAIL_RATE. */
async function main(): Promise<void> {
  const { ALLOCATOR_URL, ALLOCATOR_API_KEY } = process.env;
  if (!ALLOCATOR_URL || !ALLOCATOR_API_KEY) {
    process.stderr.write(
      'Set ALLOCATOR_URL and ALLOCATOR_API_KEY (a key with the scopes admin, server:available, server:isolate)\n',
    );
    process.exit(1);
  }
  const sim = await startMetalworksSim({
    allocatorUrl: ALLOCATOR_URL,
    apiKey: ALLOCATOR_API_KEY,
    port: Number(process.env.SIM_PORT ?? 0),
    delaySeconds: Number(process.env.METALWORKS_SIM_DELAY ?? 3),
    failRate: Number(process.env.METALWORKS_SIM_FAIL_RATE ?? 0.1),
    log: (message) => process.stdout.write(`${new Date().toISOString()} ${message}\n`),
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void sim.stop().then(() => process.exit(0)));
}

void main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
