import { Inject, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { CryptoModule } from '../../crypto/crypto.module.js';
import { MerchantsModule } from '../../merchants/merchants.module.js';
import { PaymentsModule } from '../../payments/payments.module.js';
import { MOMO_SANDBOX_PATH, MOMO_SANDBOX_SUBSCRIPTION_KEYS } from '../../sandbox/sandbox-accounts.js';
import { MomoAccountsService } from './momo-accounts.service.js';
import { MomoCallbackController } from './momo-callback.controller.js';
import { MomoCredentials } from './momo-credentials.service.js';
import { MomoPaymentAdapter } from './momo-payment.adapter.js';
import { MomoPaymentsService } from './momo-payments.service.js';
import { MomoTokenManager } from './momo-token.manager.js';
import { MomoClient } from './momo.client.js';
import { loadMomoConfig, MOMO_CONFIG, MOMO_PRODUCTS, type MomoConfig } from './momo.config.js';
import { MomoController } from './momo.controller.js';

/** MTN MoMo: provisioning, tokens, collections, disbursements, callbacks and reconciliation. */
@Module({
  imports: [CryptoModule, PaymentsModule, MerchantsModule],
  controllers: [MomoController, MomoCallbackController],
  providers: [
    {
      provide: MOMO_CONFIG,
      useFactory: (app: AppConfig) => loadMomoConfig(app, { collection: MOMO_SANDBOX_SUBSCRIPTION_KEYS.collection.primary, disbursement: MOMO_SANDBOX_SUBSCRIPTION_KEYS.disbursement.primary }, MOMO_SANDBOX_PATH),
      inject: [AppConfig],
    },
    MomoClient,
    MomoCredentials,
    MomoTokenManager,
    MomoPaymentsService,
    MomoAccountsService,
    MomoPaymentAdapter,
  ],
  exports: [MomoPaymentsService],
})
export class MomoModule implements OnApplicationBootstrap {
  private readonly logger = new Logger('MomoStartupCheck');

  constructor(
    @Inject(MOMO_CONFIG) private readonly config: MomoConfig,
    private readonly credentials: MomoCredentials,
  ) {}

  /**
   * Once the server listens (the sandbox emulator is served by this same process), make sure each
   * product has an API user and say clearly if its callback host is not ours.
   */
  onApplicationBootstrap(): void {
    if (!this.config.enabled) return;
    const check = async (attempt: number): Promise<void> => {
      try {
        for (const product of MOMO_PRODUCTS) await this.credentials.checkCallbackHost(product);
      } catch (err) {
        if (attempt < 3) setTimeout(() => void check(attempt + 1), 1_000 * attempt).unref();
        else this.logger.warn({ err: (err as Error).message, baseUrl: this.config.baseUrl }, 'MoMo startup check failed; it will be retried on first use');
      }
    };
    setTimeout(() => void check(1), 500).unref();
  }
}
