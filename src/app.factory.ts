import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { PACKAGE_VERSION } from './common/package-info.js';
import { configureApp } from './app.setup.js';
import type { AppConfig } from './config/app-config.js';
import { type DemoMerchantCreated, DemoMerchantSeeder } from './merchants/demo-merchant.seeder.js';


export interface GatehouseApp {
  app: NestExpressApplication;
  /** Set on the first sandbox boot only: the demo key to show once. */
  demo?: DemoMerchantCreated;
}

/** Builds and initialises (migrations, seeding) the app; the caller decides where it listens. */
export async function createGatehouseApp(config: AppConfig, databaseUrl: string): Promise<GatehouseApp> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, databaseUrl), {
    bufferLogs: true,
    bodyParser: false,
    abortOnError: false,
  });
  configureApp(app, config, PACKAGE_VERSION);
  await app.init();
  return { app, demo: app.get(DemoMerchantSeeder).created };
}
