import { Inject, Logger, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AppConfig } from '../config/app-config.js';
import { IDEMPOTENCY_CONFIG, loadIdempotencyConfig } from './idempotency.config.js';
import { IdempotencyInterceptor } from './idempotency.interceptor.js';
import { IdempotencyStore } from './idempotency.store.js';

const PRUNE_EVERY_MS = 10 * 60_000;

/** Idempotency-Key for every merchant POST, stored in Postgres; expired keys are pruned. */
@Module({
  providers: [
    { provide: IDEMPOTENCY_CONFIG, useFactory: loadIdempotencyConfig, inject: [AppConfig] },
    IdempotencyStore,
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
  ],
})
export class IdempotencyModule implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(IdempotencyModule.name);
  private timer?: NodeJS.Timeout;

  constructor(@Inject(IdempotencyStore) private readonly store: IdempotencyStore) {}

  onModuleInit(): void {
    this.timer = setInterval(() => {
      this.store.prune().catch((err: unknown) => this.logger.warn({ err }, 'pruning idempotency keys failed'));
    }, PRUNE_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
