import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Merchant } from '../../merchants/merchant.entity.js';
import type { Payment } from '../../payments/payment.entity.js';
import { PaymentOptions } from '../../payments/payment-options.js';
import { type PaymentProviderAdapter, PaymentProviderRegistry, type UnifiedPaymentRequest } from '../../payments/payment-provider.registry.js';
import { PacoActionsService } from './paco-actions.service.js';
import { PacoPaymentsService } from './paco-payments.service.js';
import { PACO_CONFIG, type PacoConfig } from './paco.config.js';

/**
 * PACO behind POST /v1/payments. Options: `flow` (`hosted`, the default: the answer is
 * requires_action with nextAction.redirectUrl, PACO's card page; or `direct`, with `card`:
 * {number, expiryMMYY, cvv, holderName?}), `returnUrl` (hosted: one of the merchant's allowed
 * return URLs; the first of them when absent). The reference is the order number. Refund = PACO
 * refund (of a settled payment), cancel = PACO void (of an authorised one).
 */
@Injectable()
export class PacoPaymentAdapter implements PaymentProviderAdapter, OnModuleInit {
  readonly name = 'paco';
  readonly needsConsent = false;

  constructor(
    private readonly payments: PacoPaymentsService,
    private readonly actions: PacoActionsService,
    private readonly registry: PaymentProviderRegistry,
    @Inject(PACO_CONFIG) private readonly config: PacoConfig,
  ) {}

  onModuleInit(): void {
    if (this.config.enabled) this.registry.register(this);
  }

  async create(merchant: Merchant, request: UnifiedPaymentRequest): Promise<Payment> {
    const options = new PaymentOptions(request.options, ['flow', 'returnUrl', 'card']);
    const flow = options.string('flow', { values: ['hosted', 'direct'] }) ?? 'hosted';
    const returnUrl = options.string('returnUrl', { max: 2000 }) ?? merchant.allowedReturnUrls[0];
    const card = options.object('card', { required: flow === 'direct' });
    const extra: { field: string; message: string }[] = [];
    if (flow === 'hosted' && !returnUrl) extra.push({ field: 'options.returnUrl', message: 'is required (the merchant has no allowed return URL)' });
    const cardFields = card ? new PaymentOptions(card, ['number', 'expiryMMYY', 'cvv', 'holderName'], 'options.card') : undefined;
    const number = cardFields?.string('number', { required: true, pattern: /^\d{12,19}$/ });
    const expiryMMYY = cardFields?.string('expiryMMYY', { required: true, pattern: /^(0[1-9]|1[0-2])\d{2}$/ });
    const cvv = cardFields?.string('cvv', { required: true, pattern: /^\d{3,4}$/ });
    const holderName = cardFields?.string('holderName', { max: 100 });
    options.check([...extra, ...(cardFields?.problems() ?? [])]);
    const { payment } = await this.payments.create(merchant, {
      orderNo: request.reference,
      amountMinor: request.amount.value,
      currency: request.amount.currency,
      description: request.description ?? request.reference,
      channel: flow as 'hosted' | 'direct',
      returnUrl: flow === 'hosted' ? returnUrl : undefined,
      card: flow === 'direct' ? { number: number!, expiryMMYY: expiryMMYY!, cvv: cvv!, holderName } : undefined,
    });
    return payment;
  }

  async refund(merchant: Merchant, payment: Payment, amountMinor?: number): Promise<Payment> {
    return (await this.actions.refund(merchant, payment.reference, amountMinor === undefined ? undefined : { value: amountMinor, currency: payment.currency })).payment;
  }

  async cancel(merchant: Merchant, payment: Payment): Promise<Payment> {
    return (await this.actions.void(merchant, payment.reference)).payment;
  }
}
