import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error.js';
import { ConsentsService } from '../../consents/consents.service.js';
import { TokenVault } from '../../consents/token-vault.service.js';
import type { Merchant } from '../../merchants/merchant.entity.js';
import type { Payment } from '../../payments/payment.entity.js';
import { type PaymentIntent, PaymentsLedger } from '../../payments/payments.ledger.js';
import { PagaConsentProvider } from './paga-consent.provider.js';
import { PagaClient } from './paga.client.js';
import { PAGA_CONFIG, type PagaConfig } from './paga.config.js';
import { fromPagaAmount, mapAccountBalance, mapMerchantPayment, mapMoneyTransfer, mapUserDetails, PAGA_DUPLICATE_REFERENCE, type PagaPaymentResult, toPagaAmount } from './paga.mapper.js';
import type { PagaBalanceView, PagaPaymentDto, PagaTransferDto, PagaUserView } from './dto/paga.dto.js';

const NGN_ONLY = (currency: string) => {
  if (currency !== 'NGN') {
    throw new AppError('VALIDATION_FAILED', 'Paga supports NGN only.', { errors: [{ field: 'amount.currency', message: 'must be NGN' }] });
  }
};

/** What a merchant can do with a valid Paga consent; each call checks the consent's scope first. */
@Injectable()
export class PagaOperationsService {
  constructor(
    @Inject(PAGA_CONFIG) private readonly config: PagaConfig,
    private readonly client: PagaClient,
    private readonly provider: PagaConsentProvider,
    private readonly consents: ConsentsService,
    private readonly vault: TokenVault,
    private readonly ledger: PaymentsLedger,
  ) {}

  async charge(merchant: Merchant, consentId: string, dto: PagaPaymentDto): Promise<Payment> {
    NGN_ONLY(dto.amount.currency);
    const consent = await this.consents.usable(merchant.id, consentId, 'paga', 'MERCHANT_PAYMENT');
    return this.record(
      { merchantId: merchant.id, consentId, kind: 'charge', reference: dto.reference, amountMinor: dto.amount.value, currency: 'NGN', details: { customerReference: dto.customerReference, productCode: dto.productCode ?? null } },
      (payment) =>
        this.vault.withAccessToken(consent, this.provider, async ({ accessToken }) =>
          mapMerchantPayment(
            await this.client.merchantPayment(accessToken, {
              referenceNumber: payment.id,
              amount: toPagaAmount(dto.amount.value),
              merchantCustomerReference: dto.customerReference,
              merchantProductCode: dto.productCode,
              currency: 'NGN',
            }),
          ),
        ),
    );
  }

  async transfer(merchant: Merchant, consentId: string, dto: PagaTransferDto): Promise<Payment> {
    NGN_ONLY(dto.amount.currency);
    const consent = await this.consents.usable(merchant.id, consentId, 'paga', 'MONEY_TRANSFER');
    return this.record(
      { merchantId: merchant.id, consentId, kind: 'transfer', reference: dto.reference, amountMinor: dto.amount.value, currency: 'NGN', details: { recipientPhone: dto.recipientPhone, skipMessaging: dto.skipMessaging ?? false } },
      (payment) =>
        this.vault.withAccessToken(consent, this.provider, async ({ accessToken }) =>
          mapMoneyTransfer(
            await this.client.moneyTransfer(accessToken, {
              amount: toPagaAmount(dto.amount.value),
              referenceNumber: payment.id,
              recipientCredential: dto.recipientPhone,
              skipMessaging: dto.skipMessaging ?? false,
            }),
          ),
        ),
    );
  }

  async user(merchant: Merchant, consentId: string): Promise<PagaUserView> {
    const consent = await this.consents.usable(merchant.id, consentId, 'paga', 'USER_DETAILS_REQUEST');
    const granted = consent.userDataGranted ?? [];
    const result = await this.vault.withAccessToken(consent, this.provider, async ({ accessToken }) => mapUserDetails(await this.client.userDetails(accessToken), granted));
    if (!result.ok) throw new AppError('PROVIDER_REJECTED', `Paga refused the user details (${result.errorCode}: ${result.errorMessage ?? 'no message'}).`);
    return { consentId, details: result.details };
  }

