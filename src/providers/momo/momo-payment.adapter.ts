import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error.js';
import type { Merchant } from '../../merchants/merchant.entity.js';
import type { Payment } from '../../payments/payment.entity.js';
import { PaymentOptions } from '../../payments/payment-options.js';
import { type PaymentProviderAdapter, PaymentProviderRegistry, type UnifiedPaymentRequest } from '../../payments/payment-provider.registry.js';
import { MomoPaymentsService } from './momo-payments.service.js';
import { MOMO_CONFIG, type MomoConfig } from './momo.config.js';

/**
 * MoMo behind POST /v1/payments: a request to pay from `payer.msisdn`; the description is the
 * payer's message. Options: `payeeNote`. MoMo's collection API has no refund or cancel.
 */
@Injectable()
export class MomoPaymentAdapter implements PaymentProviderAdapter, OnModuleInit {
  readonly name = 'momo';
  readonly needsConsent = false;

  constructor(
    private readonly payments: MomoPaymentsService,
    private readonly registry: PaymentProviderRegistry,
    @Inject(MOMO_CONFIG) private readonly config: MomoConfig,
  ) {}

  onModuleInit(): void {
    if (this.config.enabled) this.registry.register(this);
  }

  create(merchant: Merchant, request: UnifiedPaymentRequest): Promise<Payment> {
    const options = new PaymentOptions(request.options, ['payeeNote']);
    const payeeNote = options.string('payeeNote', { max: 160 });
    options.check(request.payer?.msisdn ? [] : [{ field: 'payer.msisdn', message: 'is required for momo' }]);
    if (request.consentId) throw new AppError('VALIDATION_FAILED', 'MoMo takes no consent.', { errors: [{ field: 'consentId', message: 'must be absent for momo' }] });
    return this.payments.create(merchant.id, 'collection', {
      reference: request.reference,
      amountMinor: request.amount.value,
      currency: request.amount.currency,
      msisdn: request.payer!.msisdn!,
      payerMessage: request.description,
      payeeNote,
    });
  }
}
