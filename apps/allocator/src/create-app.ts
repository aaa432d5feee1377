import { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SwaggerModule } from '@nestjs/swagger';
import express from 'express';
import helmet from 'helmet';
import { join } from 'node:path';
import {
  accessLog,
  DATABASE_OUTAGE,
  ErrorFilter,
  createValidationPipe,
  jsonBody,
  requestContext,
  requestTimeout,
  ServiceLogger,
} from '@app/api-kit';
import { PrismaService, PROJECT_ROOT } from '@app/database';
import { authenticateFirst, FailedAuthLimiter } from '@app/auth';
import { AppConfig } from '@app/config';
import { Metrics } from '@app/metrics';
import { AppModule } from './app.module';
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
): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.register(config, databaseUrl), {
    logger: logger && new ServiceLogger(logger, config.logFormat === 'json'),
    bodyParser: false,
  });
  // Behind a load balancer, the client's address is the one it forwards (failed-auth limits are per client).
  const trustProxy = config.trustProxy;
  app
    .getHttpAdapter()
    .getInstance()
    .set(
      'trust proxy',
      trustProxy === 'true' ? true : trustProxy === 'false' ? false : trustProxy.split(',').map((p) => p.trim()),
    );
  // Error answers tell a database outage (503, logged once) from a failure (500).
  app.getHttpAdapter().getInstance().locals[DATABASE_OUTAGE] = app.get(PrismaService).outage;
  // Before any route: a bound on every request, security headers, the key of every /api request (so a
  // request without one is 401 whatever its body), then the body, read and checked (json-body.ts).
  // A request id for every line of a request and every error body; one access line per request.
  app.use(requestContext());
  app.use(accessLog());
  app.use(httpMetrics(app.get(Metrics)));
  app.use(requestTimeout(config.requestTimeoutSeconds));
  // The service speaks plain HTTP (TLS, where wanted, ends in front of it): nothing to upgrade.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  app.use('/api', authenticateFirst(new FailedAuthLimiter(config.authFailureLimit, 60)));
  app.use(jsonBody({ limit: config.bodyLimitBytes, maxDepth: MAX_JSON_DEPTH }));
  app.useGlobalFilters(new ErrorFilter());
  app.useGlobalPipes(createValidationPipe());
  // Hashed assets never change under their name; the page itself is looked at again each time.
  app.use(
    `/${CONSOLE_PATH}`,
    express.static(CONSOLE_DIR, {
      setHeaders: (res, path) =>
        res.setHeader('Cache-Control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable'),
    }),
  );
  SwaggerModule.setup(DOCS_PATH, app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: `${DOCS_PATH}-json`,
    swaggerOptions: { persistAuthorization: true },
  });
  return app;
}
