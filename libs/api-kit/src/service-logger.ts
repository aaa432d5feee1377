import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { logLines } from './log-lines';
import { currentRequestId } from './request-context';

/** Nest truncates a line's JSON past a million characters; a flat line far below that is serialised as it is. */
const FLAT_LINE_MOST = 100_000;

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** The levels from `level` up (LOG_LEVEL=warn: fatal, error, warn). */
export function levelsFrom(level: LogLevel): LogLevel[] {
  return LEVELS.slice(0, LEVELS.indexOf(level) + 1);
}

/**
 * The service's log: JSON lines for machines (the default when stdout is not a terminal), readable lines
 * with colours on a terminal; the lines written for a request (logForRequest: its access line, an unexpected
 * failure, a database outage it noticed) carry its request id. JSON lines leave through one buffer (log-lines.ts).
 */
export class ServiceLogger extends ConsoleLogger {
  constructor(levels: LogLevel[], json: boolean) {
    super({ logLevels: levels, json, colors: !json });
  }

  protected override getJsonLogObject(message: unknown, options: Parameters<ConsoleLogger['getJsonLogObject']>[1]) {
    const requestId = currentRequestId();
    return { ...super.getJsonLogObject(message, options), ...(requestId && { requestId }) };
  }

  protected override printAsJson(message: unknown, options: Parameters<ConsoleLogger['printAsJson']>[1]): void {
    logLines.write(
      options.writeStreamType ?? 'stdout',
      `${this.stringifyJsonLogObject(this.getJsonLogObject(message, options))}\n`,
    );
  }

  /**
   * A line of strings and numbers (every line the service writes but a logged object) needs none of Nest's walk
   * for objects, circular references and over-long output: it is the same text (service-logger.spec.ts).
   */
  protected override stringifyJsonLogObject(logObject: Record<string, unknown>): string {
    return isFlat(logObject) ? JSON.stringify(logObject) : super.stringifyJsonLogObject(logObject);
  }

  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: LogLevel,
    writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
  ): void {
    const requestId = this.options.json ? undefined : currentRequestId();
    super.printMessages(
      messages,
      requestId ? `${context ?? ''} ${requestId}`.trim() : context,
      logLevel,
      writeStreamType,
      errorStack,
    );
  }
}

function isFlat(logObject: Record<string, unknown>): boolean {
  let length = 0;
  for (const key in logObject) {
    const value = logObject[key];
    if (typeof value === 'string') length += value.length;
    else if (typeof value !== 'number') return false;
  }
  return length < FLAT_LINE_MOST;
}
