import { Module } from '@nestjs/common';
import { AuthModule } from '@app/auth';
import { DemoSeeder } from './demo-seeder';
import { InventoryExporter } from './inventory-export';
import { InventoryImporter } from './inventory-import';
import { InventoryRepository } from './inventory.repository';
import { InventoryService } from './inventory.service';
import { ServerDescriptions } from './server-description';

@Module({
  imports: [AuthModule],
  providers: [
    InventoryRepository,
    InventoryService,
    InventoryImporter,
    InventoryExporter,
    DemoSeeder,
    ServerDescriptions,
  ],
  exports: [InventoryService, InventoryImporter, InventoryExporter, DemoSeeder, ServerDescriptions],
})
export class InventoryModule {}
