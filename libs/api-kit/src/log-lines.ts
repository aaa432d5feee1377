type Stream = 'stdout' | 'stderr';

/** How long a line may wait for others to leave with it. */
const GATHER_MS = 10;

/**
 * The log's lines leave together, one write per stream every GATHER_MS at most: a write to a pipe is a system
 * call, made synchronously by Node, and one per access line cost more than the rest of the line
 * (docs/benchmarks.md). Whatever is still waiting is written when the process exits, however it exits but killed.
 */
class LogLines {
  private readonly waiting: Record<Stream, string[]> = { stdout: [], stderr: [] };
  private scheduled = false;
  private exitHooked = false;

  write(stream: Stream, line: string): void {
    this.waiting[stream].push(line);
    if (this.scheduled) return;
    this.scheduled = true;
    if (!this.exitHooked) {
      this.exitHooked = true;
      process.on('exit', () => this.flush());
    }
    setTimeout(() => this.flush(), GATHER_MS).unref();
  }

  flush(): void {
    this.scheduled = false;
    for (const stream of ['stdout', 'stderr'] as const) {
      const lines = this.waiting[stream];
      if (lines.length === 0) continue;
      this.waiting[stream] = [];
      process[stream].write(lines.join(''));
    }
  }
}

/** The one buffer of the process's log lines. */
export const logLines = new LogLines();
