export { ContractsModule } from './contracts.module';
export { ClientsService } from './clients.service';
export type { ClientInput, ClientView } from './client-view';
export {
  ContractsService,
  type ContractChange,
  type ContractChangeResult,
  type ContractInput,
} from './contracts.service';
export { overcommitted, type CommitmentInput, type ContractView, type Overcommitment } from './contract-view';
export { lockPools, writeClient, writeContract, type ContractRecord } from './contract-writes';
export type { AuditView } from './audit';
export { isContractValidAt } from './contract-validity';
