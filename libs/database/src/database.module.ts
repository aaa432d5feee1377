import { DynamicModule, Global, Module } from '@nestjs/common';
import { DATABASE_URL } from './database-url.token';
import { DatabaseLimits, PrismaService } from './prisma.service';

@Global()
@Module({})
export class DatabaseModule {
  static forUrl(databaseUrl: string, poolSize: number, limits: DatabaseLimits): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DATABASE_URL, useValue: databaseUrl },
        { provide: PrismaService, useFactory: () => new PrismaService(databaseUrl, poolSize, limits) },
      ],
      exports: [DATABASE_URL, PrismaService],
    };
  }
}
