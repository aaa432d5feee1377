import { Controller, Get, Headers, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { ApiKeyService } from '@app/auth';
import { AppConfig } from '@app/config';
import { CapacityRepository } from '@app/capacity';
import { PrismaService } from '@app/database';
import { HooksService } from '@app/events';
import { SERVER_STATUSES } from '@app/lifecycle';
import { DomainError, ErrorCode } from '@app/errors';
import { Metrics } from '@app/metrics';

/** Prometheus' view of the service: GET /metrics, in its text format (README: "Metrics"). */
const FIGURES_MAX_AGE_MS = 5000;

@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  private databaseFiguresAt = 0;
  private databaseFigures: Promise<void> = Promise.resolve();

  constructor(
    private readonly metrics: Metrics,
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
    private readonly apiKeys: ApiKeyService,
    private readonly capacity: CapacityRepository,
    private readonly hooks: HooksService,
  ) {
    metrics.onScrape(() => this.readFigures());
  }

  @Get()
  async scrape(
    @Res({ passthrough: true }) response: FastifyReply,
    @Headers('x-api-key') key?: string,
  ): Promise<string> {
    if (this.config.metricsAuth === 'key') {
      if (!key) throw new DomainError(ErrorCode.UNAUTHORIZED, 'Missing X-Api-Key header');
      const principal = await this.apiKeys.authenticate(key);
      if (!principal.scopes.includes('metrics:read'))
        throw new DomainError(ErrorCode.FORBIDDEN, 'This API key lacks the scope metrics:read', {
          missingScopes: ['metrics:read'],
        });
    }
    const text = await this.metrics.scrape();
    response.type('text/plain; version=0.0.4; charset=utf-8');
    return text;
  }

  /** The gauges of the pool at each scrape; those read from the database at most every FIGURES_MAX_AGE_MS, however often scraped. */
  private async readFigures(): Promise<void> {
    const pool = this.prisma.poolStats();
    this.metrics.databasePool.set({ state: 'in_use' }, pool.inUse);
    this.metrics.databasePool.set({ state: 'idle' }, pool.idle);
    this.metrics.databasePool.set({ state: 'waiting' }, pool.waiting);
    if (Date.now() - this.databaseFiguresAt >= FIGURES_MAX_AGE_MS) {
      this.databaseFiguresAt = Date.now();
      this.databaseFigures = this.readDatabaseFigures().catch((error: unknown) => {
        this.databaseFiguresAt = 0;
        throw error;
      });
    }
    await this.databaseFigures;
  }

  private async readDatabaseFigures(): Promise<void> {
    const [pools, deliveries, baselines] = await Promise.all([
      this.capacity.serversByPool(),
      this.hooks.health(),
      this.capacity.baselineRuns(),
    ]);
    this.metrics.servers.reset();
    for (const p of pools) {
      for (const status of SERVER_STATUSES) {
        this.metrics.servers.set(
          { location: String(p.locationId), instance_type: String(p.instanceTypeId), status },
          p.servers[status],
        );
      }
    }
    this.metrics.baselines.reset();
    for (const b of baselines) {
      this.metrics.baselines.set({ location: String(b.locationId), state: 'running' }, b.running);
      this.metrics.baselines.set({ location: String(b.locationId), state: 'waiting' }, b.waiting);
    }
    this.metrics.pendingDeliveries.set(deliveries.pending);
    this.metrics.oldestPendingAge.set(deliveries.oldestPendingSeconds);
  }
}
