import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { createRootLogger, loggingOptions, ROOT_LOGGER } from './common/logging/logging.options.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { dataSourceOptions } from './database/data-source.options.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { MerchantsModule } from './merchants/merchants.module.js';
import { ConsentsModule } from './consents/consents.module.js';
import { IdempotencyModule } from './idempotency/idempotency.module.js';
import { PaymentsModule } from './payments/payments.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { ConnectPayModule } from './providers/connectpay/connectpay.module.js';
import { MomoModule } from './providers/momo/momo.module.js';
import { PacoModule } from './providers/paco/paco.module.js';
import { PagaModule } from './providers/paga/paga.module.js';
import { PayseraModule } from './providers/paysera/paysera.module.js';
import { SandboxModule } from './sandbox/sandbox.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    const logger = createRootLogger(config);
    return {
      module: AppModule,
      providers: [{ provide: ROOT_LOGGER, useValue: logger }],
      exports: [ROOT_LOGGER],
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggingOptions(logger)),
        TypeOrmModule.forRoot({ ...dataSourceOptions(databaseUrl, config.databasePoolSize), retryAttempts: 2, retryDelay: 1_000 }),
        DatabaseModule,
        HealthModule,
        MerchantsModule,
        ConsentsModule,
        IdempotencyModule,
        PaymentsModule,
        WebhooksModule,
        PagaModule,
        MomoModule,
        ConnectPayModule,
        PayseraModule,
        PacoModule,
        // The emulators exist only in sandbox mode; production never mounts /sandbox.
        ...(config.isSandbox ? [SandboxModule] : []),
      ],
    };
  }
}
