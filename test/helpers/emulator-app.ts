import type { Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import express from 'express';
import helmet from 'helmet';
import type { AddressInfo } from 'node:net';
import { ProblemDetailsFilter, problemDetailsErrorHandler } from '../../src/common/errors/problem-details.filter.js';
import { keepRawBody } from '../../src/common/http/raw-body.js';
import { createValidationPipe } from '../../src/common/validation/validation.pipe.js';
import { loadConfig } from '../../src/config/config.loader.js';
import { ConfigModule } from '../../src/config/config.module.js';

export interface EmulatorApp {
  app: NestExpressApplication;
  /** `http://127.0.0.1:<port>`, the emulator's paths go below it. */
  origin: string;
}

/**
 * One emulator module in a minimal Nest app set up like Gatehouse's (app.setup.ts): helmet, the JSON
 * and form parsers keeping the raw bytes (MACs), problem+json errors and the validation pipe, on a
 * free loopback port. The module registers any parser of its own (PACO's application/jose).
 */
export async function startEmulatorApp(module: Type<unknown>, options: { publicBaseUrl?: string } = {}): Promise<EmulatorApp> {
  const config = loadConfig({ PUBLIC_BASE_URL: options.publicBaseUrl ?? 'http://gatehouse.test', LOG_LEVEL: 'silent' }, { dotenv: false });
  const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(config), module] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: false });
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  app.use(express.json({ type: ['application/json', 'application/*+json'], verify: keepRawBody }));
  app.use(express.urlencoded({ extended: false, verify: keepRawBody }));
  app.use(problemDetailsErrorHandler);
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(createValidationPipe());
  await app.listen(0, '127.0.0.1');
  return { app, origin: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}` };
}
