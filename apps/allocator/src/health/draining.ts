/** Set when the process is shutting down: readiness turns 503 so that load balancers stop sending work. */
export class Draining {
  private since?: Date;

  get active(): boolean {
    return this.since !== undefined;
  }

  start(): void {
    this.since ??= new Date();
  }
}
