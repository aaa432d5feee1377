import { Module } from '@nestjs/common';
import { ClientsService } from './clients.service';
import { ContractsService } from './contracts.service';

@Module({
  providers: [ClientsService, ContractsService],
  exports: [ClientsService, ContractsService],
})
export class ContractsModule {}
