export { DEFAULT_DATABASE_LIMITS, PrismaService, type DatabaseLimits } from './prisma.service';
export { DatabaseOutage, isDatabaseUnavailable } from './database-outage';
export { DatabaseModule } from './database.module';
export { DATABASE_URL } from './database-url.token';
export { freePort, startEmbeddedDatabase, type EmbeddedDatabase } from './embedded-database';
export { applyMigrations, diffSchemas } from './migrations/migrator';
export { MIGRATIONS_DIR, PROJECT_ROOT, SCHEMA_FILE } from './project-paths';
export { Prisma } from './generated/prisma/client';
export type * from './generated/prisma/client';
export {
  AllocationEnd,
  DeliveryState,
  IsolationSubState,
  MaintenanceOutcome,
  QuotaKind,
  ServerStatus,
} from './generated/prisma/enums';
export type { TransactionClient } from './transaction';
export { openDatabase, type DatabaseLocation } from './open-database';
export { writeNextMigration } from './migrations/new-migration';
export type { Page, Slice } from './page';
export { SqlPool, type Sql, type Statement } from './sql-pool';
export { againAfterConflict, againAfterUniqueViolation, isTransientConflict, isUniqueViolation } from './conflicts';
export { databaseReadiness, type DatabaseReadiness } from './readiness';
export { recordChange, type Actor, type AuditedEntity, type AuditRecord } from './audit-trail';
