import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Merchant } from '../../merchants/merchant.entity.js';
import type { Payment } from '../../payments/payment.entity.js';
import { PaymentOptions } from '../../payments/payment-options.js';
import { type PaymentProviderAdapter, PaymentProviderRegistry, type UnifiedPaymentRequest } from '../../payments/payment-provider.registry.js';
import { ConnectPayPaymentsService } from './connectpay-payments.service.js';
import { CONNECTPAY_CONFIG, type ConnectPayConfig } from './connectpay.config.js';

const IBAN = /^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/;

/**
 * ConnectPay behind POST /v1/payments: a PSD2 payment initiation from the consenting PSU's account
 * (consentId with psd2-pis). Options: `debtorIban`, `creditorName`, `creditorIban`,
 * `endToEndId`; the description is the remittance information. ConnectPay documents no refund or
 * cancel.
 */
@Injectable()
export class ConnectPayPaymentAdapter implements PaymentProviderAdapter, OnModuleInit {
  readonly name = 'connectpay';
  readonly needsConsent = true;

  constructor(
    private readonly payments: ConnectPayPaymentsService,
    private readonly registry: PaymentProviderRegistry,
    @Inject(CONNECTPAY_CONFIG) private readonly config: ConnectPayConfig,
  ) {}

  onModuleInit(): void {
    if (this.config.enabled) this.registry.register(this);
  }

  async create(merchant: Merchant, request: UnifiedPaymentRequest): Promise<Payment> {
    const options = new PaymentOptions(request.options, ['debtorIban', 'creditorName', 'creditorIban', 'endToEndId']);
    const debtorIban = options.string('debtorIban', { required: true, pattern: IBAN });
    const creditorName = options.string('creditorName', { required: true, max: 140 });
    const creditorIban = options.string('creditorIban', { required: true, pattern: IBAN });
    const endToEndId = options.string('endToEndId', { max: 35, pattern: /^[A-Za-z0-9]+$/ });
    options.check();
    const { payment } = await this.payments.create(merchant, request.consentId!, {
      reference: request.reference,
      amount: request.amount,
      debtorAccount: { iban: debtorIban! },
      creditorName: creditorName!,
      creditorAccount: { iban: creditorIban! },
      remittanceInformation: request.description,
      endToEndId,
    });
    return payment;
  }
}
