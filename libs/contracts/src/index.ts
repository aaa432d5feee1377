export { ContractsModule } from './contracts.module';
export { ClientsService } from './clients.service';
export type { ClientInput, ClientView } from './client-view';
export {
  ContractsService,
  type ContractChange,
  type ContractChangeResult,
  type ContractInput,
  type Overcommitment,
} from './contracts.service';
export type { CommitmentInput, ContractView } from './contract-view';
export { lockPools, writeClient, writeContract, type ContractRecord } from './contract-writes';
export type { AuditView } from './audit';
export { isContractValidAt } from './contract-validity';
