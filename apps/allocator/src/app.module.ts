import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@app/auth';
import { AppConfig, ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { InventoryModule } from '@app/inventory';
import { ServerCommandsModule } from '@app/server-commands';
import { HealthController } from './health/health.controller';
import { InventoryController } from './inventory/inventory.controller';
import { ServerCommandsController } from './server-commands/server-commands.controller';

@Module({})
export class AppModule {
  static register(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forConfig(config), DatabaseModule.forUrl(databaseUrl, config.databasePoolSize), AuthModule, InventoryModule, ServerCommandsModule],
      controllers: [HealthController, InventoryController, ServerCommandsController],
    };
  }
}
