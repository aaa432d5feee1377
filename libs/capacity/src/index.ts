export { CapacityModule } from './capacity.module';
export { CapacityService, type BilledAllocation, type ClientCapacity, type ContractCapacity } from './capacity.service';
export type { AllocationPeriod, BaselineRuns, PoolCapacity, PoolFilter, ServersByStatus } from './capacity.repository';
export { CapacityRepository } from './capacity.repository';
