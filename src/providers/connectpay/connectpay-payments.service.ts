import { Injectable } from '@nestjs/common';
import { AppError, type FieldError } from '../../common/errors/app-error.js';
import type { Consent } from '../../consents/consent.entity.js';
import { ConsentsService } from '../../consents/consents.service.js';
import { TokenVault } from '../../consents/token-vault.service.js';
import type { Merchant } from '../../merchants/merchant.entity.js';
import type { Payment } from '../../payments/payment.entity.js';
import { PaymentsLedger } from '../../payments/payments.ledger.js';
import { ConnectPayConsentProvider } from './connectpay-consent.provider.js';
import { ConnectPayPsuService } from './connectpay-psu.service.js';
import { ConnectPayClient } from './connectpay.client.js';
import { ConnectPayApiError, CONNECTPAY_CURRENCY, isValidIban, mapPayment, normalizeIban, type PaymentOutcome, paymentBody, PIS, problemFor } from './connectpay.mapper.js';
import type { ConnectPayPaymentDto } from './dto/connectpay.dto.js';

/**
 * A PIS payment takes money from the consenting user's account, as the merchant asked: the
 * ledger's `charge` (like a Paga merchant payment or a MoMo collection), not `transfer` (money
 * the merchant sends out).
 */
const KIND = 'charge' as const;

/** The ConnectPay facts kept in the payment's provider_result. */
interface ConnectPayResult {
  /** `sent` once the request may have reached ConnectPay: from then on it is never sent again. */
  submission?: 'sent' | 'refused';
  endToEndId?: string;
  paymentOrderNo?: string;
  wireStatus?: string;
}

export const paymentOrderNoOf = (p: Payment): string | null => p.providerReference ?? ((p.providerResult as ConnectPayResult | null)?.paymentOrderNo ?? null);

/**
 * Payment initiation (scope psd2-pis). The merchant's reference is the idempotency key
 * (PaymentsLedger.begin); the row is committed `pending` before ConnectPay is called. ConnectPay
 * documents no idempotency key, so a request that may have reached it is never sent a second
 * time: an unknown outcome stays pending with lastError for a person to look at.
 */
@Injectable()
export class ConnectPayPaymentsService {
  constructor(
    private readonly client: ConnectPayClient,
    private readonly provider: ConnectPayConsentProvider,
    private readonly consents: ConsentsService,
    private readonly vault: TokenVault,
    private readonly ledger: PaymentsLedger,
    private readonly psu: ConnectPayPsuService,
  ) {}

  async create(merchant: Merchant, consentId: string, dto: ConnectPayPaymentDto): Promise<{ payment: Payment; created: boolean }> {
    this.validate(dto);
    const consent = await this.consents.usable(merchant.id, consentId, 'connectpay', PIS);
    await this.psu.assertIban(consent, dto.debtorAccount.iban);
    const details = {
      debtorIban: normalizeIban(dto.debtorAccount.iban),
      creditorName: dto.creditorName,
      creditorIban: normalizeIban(dto.creditorAccount.iban),
      remittanceInformation: dto.remittanceInformation ?? null,
      endToEndId: dto.endToEndId ?? null,
    };
    const { payment, isNew } = await this.ledger.begin({
      merchantId: merchant.id,
      provider: 'connectpay',
      consentId,
      kind: KIND,
      reference: dto.reference,
      amountMinor: dto.amount.value,
      currency: dto.amount.currency,
      details,
    });
    // A replay: settled, or possibly with ConnectPay already -> as recorded, never sent twice.
    if (!isNew && (payment.status !== 'pending' || (payment.providerResult as ConnectPayResult | null)?.submission)) return { payment, created: false };

    // Our own id, so the payment can be found at ConnectPay by people if its answer is lost.
    const endToEndId = dto.endToEndId ?? payment.id.replaceAll('-', '');
    const body = paymentBody({ ...details, remittanceInformation: dto.remittanceInformation, amountMinor: payment.amountMinor, endToEndId });
    let outcome: PaymentOutcome;
    try {
      outcome = mapPayment(
        await this.vault.withAccessToken(consent, this.provider, async ({ accessToken }) => {
          await this.ledger.annotate(payment, { providerResult: { submission: 'sent', endToEndId } satisfies ConnectPayResult });
          return this.client.createPayment(accessToken, body);
        }),
      );
    } catch (err) {
      if (err instanceof ConnectPayApiError) {
        // A definite refusal: nothing was created. The reference is spent on a failed payment.
        await this.ledger.settle(payment, 'failed', { result: { submission: 'refused', errorCode: err.code, errorMessage: err.message || null } });
        throw problemFor(err, 'debtor account', 'payment');
      }
      await this.ledger.annotate(payment, { lastError: err instanceof AppError ? `${err.code}: ${err.message}` : 'unexpected error' });
      throw err;
    }
    return { payment: await this.apply(payment, outcome), created: isNew };
  }

