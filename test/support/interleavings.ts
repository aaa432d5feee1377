import { Client } from 'pg';

/**
 * Deterministic interleavings: a second connection, outside the application, that takes a lock (or writes a
 * row without committing) at a chosen point, so that a request of the application is made to wait exactly
 * there; the test then lets it go and checks what the request answered.
 */
export class SecondConnection {
  private readonly client: Client;
  /** pg_stat_activity is read once per transaction: the watch needs a connection of its own. */
  private readonly monitor: Client;

  private constructor(url: string) {
    this.client = new Client({ connectionString: url, options: '-c TimeZone=UTC' });
    this.monitor = new Client({ connectionString: url });
  }

  static async open(url: string): Promise<SecondConnection> {
    const session = new SecondConnection(url);
    await Promise.all([session.client.connect(), session.monitor.connect()]);
    return session;
  }

  /** Begins a transaction and runs `sql` in it: its row locks (and uncommitted rows) are held until commit or rollback. */
  async hold(sql: string, values: unknown[] = []): Promise<void> {
    await this.client.query('BEGIN');
    await this.client.query(sql, values);
  }

  /** Runs `sql` in the transaction `hold` began. */
  async run(sql: string, values: unknown[] = []): Promise<void> {
    await this.client.query(sql, values);
  }

  commit = () => this.client.query('COMMIT').then(() => undefined);
  rollback = () => this.client.query('ROLLBACK').then(() => undefined);
  close = () => Promise.all([this.client.end(), this.monitor.end()]).then(() => undefined);

  /** Waits until some other session of this database waits for a lock (the request reached the chosen point). */
  async untilAnotherWaits(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await this.monitor.query<{ waiting: number }>(
        `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (rows[0].waiting > 0) return;
      if (Date.now() > deadline) throw new Error(`no session waited for a lock within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
