import { Global, Inject, Logger, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { IDEMPOTENCY_CONFIG, loadIdempotencyConfig } from './idempotency.config.js';
import { IdempotencyInterceptor } from './idempotency.interceptor.js';
import { IdempotencyStore } from './idempotency.store.js';

const PRUNE_EVERY_MS = 10 * 60_000;

/**
 * Idempotency-Key for every merchant POST (`@Idempotent()` on the route), stored in Postgres;
 * expired keys are pruned. Global, so that any controller's module can build the interceptor.
 */
@Global()
@Module({
  providers: [{ provide: IDEMPOTENCY_CONFIG, useFactory: loadIdempotencyConfig, inject: [AppConfig] }, IdempotencyStore, IdempotencyInterceptor],
  exports: [IDEMPOTENCY_CONFIG, IdempotencyStore, IdempotencyInterceptor],
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
