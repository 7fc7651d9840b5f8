import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import express from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { Logger as PinoLogger } from 'nestjs-pino';
import { ProblemDetailsFilter, problemDetailsErrorHandler } from './common/errors/problem-details.filter.js';
import { keepRawBody } from './common/http/raw-body.js';
import { requestLogging, ROOT_LOGGER } from './common/logging/logging.options.js';
import { createValidationPipe } from './common/validation/validation.pipe.js';
import type { AppConfig } from './config/app-config.js';

export const API_DESCRIPTION = `One guarded REST API in front of Paga Connect, ConnectPay, MTN MoMo, Paysera and 2C2P PACO.

Merchant routes (\`/v1/...\`) take \`Authorization: Bearer gh_test_...\` (sandbox) or \`gh_live_...\` keys.
Admin routes (\`/admin/...\`) take \`Authorization: Bearer <ADMIN_TOKEN>\`.
Every error is \`application/problem+json\` with a stable \`code\`.`;

export function buildOpenApiDocument(app: NestExpressApplication, version: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Gatehouse')
    .setDescription(API_DESCRIPTION)
    .setVersion(version)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A merchant API key: gh_test_… or gh_live_…' }, 'merchant-key')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The operator token (ADMIN_TOKEN)' }, 'admin-token')
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Everything about the HTTP surface that is not a route; shared by `main.ts` and the tests. */
export function configureApp(app: NestExpressApplication, config: AppConfig, version: string): void {
  app.useLogger(app.get(PinoLogger));
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  // An API answer is not a cacheable page: no per-response body hash.
  app.set('etag', false);
  // First of all, so that even a body-parser error carries the request id and is logged.
  app.use(requestLogging(app.get<Logger>(ROOT_LOGGER)));
  app.use(
    helmet({
      // Upgrading to https only makes sense where https is served; the sandbox is plain http.
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: config.isSandbox ? null : [] } },
    }),
  );
  if (config.corsOrigins.length) {
    app.enableCors({
      origin: config.corsOrigins,
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'],
      exposedHeaders: ['X-Request-Id', 'Retry-After'],
      maxAge: 600,
    });
  }
  app.use(express.json({ limit: config.bodyLimit, type: ['application/json', 'application/*+json'], verify: keepRawBody }));
  app.use(express.urlencoded({ limit: config.bodyLimit, extended: false, verify: keepRawBody }));
  // Body-parser errors happen before Nest routes; this renders them as problem+json too.
  app.use(problemDetailsErrorHandler);
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(createValidationPipe());
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app, version), {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'Gatehouse API',
  });
}
