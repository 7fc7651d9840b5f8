import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error.js';
import type { Payment } from '../../payments/payment.entity.js';
import { type ClaimedCheck, PaymentsLedger } from '../../payments/payments.ledger.js';
import { MomoTokenManager } from './momo-token.manager.js';
import { MomoClient, type MomoCreateOutcome } from './momo.client.js';
import { MOMO_CONFIG, type MomoConfig, type MomoProduct } from './momo.config.js';
import { mapMomoStatus, momoMessage, momoMsisdn, toMomoAmount } from './momo.mapper.js';

// Status checks of pending payments: MOMO_RECONCILE_FIRST_CHECK_S (5 s) after the payment is written, then
// twice as long each time, at most a minute apart (momo.md §12: poll every 5 s, then every minute);
// a claimed check whose instance died comes back after the lease.
const MAX_CHECK_INTERVAL_S = 60;
const CHECK_BATCH = 20;
const CHECK_LEASE_S = 60;

export interface MomoPaymentRequest {
  reference: string;
  amountMinor: number;
  currency: string;
  msisdn: string;
  payerMessage?: string;
  payeeNote?: string;
}

/** What a resend needs besides the payment row (reference, amount, currency): kept with the check. */
type Resend = Pick<MomoPaymentRequest, 'msisdn' | 'payerMessage' | 'payeeNote'>;
const resendOf = (request: MomoPaymentRequest): Resend => ({ msisdn: request.msisdn, payerMessage: request.payerMessage, payeeNote: request.payeeNote });

const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** MoMo's resource and status path per product. */
const OPERATION: Record<MomoProduct, { kind: 'charge' | 'transfer'; operation: 'requesttopay' | 'transfer'; party: 'payer' | 'payee' }> = {
  collection: { kind: 'charge', operation: 'requesttopay', party: 'payer' },
  disbursement: { kind: 'transfer', operation: 'transfer', party: 'payee' },
};

/**
 * Collections (request to pay) and disbursements (transfer). The X-Reference-Id is generated
 * once and committed with the payment row before MoMo is called, and every retry reuses it; an
 * unclear answer (timeout, 5xx) is followed by a status read before anything else. Outcomes
 * arrive by callback (verified by reading the status) or by reconciliation: each instance claims
 * due status checks (`payment_checks`) every MOMO_RECONCILE_POLL_MS.
 */
