import { OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client';

/** The only way into PostgreSQL: repositories take it (or a transaction client of it). Built by DatabaseModule. */
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(databaseUrl: string, poolSize = 10) {
    super({ adapter: new PrismaPg({ connectionString: databaseUrl, max: poolSize }) });
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
