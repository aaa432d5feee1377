// Benchmark: imports an inventory of N servers (default 100,000) with the admin command line
// into a fresh database, twice (insert, then idempotent re-import), and prints the times.
// Usage: npm run build && node bench/inventory-import.js [servers]
// Uses DATABASE_URL's server when set (a scratch database is created there), else an embedded one.
const { run, withScratchDatabase, withScratchFile } = require('./scratch-database');
const { admin } = require('./service-process');

const servers = Number(process.argv[2] ?? 100_000);

/** The inventory file of `servers` servers, as JSON text. */
function inventory() {
  const file = {
    locations: [{ id: 1, name: 'Bench', shortName: 'bn', countryName: 'Netherlands', countryShortName: 'NL' }],
    instanceTypes: Array.from({ length: 10 }, (_, i) => ({
      id: 100 + i,
      locationId: 1,
      name: `bm.bench.${i}`,
      sockets: 1,
      cores: 8,
      memory: 16,
      memoryType: 'std',
      storage: 480,
      storageType: 'ssd',
      generationName: 'Bench',
      pricePerHour: 31,
    })),
    servers: Array.from({ length: servers }, (_, i) => ({
      id: 1_000_000 + i,
      hostname: `bench${i}.example.net`,
      locationId: 1,
      instanceTypeId: 100 + (i % 10),
      rack: `R${i % 400}`,
      serviceTag: `B${i}`,
    })),
  };
  return JSON.stringify(file);
}

async function main() {
  await withScratchDatabase(async ({ env }) => {
    await withScratchFile('inventory.json', inventory(), (file) => {
      for (const attempt of ['first import', 're-import']) {
        const started = process.hrtime.bigint();
        const result = admin(env, 'inventory', 'import', file);
        const wall = Number(process.hrtime.bigint() - started) / 1e9;
        console.log(
          `${attempt}: ${result.imported.servers} servers, ${result.seconds} s inside the command, ${wall.toFixed(1)} s wall (process start included)`,
        );
      }
    });
  });
}

run(main);
