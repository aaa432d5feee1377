import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { currentRequestId } from './request-context';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** The levels from `level` up (LOG_LEVEL=warn: fatal, error, warn). */
export function levelsFrom(level: LogLevel): LogLevel[] {
  return LEVELS.slice(0, LEVELS.indexOf(level) + 1);
}

/**
 * The service's log: JSON lines for machines (the default when stdout is not a terminal), readable lines
 * with colours on a terminal; the lines written for a request (logForRequest: its access line, an unexpected
 * failure, a database outage it noticed) carry its request id.
 */
export class ServiceLogger extends ConsoleLogger {
  constructor(levels: LogLevel[], json: boolean) {
    super({ logLevels: levels, json, colors: !json });
  }

  protected override getJsonLogObject(message: unknown, options: Parameters<ConsoleLogger['getJsonLogObject']>[1]) {
    const requestId = currentRequestId();
    return { ...super.getJsonLogObject(message, options), ...(requestId && { requestId }) };
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