  /** The payment, with its status read from ConnectPay while it is open. */
  async get(merchant: Merchant, consentId: string, paymentId: string): Promise<Payment> {
    const payment = await this.ledger.find({ id: paymentId, merchantId: merchant.id, provider: 'connectpay', kind: KIND });
    if (!payment || payment.consentId !== consentId) throw new AppError('NOT_FOUND', 'No such payment.');
    const paymentOrderNo = paymentOrderNoOf(payment);
    // Final, or never confirmed by ConnectPay (lastError says why): nothing to ask.
    if (payment.status !== 'pending' || !paymentOrderNo) return payment;
    const consent = await this.consents.usable(merchant.id, consentId, 'connectpay', PIS);
    const outcome = mapPayment(await this.call(consent, (token) => this.client.paymentStatus(token, paymentOrderNo)));
    if (outcome.paymentOrderNo !== paymentOrderNo) throw new AppError('PROVIDER_ERROR', 'ConnectPay answered for another payment than asked.');
    return this.apply(payment, outcome);
  }

  /** Records what ConnectPay said: a final status settles the payment; otherwise it stays pending with the word. */
  private async apply(payment: Payment, outcome: PaymentOutcome): Promise<Payment> {
    const result = { paymentOrderNo: outcome.paymentOrderNo, wireStatus: outcome.wireStatus };
    if (outcome.status === 'pending') {
      await this.ledger.annotate(payment, { providerResult: result, lastError: null });
      return (await this.ledger.find({ id: payment.id }))!;
    }
    // settle() moves only an open payment: a late or repeated read changes nothing final.
    return this.ledger.settle(payment, outcome.status, {
      providerReference: outcome.paymentOrderNo,
      result: { ...result, errorCode: outcome.reasonCode, errorMessage: outcome.reason },
      error: null,
    });
  }

  private async call<T>(consent: Consent, run: (accessToken: string) => Promise<T>): Promise<T> {
    try {
      return await this.vault.withAccessToken(consent, this.provider, ({ accessToken }) => run(accessToken));
    } catch (err) {
      throw err instanceof ConnectPayApiError ? problemFor(err, 'payment') : err;
    }
  }

  private validate(dto: ConnectPayPaymentDto): void {
    const errors: FieldError[] = [];
    if (dto.amount.currency !== CONNECTPAY_CURRENCY) errors.push({ field: 'amount.currency', message: `must be ${CONNECTPAY_CURRENCY}` });
    if (!isValidIban(dto.debtorAccount.iban)) errors.push({ field: 'debtorAccount.iban', message: 'is not a valid IBAN (check digits)' });
    if (!isValidIban(dto.creditorAccount.iban)) errors.push({ field: 'creditorAccount.iban', message: 'is not a valid IBAN (check digits)' });
    if (!errors.length && normalizeIban(dto.debtorAccount.iban) === normalizeIban(dto.creditorAccount.iban)) {
      errors.push({ field: 'creditorAccount.iban', message: 'must differ from the debtor account' });
    }
    if (errors.length) throw new AppError('VALIDATION_FAILED', `${errors.length} field(s) are invalid.`, { errors });
  }
}
