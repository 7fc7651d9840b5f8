import { Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { ConsentsModule } from '../../consents/consents.module.js';
import { PaymentsModule } from '../../payments/payments.module.js';
import { PagaConsentProvider } from './paga-consent.provider.js';
import { PagaPaymentAdapter } from './paga-payment.adapter.js';
import { PagaOperationsService } from './paga-operations.service.js';
import { PagaClient } from './paga.client.js';
import { loadPagaConfig, PAGA_CONFIG } from './paga.config.js';
import { PagaController } from './paga.controller.js';
import { PagaStrategy } from './paga.strategy.js';

/** Paga Connect: consent through Passport OAuth2, then payments, transfers, details, balance. */
@Module({
  imports: [ConsentsModule, PaymentsModule],
  controllers: [PagaController],
  providers: [
    // Validated once, at boot: a bad PAGA_* variable stops the start with its name.
    { provide: PAGA_CONFIG, useFactory: loadPagaConfig, inject: [AppConfig] },
    PagaClient,
    PagaStrategy,
    PagaConsentProvider,
    PagaOperationsService,
    PagaPaymentAdapter,
  ],
})
export class PagaModule {}
