import { Module } from '@nestjs/common';
import { AuthModule } from '@app/auth';
import { DemoSeeder } from './demo-seeder';
import { InventoryExporter } from './inventory-export';
import { InventoryImporter } from './inventory-import';
import { InventoryRepository } from './inventory.repository';
import { InventoryService } from './inventory.service';

@Module({
  imports: [AuthModule],
  providers: [InventoryRepository, InventoryService, InventoryImporter, InventoryExporter, DemoSeeder],
  exports: [InventoryService, InventoryImporter, InventoryExporter, DemoSeeder],
})
export class InventoryModule {}
