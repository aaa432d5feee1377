import { defineConfig } from 'prisma/config';

// Used by the Prisma CLI (generate, and migrate deploy where its native engine can be downloaded).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
