export { ContractsModule } from './contracts.module';
export { ClientsService, type ClientInput, type ClientView } from './clients.service';
export {
  ContractsService,
  type CommitmentInput,
  type ContractChange,
  type ContractChangeResult,
  type ContractInput,
  type ContractView,
  type Overcommitment,
} from './contracts.service';
export type { AuditView } from './audit';
export { isContractValidAt } from './contract-validity';
