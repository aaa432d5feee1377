import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Observable, tap } from 'rxjs';
import { DomainError, ErrorCode } from '@app/errors';
import { Metrics } from '@app/metrics';

const COMMAND = 'countedCommand';

/** The route is a server command, counted in allocator_commands_total (and timed, for allocate). */
export const CountCommand = (command: string) => SetMetadata(COMMAND, command);

const QUOTA_REFUSALS = new Set<string>([
  ErrorCode.QUOTA_EXCEEDED,
  ErrorCode.NO_CAPACITY,
  ErrorCode.CONTRACT_NOT_ACTIVE,
  ErrorCode.CONTRACT_OF_ANOTHER_CLIENT,
]);

/** Counts every server command by its result: ok, noop (a repeat that found its work done), or the error code. */
@Injectable()
export class CommandMetricsInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly metrics: Metrics,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const command = this.reflector.get<string | undefined>(COMMAND, context.getHandler());
    if (!command) return next.handle();
    const started = process.hrtime.bigint();
    const record = (result: string) => {
      this.metrics.commands.inc({ command, result });
      if (command === 'allocate')
        this.metrics.allocateDuration.observe({ result }, Number(process.hrtime.bigint() - started) / 1e9);
      if (QUOTA_REFUSALS.has(result)) this.metrics.quotaRefusals.inc({ reason: result });
    };
    return next.handle().pipe(
      tap({
        next: (answer) => record((answer as { changed?: boolean }).changed === false ? 'noop' : 'ok'),
        error: (error: unknown) => record(error instanceof DomainError ? error.code : ErrorCode.INTERNAL_ERROR),
      }),
    );
  }
}
