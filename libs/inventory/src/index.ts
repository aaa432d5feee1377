export { InventoryModule } from './inventory.module';
export { InventoryService, type InstanceTypeView } from './inventory.service';
export { InventoryImporter, type ImportSummary } from './inventory-import';
export { InventoryExporter } from './inventory-export';
export { DemoSeeder } from './demo-seeder';
export { ServerDescriptions, type ServerDescription } from './server-description';
export { DEMO_INVENTORY } from './demo-inventory';
export type { InventoryFile, ServerRecord } from './inventory-file';
export { validateInventoryFile, type InventoryProblem, type KnownInventory } from './inventory-validation';
export {
  toServerView,
  toAllocationView,
  SERVER_VIEW_INCLUDE,
  type ServerView,
  type AllocationView,
} from './server-view';
export type { ServerFilter } from './inventory.repository';
