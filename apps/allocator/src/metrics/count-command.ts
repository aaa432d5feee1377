import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { reachedRoute } from '@app/api-kit';
import { ErrorCode } from '@app/errors';
import { Metrics } from '@app/metrics';

/** The route is a server command, counted in allocator_commands_total (and timed, for allocate). */
export const CountCommand = (command: string) => RouteConfig({ command });

const QUOTA_REFUSALS = new Set<string>([
  ErrorCode.QUOTA_EXCEEDED,
  ErrorCode.NO_CAPACITY,
  ErrorCode.CONTRACT_NOT_ACTIVE,
  ErrorCode.CONTRACT_OF_ANOTHER_CLIENT,
]);

/** Refused by authentication or a scope guard: the command was not given. */
const NOT_GIVEN = new Set<string>([ErrorCode.UNAUTHORIZED, ErrorCode.FORBIDDEN]);

/** A command's result from its answer: the error code, noop (a repeat that found its work done), or ok. */
function resultOf(answer: unknown): string | undefined {
  const { code, changed } = (answer ?? {}) as { code?: string; changed?: boolean };
  if (code !== undefined) return NOT_GIVEN.has(code) ? undefined : code;
  return changed === false ? 'noop' : 'ok';
}

/**
 * Counts every server command by its result, read from the answer as Fastify is about to serialise it.
 * A hook rather than a Nest interceptor: an interceptor puts every request of its routes through RxJS, which
 * cost a fifth of a command's CPU (docs/benchmarks.md).
 */
export function commandMetrics(fastify: FastifyInstance, metrics: Metrics): void {
  fastify.addHook('preSerialization', (request, reply, answer, done) => {
    const { command } = request.routeOptions.config as { command?: string };
    const result = command && reachedRoute(request) && resultOf(answer);
    if (result) {
      metrics.commands.inc({ command, result });
      if (command === 'allocate') metrics.allocateDuration.observe({ result }, reply.elapsedTime / 1000);
      if (QUOTA_REFUSALS.has(result)) metrics.quotaRefusals.inc({ reason: result });
    }
    done(null, answer);
  });
}
