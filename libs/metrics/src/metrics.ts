import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every metric family the service exports at GET /metrics (README: "Metrics"), in one registry per
 * process. Figures read from the database at scrape time (servers by status, the outbox backlog) are
 * gauges filled by collectors registered with `onScrape`.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly commands = new Counter({
    name: 'allocator_commands_total',
    help: 'Server commands by command and result (ok, noop, or the error code)',
    labelNames: ['command', 'result'],
    registers: [this.registry],
  });

  readonly allocateDuration = new Histogram({
    name: 'allocator_allocate_duration_seconds',
    help: 'Time to answer an allocate (single or an order of N), whatever the answer',
    labelNames: ['result'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly quotaRefusals = new Counter({
    name: 'allocator_quota_refusals_total',
    help: 'Allocations refused by the quota rules, by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });

  readonly httpRequests = new Counter({
    name: 'allocator_http_requests_total',
    help: 'HTTP requests by method, route (its pattern) and status',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'allocator_http_request_duration_seconds',
    help: 'HTTP request duration by method and route',
    labelNames: ['method', 'route'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
    registers: [this.registry],
  });

  readonly deliveries = new Counter({
    name: 'allocator_deliveries_total',
    help: 'Hook delivery attempts by result (delivered, retry, dead)',
    labelNames: ['result'],
    registers: [this.registry],
  });

  readonly servers = new Gauge({
    name: 'allocator_servers',
    help: 'Servers by pool (location, instance type) and lifecycle status',
    labelNames: ['location', 'instance_type', 'status'],
    registers: [this.registry],
  });

  readonly baselines = new Gauge({
    name: 'allocator_baselines',
    help: 'Back to Baseline runs per location: running (dispatched to MetalWorks) or waiting for a slot',
    labelNames: ['location', 'state'],
    registers: [this.registry],
  });

  readonly databasePool = new Gauge({
    name: 'allocator_database_pool_connections',
    help: "Connections of this process's database pool: in use, idle, and callers waiting for one",
    labelNames: ['state'],
    registers: [this.registry],
  });

  readonly pendingDeliveries = new Gauge({
    name: 'allocator_outbox_pending_deliveries',
    help: 'Hook deliveries not yet delivered nor dead',
    registers: [this.registry],
  });

  readonly oldestPendingAge = new Gauge({
    name: 'allocator_outbox_oldest_pending_seconds',
    help: 'Age of the oldest pending hook delivery (0 when none)',
    registers: [this.registry],
  });

  private readonly collectors: (() => Promise<void>)[] = [];

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'allocator_' });
  }

  /** Work done at each scrape, before the text is written: reading gauges from the database. */
  onScrape(collector: () => Promise<void>): void {
    this.collectors.push(collector);
  }

  async scrape(): Promise<string> {
    await Promise.all(this.collectors.map((collect) => collect()));
    return this.registry.metrics();
  }
}
