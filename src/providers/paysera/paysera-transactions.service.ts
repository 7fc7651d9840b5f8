import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppError } from '../../common/errors/app-error.js';
import { ConsentsService } from '../../consents/consents.service.js';
import { TokenVault } from '../../consents/token-vault.service.js';
import type { Merchant } from '../../merchants/merchant.entity.js';
import type { Payment, PaymentStatus } from '../../payments/payment.entity.js';
import { isFinalStatus } from '../../payments/payment-status.js';
import { PaymentsLedger } from '../../payments/payments.ledger.js';
import type { PayseraReserveDto, PayseraTransactionDto } from './dto/paysera.dto.js';
import { PayseraAllowanceRow } from './paysera-allowance.entity.js';
import { PayseraConsentProvider } from './paysera-consent.provider.js';
import { PayseraTransactionLink } from './paysera-transaction.entity.js';
import { PayseraClient, PayseraRefusal } from './paysera.client.js';
import { PAYSERA_CONFIG, type PayseraConfig } from './paysera.config.js';
import { mapTransaction, type PayseraTransaction, toPayseraAmount } from './paysera.mapper.js';

/** How far along a payment is; a status is applied only when it moves the payment forward. */
const RANK: Record<PaymentStatus, number> = { requires_action: 0, pending: 1, succeeded: 2, failed: 2, canceled: 2, refunded: 2 };

/**
 * Paysera transactions as payments. A payment is committed (ledger.begin, `pending`) before Paysera
 * is called; its transaction then waits for the payer (`requires_action`, with the confirmation URL),
 * is accepted with the funds held (`pending`), and ends confirmed (`succeeded`), revoked
 * (`canceled`) or rejected (`failed`). Answers, reads and callbacks all go through `apply`, which
 * only ever moves a payment forward, so duplicates and late or out-of-order news change nothing.
 */
@Injectable()
export class PayseraTransactionsService {
  private readonly logger = new Logger(PayseraTransactionsService.name);

  constructor(
    @Inject(PAYSERA_CONFIG) private readonly config: PayseraConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly client: PayseraClient,
    private readonly provider: PayseraConsentProvider,
    private readonly consents: ConsentsService,
    private readonly vault: TokenVault,
    private readonly ledger: PaymentsLedger,
  ) {}

  async create(merchant: Merchant, dto: PayseraTransactionDto): Promise<Payment> {
    this.client.assertEnabled();
    if (!this.config.currencies.includes(dto.amount.currency)) {
      throw new AppError('VALIDATION_FAILED', 'Paysera is set up for other currencies.', { errors: [{ field: 'amount.currency', message: `must be one of: ${this.config.currencies.join(', ')}` }] });
    }
    if (dto.redirectUrl !== undefined && !merchant.allowedReturnUrls.includes(dto.redirectUrl)) {
      throw new AppError('VALIDATION_FAILED', 'redirectUrl is not allowed.', { errors: [{ field: 'redirectUrl', message: "is not one of the merchant's allowed return URLs" }] });
    }
    if (dto.consentId) await this.consents.usable(merchant.id, dto.consentId, 'paysera');

    const { payment, isNew } = await this.ledger.begin({
      merchantId: merchant.id,
      provider: 'paysera',
      consentId: dto.consentId ?? null,
      kind: 'charge',
      reference: dto.reference,
      amountMinor: dto.amount.value,
      currency: dto.amount.currency,
      details: { description: dto.description, autoConfirm: dto.autoConfirm ?? false, redirectUrl: dto.redirectUrl ?? null },
    });
    if (!isNew) {
      if (payment.status !== 'pending' || payment.providerReference) return payment;
      // Committed but without a known transaction: was it created after all (we crashed after linking)?
      const link = await this.dataSource.getRepository(PayseraTransactionLink).findOneBy({ paymentId: payment.id });
      if (link) return this.refresh(payment, link.transactionKey);
    }

    // A Paysera transaction moves no money until its payer accepts it, and only Gatehouse knows its
    // key: so a payment whose first attempt got no answer may safely be sent again.
    let answer: PayseraTransaction;
    try {
      answer = mapTransaction(
        await this.client.createTransaction({
          payments: [{ description: dto.description, ...toPayseraAmount(dto.amount.value, this.config.amountFormat), currency: dto.amount.currency, parameters: { gatehouse_payment_id: payment.id } }],
          auto_confirm: dto.autoConfirm ?? false,
          ...(dto.redirectUrl ? { redirect_uri: dto.redirectUrl } : {}),
          callback_uri: this.config.callbackUrl,
        }),
      );
    } catch (err) {
      if (err instanceof PayseraRefusal) {
        return this.ledger.settle(payment, 'failed', { result: { errorCode: err.error, errorMessage: err.description || null } });
      }
      await this.ledger.noteError(payment, err instanceof AppError ? `${err.code}: ${err.message}` : 'unexpected error');
      throw err;
    }
    this.checkSame(payment, answer);
    // One payment, one transaction: when two attempts race, the first link wins and the other
    // transaction is revoked (nobody ever saw its key).
    const linked = (await this.dataSource.query(
      `INSERT INTO paysera_transactions (payment_id, transaction_key) VALUES ($1, $2) ON CONFLICT (payment_id) DO NOTHING RETURNING payment_id`,
      [payment.id, answer.key],
    )) as unknown[];
    if (linked.length !== 1) {
      void this.client.revokeTransaction(answer.key).catch((err: unknown) => this.logger.warn({ paymentId: payment.id, err: (err as Error).message }, 'could not revoke a duplicate transaction'));
      return (await this.ledger.find({ id: payment.id }))!;
    }
    return this.apply(payment, answer);
  }

