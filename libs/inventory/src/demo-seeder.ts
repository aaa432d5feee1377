import { Injectable } from '@nestjs/common';
import { ALL_SCOPES, ApiKeyService } from '@app/auth';
import { PrismaService } from '@app/database';
import { DEMO_INVENTORY } from './demo-inventory';
import { InventoryImporter } from './inventory-import';

/** Fills an empty database with the demo fleet and an all-scopes key; returns that key's secret, once. */
@Injectable()
export class DemoSeeder {
  constructor(
    private readonly prisma: PrismaService,
    private readonly importer: InventoryImporter,
    private readonly apiKeys: ApiKeyService,
  ) {}

  async seedIfEmpty(): Promise<{ apiKey: string } | undefined> {
    const [locations, keys] = await Promise.all([this.prisma.location.count(), this.prisma.apiKey.count()]);
    if (locations > 0 || keys > 0) return undefined;
    await this.importer.import(DEMO_INVENTORY);
    const { secret } = await this.apiKeys.create({ name: 'demo', scopes: ALL_SCOPES });
    return { apiKey: secret };
  }
}
