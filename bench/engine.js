// The allocation engine without its HTTP layer: the use cases the service's routes call for the cycle (allocate,
// de-allocate, available), called in this process on a connection pool of its own, as the admin command line calls
// them. Run beside the service, it tells what HTTP, NestJS and the driver cost the service: the engine's figure is
// what the service could reach if serving HTTP cost nothing (docs/benchmarks.md).
const { join } = require('node:path');
const { ERROR_STATUS } = require('../dist/libs/api-kit/src');
const { loadConfig } = require('../dist/libs/config/src');
const { PrismaService } = require('../dist/libs/database/src');
const { AllocateServers, standaloneServerCommands } = require('../dist/libs/server-commands/src');

const PROJECT_ROOT = join(__dirname, '..');

/** An error as the service would answer it: the status of its code (a domain error's), else 500. */
function answerOf(error) {
  return { status: ERROR_STATUS[error.code] ?? 500, body: { code: error.code ?? error.message } };
}

/** `work(commands)` with the engine on the database of `env`, its commands answering as HTTP calls would. */
async function withEngine(env, work) {
  const config = loadConfig(env, PROJECT_ROOT);
  const prisma = new PrismaService(config.databaseUrl, config.databasePoolSize, config.databaseLimits);
  const { commands } = standaloneServerCommands(prisma, config);
  const allocator = new AllocateServers(prisma, config);
  const caller = { name: 'bench-engine', id: null };
  const answered = (promise) => promise.then((body) => ({ status: 200, body }), answerOf);
  try {
    return await work({
      allocate: (order) => answered(allocator.single(order, caller)),
      deallocate: (clientId, serverId) => answered(commands.deallocate(clientId, serverId, caller)),
      available: (serverId) => answered(commands.markAvailable(serverId, undefined, caller)),
    });
  } finally {
    await prisma.$disconnect();
  }
}

module.exports = { withEngine };
