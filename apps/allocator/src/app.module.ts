import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@app/auth';
import { AppConfig } from '@app/config';
import { DatabaseModule } from '@app/database';
import { InventoryModule } from '@app/inventory';
import { HealthController } from './health/health.controller';
import { InventoryController } from './inventory/inventory.controller';

@Module({})
export class AppModule {
  static register(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [DatabaseModule.forUrl(databaseUrl, config.databasePoolSize), AuthModule, InventoryModule],
      controllers: [HealthController, InventoryController],
      providers: [{ provide: AppConfig, useValue: config }],
    };
  }
}