  async get(merchant: Merchant, id: string): Promise<Payment> {
    const payment = await this.own(merchant, id);
    if (isFinalStatus(payment.status) || !payment.providerReference) return payment;
    try {
      return await this.refresh(payment, payment.providerReference);
    } catch (err) {
      // The row is the record (callbacks keep it current); a read does not fail because Paysera is away.
      if (!(err instanceof AppError) || !err.code.startsWith('PROVIDER_')) throw err;
      this.logger.warn({ paymentId: payment.id, code: err.code }, 'could not refresh the transaction from Paysera');
      return payment;
    }
  }

  /** The payer accepts: with their consent's token, or from their allowance. The funds are then held. */
  async reserve(merchant: Merchant, id: string, dto: PayseraReserveDto): Promise<Payment> {
    const payment = await this.own(merchant, id);
    if (payment.status === 'succeeded' || (payment.status === 'pending' && payment.providerReference)) return payment; // already accepted
    const key = this.openKey(payment);
    if (!payment.consentId) throw new AppError('CONFLICT', 'This payment was created without a consent; the payer accepts it on the confirmation page.');
    let body: Record<string, unknown>;
    if ((dto.source ?? 'consent') === 'consent') {
      const consent = await this.consents.usable(merchant.id, payment.consentId, 'paysera', 'initiate_transfers');
      body = await this.vault.withAccessToken(consent, this.provider, ({ accessToken, extraSecret }) => {
        if (!extraSecret) throw new AppError('CONSENT_NOT_ACTIVE', 'This consent holds no MAC key; ask the user to connect again.');
        return this.client.reserveTransaction(key, { kind: 'user', accessToken, macKey: extraSecret });
      });
    } else {
      const allowance = await this.dataSource.getRepository(PayseraAllowanceRow).findOne({
        where: { merchantId: merchant.id, consentId: payment.consentId, status: 'active' },
        order: { createdAt: 'DESC' },
      });
      if (!allowance?.walletId) throw new AppError('CONFLICT', 'This consent has no active allowance.');
      body = await this.client.reserveWithAllowance(key, allowance.walletId);
    }
    return this.apply(payment, this.checkSame(payment, mapTransaction(body)));
  }

  /** Reserved -> confirmed: the money moves to the merchant's Paysera wallet. */
  async confirm(merchant: Merchant, id: string): Promise<Payment> {
    const payment = await this.own(merchant, id);
    if (payment.status === 'succeeded') return payment;
    const key = this.openKey(payment);
    return this.apply(payment, this.checkSame(payment, mapTransaction(await this.client.confirmTransaction(key))));
  }

