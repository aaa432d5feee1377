// Generates the Prisma client after `npm ci`.
// `prisma generate` only checks that a schema engine binary exists (it never runs it), but it
// tries to download one when none is present, which fails without internet access. Pointing
// PRISMA_SCHEMA_ENGINE_BINARY at any executable satisfies the check; see README "Prisma offline".
const { execFileSync } = require('node:child_process');

const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
};
execFileSync(process.execPath, [require.resolve('prisma/build/index.js'), 'generate'], { stdio: 'inherit', env });
