import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { PrismaService } from '@app/database';
import { ServerCommandsService } from './server-commands.service';

export const WATCHDOG_ACTOR = { name: 'baseline-watchdog' };
const SWEEP_LIMIT = 100;

/**
 * Isolates servers left in Back to Baseline too long (subState baselineTimeout), through the same
 * lifecycle table as any command. The clock starts when the run was dispatched to MetalWorks, not while it waited
 * for a slot (BaselinePacer). Every service process runs it; the row lock makes them agree.
 */
@Injectable()
export class BaselineWatchdog implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('BaselineWatchdog');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly prisma: PrismaService,
    private readonly commands: ServerCommandsService,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(
      () => void this.sweep().catch((e: unknown) => this.logger.error(`Sweep failed: ${String(e)}`)),
      this.config.watchdogIntervalSeconds * 1000,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Isolates the overdue servers; returns their ids. */
  async sweep(now = new Date()): Promise<number[]> {
    const startedBefore = new Date(now.getTime() - this.config.baselineTimeoutSeconds * 1000);
    const overdue = await this.prisma.server.findMany({
      where: { status: 'baselining', baselineDispatchedAt: { lt: startedBefore } },
      select: { id: true },
      orderBy: { baselineDispatchedAt: 'asc' },
      take: SWEEP_LIMIT,
    });
    const isolated: number[] = [];
    for (const { id } of overdue) {
      const result = await this.commands.isolateStaleBaseline(id, startedBefore, WATCHDOG_ACTOR);
      if (result.changed) isolated.push(id);
    }
    if (isolated.length) this.logger.warn(`Isolated after a Back to Baseline timeout: ${isolated.join(', ')}`);
    return isolated;
  }
}
