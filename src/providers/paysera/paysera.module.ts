import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../../config/app-config.js';
import { ConsentsModule } from '../../consents/consents.module.js';
import { CryptoModule } from '../../crypto/crypto.module.js';
import { PaymentsModule } from '../../payments/payments.module.js';
import { PayseraPaymentAdapter } from './paysera-payment.adapter.js';
import { PayseraAccountService } from './paysera-account.service.js';
import { PayseraAllowanceRow } from './paysera-allowance.entity.js';
import { PayseraAllowancesService } from './paysera-allowances.service.js';
import { PayseraCallbackController } from './paysera-callback.controller.js';
import { PayseraCallbackRecord } from './paysera-callback.entity.js';
import { PayseraCallbacksService } from './paysera-callbacks.service.js';
import { PayseraConsentProvider } from './paysera-consent.provider.js';
import { PayseraTransactionLink } from './paysera-transaction.entity.js';
import { PayseraTransactionsService } from './paysera-transactions.service.js';
import { PayseraClient } from './paysera.client.js';
import { loadPayseraConfig, PAYSERA_CONFIG } from './paysera.config.js';
import { PayseraController } from './paysera.controller.js';
import { PayseraStrategy } from './paysera.strategy.js';

/**
 * Paysera's wallet API: consent through Passport OAuth2 yielding MAC credentials, MAC-signed calls
 * (PayseraMacService), profile and balance, transactions as payments, allowances, signed callbacks.
 */
@Module({
  imports: [TypeOrmModule.forFeature([PayseraTransactionLink, PayseraAllowanceRow, PayseraCallbackRecord]), ConsentsModule, PaymentsModule, CryptoModule],
  controllers: [PayseraController, PayseraCallbackController],
  providers: [
    // Validated once, at boot: a bad PAYSERA_* variable stops the start with its name.
    { provide: PAYSERA_CONFIG, useFactory: loadPayseraConfig, inject: [AppConfig] },
    PayseraClient,
    PayseraStrategy,
    PayseraConsentProvider,
    PayseraAccountService,
    PayseraTransactionsService,
    PayseraAllowancesService,
    PayseraCallbacksService,
    PayseraPaymentAdapter,
  ],
})
export class PayseraModule {}
