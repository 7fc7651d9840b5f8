import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Merchant } from '../../merchants/merchant.entity.js';
import type { Payment } from '../../payments/payment.entity.js';
import { PaymentOptions } from '../../payments/payment-options.js';
import { type PaymentProviderAdapter, PaymentProviderRegistry, type UnifiedPaymentRequest } from '../../payments/payment-provider.registry.js';
import { PagaOperationsService } from './paga-operations.service.js';
import { PAGA_CONFIG, type PagaConfig } from './paga.config.js';

/**
 * Paga behind POST /v1/payments: a merchant payment from the wallet of a connected user.
 * Options: `customerReference` (Paga's merchantCustomerReference; the payment's reference when
 * absent), `productCode`. Paga Connect has no refund or cancel operation.
 */
@Injectable()
export class PagaPaymentAdapter implements PaymentProviderAdapter, OnModuleInit {
  readonly name = 'paga';
  readonly needsConsent = true;

  constructor(
    private readonly operations: PagaOperationsService,
    private readonly registry: PaymentProviderRegistry,
    @Inject(PAGA_CONFIG) private readonly config: PagaConfig,
  ) {}

  onModuleInit(): void {
    if (this.config.enabled) this.registry.register(this);
  }

  create(merchant: Merchant, request: UnifiedPaymentRequest): Promise<Payment> {
    const options = new PaymentOptions(request.options, ['customerReference', 'productCode']);
    const customerReference = options.string('customerReference', { max: 100 }) ?? request.reference;
    const productCode = options.string('productCode', { max: 100 });
    options.check();
    return this.operations.charge(merchant, request.consentId!, { reference: request.reference, amount: request.amount, customerReference, productCode });
  }
}
