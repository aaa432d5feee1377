import { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SwaggerModule } from '@nestjs/swagger';
import { ErrorFilter, createValidationPipe } from '@app/api-kit';
import { AppConfig } from '@app/config';
import { AppModule } from './app.module';
import { buildOpenApiDocument } from './openapi';

export const DOCS_PATH = 'docs';

/** The HTTP application, fully configured but not listening: used by main, the tests and the OpenAPI writer. */
export async function createApp(config: AppConfig, databaseUrl: string, logger: LogLevel[] | false = ['log', 'warn', 'error']): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.register(config, databaseUrl), { logger, bodyParser: true });
  app.useGlobalFilters(new ErrorFilter());
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  SwaggerModule.setup(DOCS_PATH, app, () => buildOpenApiDocument(app), { jsonDocumentUrl: `${DOCS_PATH}-json`, swaggerOptions: { persistAuthorization: true } });
  return app;
}
