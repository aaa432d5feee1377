import { Controller, Get, Headers, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiExcludeController } from '@nestjs/swagger';
import { ApiKeyService } from '@app/auth';
import { AppConfig } from '@app/config';
import { PrismaService } from '@app/database';
import { DomainError, ErrorCode } from '@app/errors';
import { Metrics } from '@app/metrics';

/** Prometheus' view of the service: GET /metrics, in its text format (README: "Metrics"). */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
    private readonly apiKeys: ApiKeyService,
  ) {
    metrics.onScrape(() => this.readFigures());
  }

  @Get()
  async scrape(@Res({ passthrough: true }) response: Response, @Headers('x-api-key') key?: string): Promise<string> {
    if (this.config.metricsAuth === 'key') {
      if (!key) throw new DomainError(ErrorCode.UNAUTHORIZED, 'Missing X-Api-Key header');
      const principal = await this.apiKeys.authenticate(key);
      if (!principal.scopes.includes('metrics:read')) throw new DomainError(ErrorCode.FORBIDDEN, 'This API key lacks the scope metrics:read', { missingScopes: ['metrics:read'] });
    }
    const text = await this.metrics.scrape();
    response.type('text/plain; version=0.0.4; charset=utf-8');
    return text;
  }

  /** The gauges read from the database and the pool at each scrape. */
  private async readFigures(): Promise<void> {
    const pool = this.prisma.poolStats();
    this.metrics.databasePool.set({ state: 'in_use' }, pool.inUse);
    this.metrics.databasePool.set({ state: 'idle' }, pool.idle);
    this.metrics.databasePool.set({ state: 'waiting' }, pool.waiting);
    const [pools, [outbox]] = await Promise.all([
      this.prisma.sql.rows<Record<string, number>>(`SELECT it."locationId", pc.* FROM "PoolCounter" pc JOIN "InstanceType" it ON it."id" = pc."instanceTypeId"`),
      this.prisma.sql.rows<{ pending: number; oldest: number | null }>(
        `SELECT count(*)::int AS pending, EXTRACT(EPOCH FROM (now() AT TIME ZONE 'UTC') - min("createdAt"))::float8 AS oldest FROM "HookDelivery" WHERE "state" = 'pending'`),
    ]);
    this.metrics.servers.reset();
    for (const p of pools) {
      for (const status of ['available', 'allocated', 'baselining', 'isolated', 'quarantined', 'retired']) {
        this.metrics.servers.set({ location: String(p.locationId), instance_type: String(p.instanceTypeId), status }, p[status]);
      }
    }
    this.metrics.pendingDeliveries.set(outbox.pending);
    this.metrics.oldestPendingAge.set(outbox.oldest ?? 0);
  }
}
