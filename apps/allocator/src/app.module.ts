import { DynamicModule, Module } from '@nestjs/common';
import { MetricsModule } from '@app/metrics';
import { AuthModule } from '@app/auth';
import { CapacityModule } from '@app/capacity';
import { ContractsModule } from '@app/contracts';
import { AppConfig, ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { EventsModule } from '@app/events';
import { InventoryModule } from '@app/inventory';
import { MaintenanceModule } from '@app/maintenance';
import { ServerCommandsModule } from '@app/server-commands';
import { Draining } from './health/draining';
import { MetricsController } from './metrics/metrics.controller';
import { HealthController } from './health/health.controller';
import { HooksController } from './hooks/hooks.controller';
import { InventoryController } from './inventory/inventory.controller';
import { QuotaController } from './quota/quota.controller';
import { CapacityController } from './capacity/capacity.controller';
import { ContractsController } from './contracts/contracts.controller';
import { MaintenancesController } from './maintenances/maintenances.controller';
import { SessionController } from './session/session.controller';
import { ServersController } from './servers/servers.controller';
import { ServerCommandsController } from './server-commands/server-commands.controller';

@Module({})
export class AppModule {
  static register(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forConfig(config),
        DatabaseModule.forUrl(databaseUrl, config.databasePoolSize, config.databaseLimits),
        AuthModule,
        InventoryModule,
        EventsModule,
        ServerCommandsModule,
        CapacityModule,
        ContractsModule,
        MaintenanceModule,
        MetricsModule,
      ],
      providers: [Draining],
      controllers: [
        HealthController,
        MetricsController,
        InventoryController,
        ServersController,
        ServerCommandsController,
        QuotaController,
        CapacityController,
        ContractsController,
        HooksController,
        MaintenancesController,
        SessionController,
      ],
    };
  }
}