  /**
   * Paga documents no balance operation for Connect; ACCOUNT_BALANCE is a user_data field of
   * getUserDetails. That is the default source; PAGA_BALANCE_SOURCE=account-balance uses the
   * emulator's accountBalance endpoint (scope USER_REQUEST_ACCOUNT_BALANCE) instead.
   */
  async balance(merchant: Merchant, consentId: string): Promise<PagaBalanceView> {
    if (this.config.balanceSource === 'account-balance') {
      const consent = await this.consents.usable(merchant.id, consentId, 'paga', 'USER_REQUEST_ACCOUNT_BALANCE');
      const result = await this.vault.withAccessToken(consent, this.provider, async ({ accessToken }) => mapAccountBalance(await this.client.accountBalance(accessToken)));
      if (!result.ok || result.availableMinor === null) throw new AppError('PROVIDER_REJECTED', `Paga refused the balance (${result.errorCode}).`);
      const total = result.totalMinor === null ? null : { value: result.totalMinor, currency: result.currency };
      return { consentId, available: { value: result.availableMinor, currency: result.currency }, total, source: 'account-balance' };
    }
    const consent = await this.consents.usable(merchant.id, consentId, 'paga', 'USER_DETAILS_REQUEST');
    if (!(consent.userDataGranted ?? []).includes('ACCOUNT_BALANCE')) {
      throw new AppError('CONSENT_SCOPE_MISSING', 'This consent does not share ACCOUNT_BALANCE (request it in userData).');
    }
    const { details } = await this.user(merchant, consentId);
    if (details.ACCOUNT_BALANCE === undefined) throw new AppError('PROVIDER_REJECTED', 'Paga did not report a balance.');
    return { consentId, available: { value: fromPagaAmount(details.ACCOUNT_BALANCE), currency: 'NGN' }, total: null, source: 'user-details' };
  }

  /**
   * Writes the payment as pending, calls Paga, settles the row with the answer. A replay of a
   * settled reference returns the recorded payment without calling Paga again.
   *
   * Paga's referenceNumber is unique per Paga client, and all merchants share Gatehouse's client,
   * so it is the payment's own id (never the merchant's reference, which another merchant may
   * use too); every retry of the payment sends the same one.
   */
  private async record(
    intent: Omit<PaymentIntent, 'provider'>,
    call: (payment: Payment) => Promise<PagaPaymentResult>,
  ): Promise<Payment> {
    const { payment, isNew } = await this.ledger.begin({ ...intent, provider: 'paga' });
    if (!isNew && payment.status !== 'pending') return payment;
    let result: PagaPaymentResult;
    try {
      result = await call(payment);
    } catch (err) {
      // The outcome is unknown (timeout, 5xx): the row stays pending with the reason.
      await this.ledger.noteError(payment, err instanceof AppError ? `${err.code}: ${err.message}` : 'unexpected error');
      throw err;
    }
    const { ok, confirmationCode, feeMinor, errorCode, errorMessage } = result;
    // A retry of a payment whose earlier answer was lost (timeout, 5xx), or of one still in flight:
    // Paga spends a reference only on success, so "duplicate reference" means it went through.
    const wentThrough = !isNew && errorCode === PAGA_DUPLICATE_REFERENCE;
    if (wentThrough) return this.ledger.settle(payment, 'succeeded', { result: { feeMinor, errorCode: null, errorMessage: null, confirmedBy: 'duplicate_reference' } });
    return this.ledger.settle(payment, ok ? 'succeeded' : 'failed', {
      providerReference: confirmationCode,
      result: { feeMinor, errorCode, errorMessage },
    });
  }
}