@Injectable()
export class MomoPaymentsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(MomoPaymentsService.name);

  constructor(
    @Inject(MOMO_CONFIG) private readonly config: MomoConfig,
    private readonly client: MomoClient,
    private readonly tokens: MomoTokenManager,
    private readonly ledger: PaymentsLedger,
  ) {}

  // The poll loop: one poll at a time per instance; a callback may start it early (kickPoll).
  private pollTimer?: NodeJS.Timeout;
  private polling: Promise<void> = Promise.resolve();
  private pollRunning = false;
  private stopped = false;

  onModuleInit(): void {
    this.schedulePoll();
  }

  // Before the database closes (that is onApplicationShutdown): no poll may start or be cut off.
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.pollTimer);
    await this.polling;
  }

  async create(merchantId: string, product: MomoProduct, request: MomoPaymentRequest): Promise<Payment> {
    if (request.currency !== this.config.currency) {
      throw new AppError('VALIDATION_FAILED', `MoMo here takes ${this.config.currency} only.`, { errors: [{ field: 'amount.currency', message: `must be ${this.config.currency}` }] });
    }
    const { kind } = OPERATION[product];
    const callbackToken = randomBytes(32).toString('base64url');
    const { payment, isNew } = await this.ledger.begin({
      merchantId,
      provider: 'momo',
      consentId: null,
      kind,
      reference: request.reference,
      amountMinor: request.amountMinor,
      currency: request.currency,
      details: { msisdn: momoMsisdn(request.msisdn), payerMessage: request.payerMessage ?? null, payeeNote: request.payeeNote ?? null },
      providerReference: randomUUID(),
      callbackTokenHash: hashToken(callbackToken),
      payerRef: `msisdn:${momoMsisdn(request.msisdn)}`,
      description: request.payerMessage,
      // Checked from the start: if this process stops before MoMo is called, reconciliation sends it.
      check: { afterSeconds: this.config.reconcileFirstCheckSeconds, resend: resendOf(request) },
    });
    if (!isNew) {
      // A replay: settled or already with MoMo -> as it is; never submitted (we crashed before
      // the call) -> submit now, with the reference id committed the first time. Its check is
      // (re)written too: a row from before checks were written with the payment has none.
      if (payment.status !== 'pending' || payment.providerResult?.submitted) return payment;
      await this.ledger.annotate(payment, { callbackTokenHash: hashToken(callbackToken), checkAfterSeconds: this.config.reconcileFirstCheckSeconds, resend: resendOf(request) });
    }
    try {
      const settled = await this.submit(product, payment, request, callbackToken);
      if (settled) return settled;
    } catch (err) {
      // e.g. no token: MoMo may not have it. The row stays pending; a retry by the merchant reuses
      // it, and so does its check, which sends it again if MoMo turns out not to have it.
      await this.ledger.annotate(payment, { lastError: err instanceof AppError ? `${err.code}: ${err.message}` : 'unexpected error' });
      throw err;
    }
    return (await this.ledger.find({ id: payment.id }))!;
  }

  get(merchantId: string, product: MomoProduct, id: string): Promise<Payment> {
    return this.ledger.find({ id, merchantId, provider: 'momo', kind: OPERATION[product].kind }).then((p) => {
      if (!p) throw new AppError('NOT_FOUND', 'No such payment.');
      return p;
    });
  }

  /** A callback arrived: it is only a hint. Read the status from MoMo and apply it. */
  async onCallback(token: string): Promise<Pick<Payment, 'id' | 'status'> | undefined> {
    // Verified by its status check, due now: MoMo wants its 2xx fast, a burst of callbacks becomes
    // batches of status reads (at most CHECK_BATCH at a time), and a crash loses nothing.
    const payment = await this.ledger.checkNowByCallbackToken('momo', hashToken(token));
    if (!payment) return undefined;
    if (payment.status === 'pending') this.kickPoll();
    return payment;
  }

  /** Sends the payment to MoMo; returns it when it is known without a re-read (the common case). */
  private async submit(product: MomoProduct, payment: Payment, request: MomoPaymentRequest, callbackToken: string): Promise<Payment | undefined> {
    const { operation, party } = OPERATION[product];
    const body = {
      amount: toMomoAmount(payment.amountMinor),
      currency: payment.currency,
      externalId: payment.reference,
      [party]: { partyIdType: 'MSISDN', partyId: momoMsisdn(request.msisdn) },
      payerMessage: momoMessage(request.payerMessage, payment.reference),
      payeeNote: momoMessage(request.payeeNote, payment.reference),
    };
    const callbackUrl = `${this.config.callbackBaseUrl}/callbacks/momo/${callbackToken}`;
    const send = () => this.tokens.withToken(product, (token) => this.client.create(product, operation, token, payment.providerReference!, body, callbackUrl));

    let outcome: MomoCreateOutcome = await send();
    if (outcome.kind === 'unknown' || outcome.kind === 'rejected') {
      // Did MoMo create it after all? Read before deciding anything.
      const read = await this.readStatus(product, payment);
      if (read) {
        // Still pending at MoMo: its check follows it like an accepted one (the callback may never come).
        await this.settleFrom(payment, read, true);
        return undefined;
      }
      if (outcome.kind === 'unknown') outcome = await send(); // not created: the same id may go again
    }
    switch (outcome.kind) {
      case 'accepted':
      case 'duplicate':
        await this.ledger.annotate(payment, { providerResult: { submitted: true }, lastError: null });
        return Object.assign(payment, { providerResult: { ...(payment.providerResult ?? {}), submitted: true }, lastError: null });
      case 'rejected':
        return this.ledger.settle(payment, 'failed', { result: { submitted: false, errorCode: outcome.code, errorMessage: outcome.message || null } });
      case 'unknown':
        await this.ledger.annotate(payment, { lastError: `MoMo's answer is unknown (${outcome.cause}); reconciling` });
        return undefined;
    }
  }

  private async readStatus(product: MomoProduct, payment: Payment): Promise<Record<string, unknown> | undefined> {
    const read = await this.tokens.withToken(product, (token) => this.client.read(product, token, `/v1_0/${OPERATION[product].operation}/${payment.providerReference}`));
    return read.found ? read.body : undefined;
  }

  private checkBackoffSeconds(attempt: number): number {
    return Math.min(MAX_CHECK_INTERVAL_S, this.config.reconcileFirstCheckSeconds * 2 ** attempt);
  }

  private async settleFrom(payment: Payment, body: Record<string, unknown>, submitted: boolean, checkAfterSeconds?: number): Promise<Payment> {
    const status = mapMomoStatus(body);
    if (status.status === 'pending') {
      await this.ledger.annotate(payment, { providerResult: { submitted, wireStatus: status.wireStatus }, checkAfterSeconds });
      return payment;
    }
    // settle() only moves a pending payment: duplicates and late callbacks change nothing.
    return this.ledger.settle(payment, status.status, {
      result: { submitted, wireStatus: status.wireStatus, financialTransactionId: status.financialTransactionId, errorCode: status.reason, errorMessage: null },
    });
  }

  /** Polls now unless a poll is running (it claims what just became due before it ends). */
  private kickPoll(): void {
    if (this.pollRunning || this.stopped) return;
    clearTimeout(this.pollTimer);
    this.runPoll();
  }

  private runPoll(): void {
    this.pollRunning = true;
    this.polling = this.pollChecks().finally(() => {
      this.pollRunning = false;
      this.schedulePoll();
    });
  }

  private schedulePoll(): void {
    if (this.stopped) return;
    this.pollTimer = setTimeout(() => this.runPoll(), this.config.reconcilePollMs);
    this.pollTimer.unref();
  }

  /** Claims due checks (several instances share them: SKIP LOCKED) and runs them side by side. */
  private async pollChecks(): Promise<void> {
    try {
      for (let more = true; more && !this.stopped; ) {
        const due = await this.ledger.claimChecks('momo', CHECK_BATCH, CHECK_LEASE_S);
        await Promise.all(
          due.map((check) =>
            this.reconcile(check).catch((err: unknown) => {
              const { paymentId, attempt } = check;
              this.logger.warn({ paymentId, err: (err as Error).message }, 'status check failed; retrying later');
              return this.ledger.rescheduleCheck(paymentId, this.checkBackoffSeconds(attempt)).catch(() => undefined);
            }),
          ),
        );
        more = due.length === CHECK_BATCH;
      }
    } catch (err) {
      // The database is away: the next poll tries again, and unfinished claims come back after their lease.
      this.logger.warn({ err: (err as Error).message }, 'could not claim status checks');
    }
  }

  /**
   * One status check of a pending payment: settle it, or check again later until the window
   * closes. If MoMo has no such transaction and never accepted it (`resend` is kept for that),
   * it is sent again with the reference id committed with the payment: MoMo creates it once.
   */
  async reconcile({ paymentId, attempt, resend, payment }: ClaimedCheck): Promise<void> {
    if (payment.status !== 'pending') return this.ledger.finishCheck(paymentId);
    const lastChance = (Date.now() - payment.createdAt.getTime()) / 1000 >= this.config.reconcileTimeoutSeconds;
    const next = lastChance ? undefined : this.checkBackoffSeconds(attempt);
    const product: MomoProduct = payment.kind === 'charge' ? 'collection' : 'disbursement';
    const body = await this.readStatus(product, payment);
    if (!body && resend && !payment.providerResult?.submitted && !lastChance) {
      const callbackToken = randomBytes(32).toString('base64url');
      // The next check comes with the new callback token; a refusal settles the payment (and removes it).
      await this.ledger.annotate(payment, { callbackTokenHash: hashToken(callbackToken), checkAfterSeconds: next });
      await this.submit(product, payment, { reference: payment.reference, amountMinor: payment.amountMinor, currency: payment.currency, ...(resend as Resend) }, callbackToken);
      return;
    }
    // Settling removes the check; still pending, the next one is written with MoMo's answer.
    const settled = body ? await this.settleFrom(payment, body, true, next) : payment;
    if (!body && next !== undefined) await this.ledger.rescheduleCheck(paymentId, next);
    if (settled.status !== 'pending' || !lastChance) return;
    // Never declare a failure MoMo did not report: it stays pending, flagged for a person.
    await this.ledger.annotate(payment, { lastError: 'MoMo reported no final status within the reconciliation window' });
    await this.ledger.finishCheck(paymentId);
  }
}
