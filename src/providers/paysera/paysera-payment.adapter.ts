import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Merchant } from '../../merchants/merchant.entity.js';
import type { Payment } from '../../payments/payment.entity.js';
import { PaymentOptions } from '../../payments/payment-options.js';
import { type PaymentProviderAdapter, PaymentProviderRegistry, type UnifiedPaymentRequest } from '../../payments/payment-provider.registry.js';
import { PayseraTransactionsService } from './paysera-transactions.service.js';
import { PAYSERA_CONFIG, type PayseraConfig } from './paysera.config.js';

/**
 * Paysera behind POST /v1/payments: a transaction the payer accepts on Paysera's confirmation page
 * (requires_action with nextAction.redirectUrl); with `consentId` it is tied to the payer's
 * consent, so `POST /v1/paysera/transactions/:id/reserve` can reserve it with their token. Options:
 * `autoConfirm` ("true"/"false"), `redirectUrl` (one of the merchant's allowed return URLs).
 * Cancel = revoke (before it is confirmed).
 */
@Injectable()
export class PayseraPaymentAdapter implements PaymentProviderAdapter, OnModuleInit {
  readonly name = 'paysera';
  readonly needsConsent = false;

  constructor(
    private readonly transactions: PayseraTransactionsService,
    private readonly registry: PaymentProviderRegistry,
    @Inject(PAYSERA_CONFIG) private readonly config: PayseraConfig,
  ) {}

  onModuleInit(): void {
    if (this.config.enabled) this.registry.register(this);
  }

  create(merchant: Merchant, request: UnifiedPaymentRequest): Promise<Payment> {
    const options = new PaymentOptions(request.options, ['autoConfirm', 'redirectUrl']);
    const autoConfirm = options.string('autoConfirm', { values: ['true', 'false'] });
    const redirectUrl = options.string('redirectUrl', { max: 2000 });
    options.check();
    return this.transactions.create(merchant, {
      reference: request.reference,
      amount: request.amount,
      description: request.description ?? request.reference,
      consentId: request.consentId,
      autoConfirm: autoConfirm === undefined ? undefined : autoConfirm === 'true',
      redirectUrl,
    });
  }

  cancel(merchant: Merchant, payment: Payment): Promise<Payment> {
    return this.transactions.revoke(merchant, payment.id);
  }
}
