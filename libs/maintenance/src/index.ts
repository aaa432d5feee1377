export { MaintenanceModule } from './maintenance.module';
export {
  MaintenanceService,
  type MaintenanceDetail,
  type MaintenanceEnded,
  type MaintenanceStarted,
  type MaintenanceSummary,
} from './maintenance.service';
export { MaintenanceRepository, type PlannedServer, type PoolCheck, type StartRequest } from './maintenance.repository';
export type { Selector } from './selector';
