import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { PrismaService } from '@app/database';

const DISPATCH = {
  name: 'dispatch-baselines',
  text: `SELECT "dispatch_baselines"($1::int, $2::timestamp) AS dispatched`,
};

/**
 * Lets waiting Back to Baseline runs out to MetalWorks as slots free, at most BASELINE_MAX_IN_FLIGHT per location
 * (prisma/sql/baseline_pacing.sql). Every service process runs it; the database lets one at a time dispatch.
 */
@Injectable()
export class BaselinePacer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('BaselinePacer');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    // Every second: an outage is the outage tracker's to report (once), not the pacer's at every tick.
    this.timer = setInterval(
      () =>
        void this.dispatch().catch((e: unknown) => {
          if (!this.prisma.outage.noticed(e)) this.logger.error(`Dispatch failed: ${String(e)}`);
        }),
      this.config.baselinePaceIntervalSeconds * 1000,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Dispatches the runs that have a slot now; returns how many. */
  async dispatch(now = new Date()): Promise<number> {
    const [{ dispatched }] = await this.prisma.sql.rows<{ dispatched: number }>(DISPATCH, [
      this.config.baselineMaxInFlight,
      now.toISOString(),
    ]);
    return dispatched;
  }
}