  /** Not yet confirmed -> revoked; a reservation is released to the payer. */
  async revoke(merchant: Merchant, id: string): Promise<Payment> {
    const payment = await this.own(merchant, id);
    if (payment.status === 'canceled') return payment;
    const key = this.openKey(payment);
    return this.apply(payment, this.checkSame(payment, mapTransaction(await this.client.revokeTransaction(key))));
  }

  /** A verified callback's transaction (its `data`). Unknown keys are ignored: not ours, or not yet linked. */
  async onEvent(data: unknown): Promise<Payment | undefined> {
    const transaction = mapTransaction(data);
    const link = await this.dataSource.getRepository(PayseraTransactionLink).findOneBy({ transactionKey: transaction.key });
    const payment = link && (await this.ledger.find({ id: link.paymentId, provider: 'paysera' }));
    if (!payment) return undefined;
    return this.apply(payment, this.checkSame(payment, transaction));
  }

  /** The merchant's Paysera payment, or 404 (also for another merchant's). */
  private async own(merchant: Merchant, id: string): Promise<Payment> {
    const payment = await this.ledger.find({ id, merchantId: merchant.id, provider: 'paysera', kind: 'charge' });
    if (!payment) throw new AppError('NOT_FOUND', 'No such payment.');
    return payment;
  }

  /** The key of a transaction that can still change; final or never created ones cannot. */
  private openKey(payment: Payment): string {
    if (isFinalStatus(payment.status) || payment.status === 'succeeded') throw new AppError('CONFLICT', `This payment is already ${payment.status}.`);
    if (!payment.providerReference) throw new AppError('CONFLICT', 'This payment has no Paysera transaction yet; create it again with the same reference.');
    return payment.providerReference;
  }

  private async refresh(payment: Payment, key: string): Promise<Payment> {
    return this.apply(payment, this.checkSame(payment, mapTransaction(await this.client.getTransaction(key))));
  }

  /** Paysera's transaction must be the one we asked for: same amount, same currency. */
  private checkSame(payment: Payment, transaction: PayseraTransaction): PayseraTransaction {
    if (transaction.amountMinor !== payment.amountMinor || transaction.currency !== payment.currency || (payment.providerReference && payment.providerReference !== transaction.key)) {
      this.logger.error({ paymentId: payment.id }, 'Paysera transaction does not match the payment');
      throw new AppError('PROVIDER_ERROR', 'Paysera reported a transaction that does not match this payment.');
    }
    return transaction;
  }

  /**
   * Moves the payment forward to what Paysera says, atomically (ledger.transition names the states
   * it may come from). A first answer links the key; a payment waiting for its payer carries the
   * confirmation URL as its next action.
   */
  private async apply(payment: Payment, transaction: PayseraTransaction): Promise<Payment> {
    let current = payment;
    if (current.status === 'pending' && !current.providerReference) {
      const moved = await this.ledger.transition(current, 'requires_action', {
        from: ['pending'],
        providerReference: transaction.key,
        result: this.result(transaction, 'requires_action'),
        error: null,
      });
      current = moved ?? (await this.ledger.find({ id: payment.id }))!;
    }
    const to = transaction.status;
    if (RANK[to] <= RANK[current.status]) return current;
    const moved = await this.ledger.transition(current, to, { from: to === 'pending' ? ['requires_action'] : ['pending', 'requires_action'], result: this.result(transaction, to), error: null });
    return moved ?? (await this.ledger.find({ id: payment.id }))!;
  }

  private result(transaction: PayseraTransaction, to: PaymentStatus): Record<string, unknown> {
    return {
      payseraStatus: transaction.payseraStatus,
      walletId: transaction.walletId,
      nextAction: to === 'requires_action' ? { redirectUrl: this.client.confirmationUrl(transaction.key) } : null,
      ...(to === 'failed' ? { errorCode: transaction.payseraStatus, errorMessage: `Paysera reports the transaction ${transaction.payseraStatus}` } : {}),
    };
  }
}
