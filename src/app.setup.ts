import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import express, { type RequestHandler } from 'express';
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

/** Paths that serve pages to a browser: Swagger UI, the demo, the emulators' screens. */
const PAGE_PATH = /^\/(?:docs|demo|sandbox)(?:[/-]|$)/;

/**
 * Security headers. Pages get helmet's defaults (a CSP for HTML, the browser-isolation headers).
 * JSON answers get the OWASP REST Security Cheat Sheet's set: nothing of them may be stored
 * (`Cache-Control: no-store`: they carry payment data, and API keys when one is issued), framed or
 * sniffed, and the HTML-only headers are left out, which also keeps every answer ~400 bytes shorter.
 */
export function securityHeaders(config: AppConfig): RequestHandler {
  const pages = helmet({
    // Upgrading to https only makes sense where https is served; the sandbox is plain http.
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: config.isSandbox ? null : [] } },
  });
  const api = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    frameguard: { action: 'deny' },
    crossOriginOpenerPolicy: false,
    originAgentCluster: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
  });
  return (req, res, next) => {
    if (PAGE_PATH.test(req.path)) return pages(req, res, next);
    res.setHeader('Cache-Control', 'no-store');
    return api(req, res, next);
  };
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
  app.use(securityHeaders(config));
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
