import { Module } from '@nestjs/common';
import { CapacityRepository } from './capacity.repository';
import { CapacityService } from './capacity.service';

@Module({
  providers: [CapacityRepository, CapacityService],
  exports: [CapacityService],
})
export class CapacityModule {}
