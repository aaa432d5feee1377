import fastifyStatic from '@fastify/static';
import { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import helmet, { HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import {
  accessLog,
  ErrorFilter,
  createValidationPipe,
  jsonBody,
  requestContext,
  requestIdOf,
  requestTimeout,
  ServiceLogger,
} from '@app/api-kit';
import { PrismaService, PROJECT_ROOT } from '@app/database';
import { authenticateFirst, FailedAuthLimiter } from '@app/auth';
import { AppConfig } from '@app/config';
import { Metrics } from '@app/metrics';
import { AppModule } from './app.module';
import { commandMetrics } from './metrics/count-command';
import { httpMetrics } from './metrics/http-metrics';
import { buildOpenApiDocument } from './openapi';

export const DOCS_PATH = 'docs';
/** The staff console (apps/console), built by Vite into dist/console. */
export const CONSOLE_PATH = 'console';
const CONSOLE_DIR = join(PROJECT_ROOT, 'dist', 'console');

/** Far deeper than any body of this API nests; bounds what parsing a body may cost. */
const MAX_JSON_DEPTH = 64;

/** The HTTP application, fully configured but not listening: used by main, the tests and the OpenAPI writer. */
export async function createApp(
  config: AppConfig,
  databaseUrl: string,
  logger: LogLevel[] | false = ['log', 'warn', 'error'],
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    // Behind a load balancer, the client's address is the one it forwards (failed-auth limits are per client).
    trustProxy: trustedProxies(config.trustProxy),
    genReqId: requestIdOf,
    // Paths match whatever their case, as they did on Express, and ids far longer than any id still reach
    // their routes, to be answered 400 by their pipes rather than 404.
    routerOptions: { maxParamLength: 1000, caseSensitive: false },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config, databaseUrl), adapter, {
    logger: logger && new ServiceLogger(logger, config.logFormat === 'json'),
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  // Error answers tell a database outage (503, logged once) from a failure (500).
  fastify.decorate('databaseOutage', app.get(PrismaService).outage);
  // Before any route: a request id for every line of a request and every error body, one access line and
  // the metrics of every request (and of every server command), a bound on every request, security headers,
  // the key of every /api request (so a request without one is 401 whatever its body), then the body, read
  // and checked (json-body.ts).
  requestContext(fastify);
  accessLog(fastify);
  httpMetrics(fastify, app.get(Metrics));
  commandMetrics(fastify, app.get(Metrics));
  requestTimeout(fastify, config.requestTimeoutSeconds);
  securityHeaders(fastify);
  authenticateFirst(fastify, new FailedAuthLimiter(config.authFailureLimit, 60));
  jsonBody(fastify, { limit: config.bodyLimitBytes, maxDepth: MAX_JSON_DEPTH });
  app.useGlobalFilters(new ErrorFilter());
  app.useGlobalPipes(createValidationPipe());
  // Hashed assets never change under their name; the page itself is looked at again each time.
  await app.register(fastifyStatic, {
    root: CONSOLE_DIR,
    prefix: `/${CONSOLE_PATH}/`,
    decorateReply: false,
    setHeaders: (reply, path) =>
      reply.header('Cache-Control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable'),
  });
  // The console's address as people type it leads to the page.
  fastify.get(`/${CONSOLE_PATH}`, (_request, reply) => reply.redirect(`/${CONSOLE_PATH}/`, 301));
  SwaggerModule.setup(DOCS_PATH, app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: `${DOCS_PATH}-json`,
    swaggerOptions: { persistAuthorization: true },
  });
  return app;
}

/** TRUST_PROXY: true, false, or the proxies' addresses and networks, comma-separated. */
function trustedProxies(setting: string): boolean | string[] {
  return setting === 'true' ? true : setting === 'false' ? false : setting.split(',').map((p) => p.trim());
}

/**
 * Helmet's headers on every answer. The service speaks plain HTTP (TLS, where wanted, ends in front of it): nothing
 * to upgrade. They are the same for every request, so Helmet works them out once: putting each request through its
 * dozen middlewares cost more than setting them (docs/benchmarks.md).
 */
function securityHeaders(fastify: FastifyInstance): void {
  const headers = helmetHeaders({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } });
  fastify.addHook('onRequest', (_request, reply, done) => {
    reply.raw.setHeaders(headers);
    done();
  });
}

/** The headers Helmet sets with these options, as it sets them on an answer. */
function helmetHeaders(options: HelmetOptions): Map<string, string> {
  const headers = new Map<string, string>();
  const answer = {
    setHeader: (name: string, value: string) => headers.set(name, value),
    removeHeader: (name: string) => headers.delete(name),
  };
  helmet(options)({} as IncomingMessage, answer as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
  });
  return headers;
}
