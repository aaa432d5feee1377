import { Module } from '@nestjs/common';
import { CapacityRepository } from './capacity.repository';
import { CapacityService } from './capacity.service';

@Module({
  providers: [CapacityRepository, CapacityService],
  exports: [CapacityRepository, CapacityService],
})
export class CapacityModule {}
