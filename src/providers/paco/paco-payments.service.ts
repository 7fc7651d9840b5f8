import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error.js';
import type { Merchant } from '../../merchants/merchant.entity.js';
import type { Payment, PaymentStatus } from '../../payments/payment.entity.js';
import { PaymentsLedger } from '../../payments/payments.ledger.js';
import type { PacoChannel, PacoOrder } from './paco-order.entity.js';
import { PacoOrders, type PacoOrderListing } from './paco-orders.store.js';
import { PacoCallError, PacoClient, type PacoAnswer } from './paco.client.js';
import { PACO_CONFIG, type PacoConfig } from './paco.config.js';
import { decimalPlacesOf, mapResponseCode, newPacoOrderNo, readOrders, readPaymentData, toAmountText, toPacoAmount, type PacoEnvelope, type PacoOrderInfo } from './paco.mapper.js';

export interface PacoCard {
  number: string;
  expiryMMYY: string;
  cvv: string;
  holderName?: string;
}

export interface PacoPaymentRequest {
  orderNo: string;
  amountMinor: number;
  currency: string;
  description: string;
  channel: PacoChannel;
  /** Hosted: where the payer's browser goes afterwards (one of the merchant's allowed return URLs). */
  returnUrl?: string;
  /** Direct (nonUi): the card. Passed through to PACO, never stored or logged. */
  card?: PacoCard;
}

export interface PacoPayment {
  payment: Payment;
  order: PacoOrder;
}

/**
 * Card payments through PACO: hosted page (prePaymentUi) and server to server (nonUi), inquiry and
 * listing. The merchant's order number is the ledger reference (the idempotency key); PACO's own
 * orderNo is generated once and committed with the payment row before PACO is called, so a retry
 * can never make a second PACO order. Every PACO fact reaches the ledger through `apply`, which
 * moves the payment only along the state machine's edges.
 */
@Injectable()
export class PacoPaymentsService {
  private readonly logger = new Logger(PacoPaymentsService.name);

  constructor(
    @Inject(PACO_CONFIG) private readonly config: PacoConfig,
    private readonly client: PacoClient,
    private readonly ledger: PaymentsLedger,
    private readonly orders: PacoOrders,
  ) {}

  assertEnabled(): void {
    if (!this.config.enabled) throw new AppError('SERVICE_UNAVAILABLE', '2C2P PACO is not configured on this deployment (PACO_BASE_URL).');
  }

  async create(merchant: Merchant, request: PacoPaymentRequest): Promise<PacoPayment> {
    this.assertEnabled();
    decimalPlacesOf(request.currency);
    toAmountText(request.amountMinor);
    if (request.channel === 'hosted' && (!request.returnUrl || !merchant.allowedReturnUrls.includes(request.returnUrl))) {
      throw new AppError('VALIDATION_FAILED', 'returnUrl must be one of your allowed return URLs.', { errors: [{ field: 'returnUrl', message: "is not one of the merchant's allowed return URLs" }] });
    }
    const { payment, isNew } = await this.ledger.begin({
      merchantId: merchant.id,
      provider: 'paco',
      consentId: null,
      kind: 'charge',
      reference: request.orderNo,
      amountMinor: request.amountMinor,
      currency: request.currency,
      // Never the card: only what identifies the request.
      details: { channel: request.channel, description: request.description, returnUrl: request.returnUrl ?? null },
      providerReference: newPacoOrderNo(randomBytes(12)),
    });
    let order = await this.orders.ensure({
      paymentId: payment.id,
      merchantId: merchant.id,
      orderNo: payment.providerReference!,
      channel: request.channel,
      description: request.description,
      returnUrl: request.returnUrl ?? null,
    });
    if (!isNew) {
      // A replay: anything past pending is as recorded. A pending one may have reached PACO before
      // we crashed or timed out: ask PACO first, and send again only if it has no such order.
      if (payment.status !== 'pending') return { payment, order };
      const known = await this.inquire(payment, order).catch(() => undefined);
      if (known?.found) return known;
    }
    return this.submit(payment, order, request).catch(async (err: unknown) => {
      if (err instanceof PacoCallError) {
        order = (await this.orders.find(payment.id)) ?? order;
        await this.ledger.annotate(payment, { lastError: `${err.code}: ${err.description || err.kind}`.slice(0, 300) });
        if (err.kind === 'unknown') {
          // PACO may have acted: read back before answering.
          const known = await this.inquire(payment, order).catch(() => undefined);
          if (known?.found) return known;
        }
        throw err.toAppError();
      }
      throw err;
    });
  }

  /**
   * The merchant's PACO orders (newest first, from Gatehouse's records) with what PACO reports for
   * them now (transactionList). Only the merchant's own order numbers are asked for, so another
   * merchant's orders in the same PACO office never come back.
   */
  async transactions(merchant: Merchant, query: { from?: Date; to?: Date; orderNo?: string; limit: number }): Promise<Array<{ listing: PacoOrderListing; info: PacoOrderInfo | undefined }>> {
    this.assertEnabled();
    const listings = await this.orders.listForMerchant(merchant.id, { from: query.from, to: query.to, reference: query.orderNo, limit: query.limit });
    if (listings.length === 0) return [];
    let answer: PacoAnswer;
    try {
      answer = await this.client.call('transactionList', {
        advSearchParams: {
          controllerInternalID: null,
          officeId: [this.config.officeId],
          orderNo: listings.map((l) => l.order.orderNo),
          invoiceNo2C2P: null,
          // PACO's "no filter" dates (B.5): the window is applied to our own records above.
          fromDate: '0001-01-01T00:00:00',
          toDate: '0001-01-01T00:00:00',
          amountFrom: null,
          amountTo: null,
        },
      });
    } catch (err) {
      if (err instanceof PacoCallError) throw err.toAppError();
      throw err;
    }
    if (mapResponseCode(answer.code) !== 'success') throw new AppError('PROVIDER_REJECTED', `PACO refused the transaction list (${answer.code ?? 'no code'}).`);
    const byOrderNo = new Map(readOrders(answer.data).map((o) => [o.orderNo, o]));
    return listings.map((listing) => ({ listing, info: byOrderNo.get(listing.order.orderNo) }));
  }

  /** The merchant's payment by its order number, refreshed from PACO (transactionStatus) while it can still change. */
  async get(merchant: Merchant, orderNo: string): Promise<PacoPayment> {
    this.assertEnabled();
    const found = await this.find(merchant, orderNo);
    if (!['pending', 'requires_action', 'succeeded'].includes(found.payment.status)) return found;
    try {
      return await this.inquire(found.payment, found.order);
    } catch (err) {
      if (err instanceof PacoCallError) throw err.toAppError();
      throw err;
    }
  }

  async find(merchant: Merchant, orderNo: string): Promise<PacoPayment> {
    const found = await this.orders.findForMerchant(merchant.id, orderNo);
    if (!found) throw new AppError('NOT_FOUND', 'No such PACO payment.');
    return found;
  }

  /**
   * transactionStatus for the order and apply what PACO says. `found` is false when PACO has no
   * such order (never submitted, or refused before it was created).
   */
  async inquire(payment: Payment, order: PacoOrder): Promise<PacoPayment & { found: boolean }> {
    const envelope = await this.client.transactionStatus(order.orderNo);
    const info = readOrders(envelope.data).find((o) => o.orderNo === order.orderNo);
    if (!info) return { payment, order, found: false };
    return { ...(await this.apply(payment, order, info, envelope)), found: true };
  }

  /**
   * Records PACO's facts about an order and moves the ledger along the state machine: only valid
   * transitions happen (a late or duplicate message changes nothing that is already further on).
   */
  async apply(payment: Payment, order: PacoOrder, info: PacoOrderInfo, envelope?: Pick<PacoEnvelope, 'code' | 'description'>): Promise<PacoPayment> {
    const recorded = await this.orders.recordStatus(order.paymentId, info, envelope?.code);
    const target = info.mapped.status;
    if (target === 'requires_action' && !(recorded.channel === 'hosted' ? recorded.paymentPageUrl : recorded.challengeUrl)) {
      // The payer must act, but the page's address never reached us (its answer was lost): the
      // payment cannot go on. It stays pending with the reason; PACO's page expires on its own.
      await this.ledger.annotate(payment, { lastError: 'PACO made the payment page, but its address was lost; start again with a new orderNo' });
      return { payment: (await this.ledger.find({ id: payment.id })) ?? payment, order: recorded };
    }
    const actionUrl = recorded.channel === 'hosted' ? recorded.paymentPageUrl : recorded.challengeUrl;
    const result = {
      channel: recorded.channel,
      pacoStatus: info.paymentStatus ?? null,
      pacoStep: info.paymentStep ?? null,
      responseCode: envelope?.code ?? null,
      // Where the payer must go, in the ledger too, so GET /v1/payments/:id shows it like any provider's.
      ...(target === 'requires_action' && actionUrl ? { nextAction: { redirectUrl: actionUrl } } : {}),
    };
    const failure = target === 'failed' ? { errorCode: envelope?.code ?? `${info.paymentStatus ?? ''}/${info.paymentStep ?? ''}`, errorMessage: envelope?.description ?? null } : {};
    const moved = await this.moveTo(payment, target, { ...result, ...failure });
    return { payment: moved, order: recorded };
  }

  private async moveTo(payment: Payment, target: PaymentStatus, result: Record<string, unknown>): Promise<Payment> {
    if (payment.status === target) return payment;
    let current = payment;
    if (target === 'refunded' && (current.status === 'pending' || current.status === 'requires_action')) {
      // PACO is past an authorisation we never heard of: succeeded first, then refunded.
      current = await this.ledger.settle(current, 'succeeded', { result });
    }
    // The UPDATE names the allowed "from" states: a move the state machine forbids matches nothing.
    const moved = await this.ledger.transition(current, target, { result, error: null });
    if (moved) {
      this.logger.log({ paymentId: payment.id, from: current.status, to: moved.status }, 'PACO payment moved');
      return moved;
    }
    return (await this.ledger.find({ id: payment.id })) ?? current;
  }

  private async submit(payment: Payment, order: PacoOrder, request: PacoPaymentRequest): Promise<PacoPayment> {
    const base = this.config.callbackBaseUrl;
    const body: Record<string, unknown> = {
      officeId: this.config.officeId,
      orderNo: order.orderNo,
      productDescription: request.description,
      paymentType: 'CC',
      paymentCategory: 'ECOM',
      storeCardDetails: { storeCardFlag: 'N', storedCardUniqueID: null },
      installmentPaymentDetails: { ippFlag: 'N', installmentPeriod: 0, interestType: null },
      mcpFlag: 'N',
      request3dsFlag: 'Y',
      transactionAmount: toPacoAmount(payment.amountMinor, payment.currency),
      notificationURLs: {
        confirmationURL: `${base}/paco/return/confirmed`,
        failedURL: `${base}/paco/return/failed`,
        cancellationURL: `${base}/paco/return/cancelled`,
        backendURL: `${base}/callbacks/paco`,
      },
    };
    if (request.channel === 'direct') {
      if (!request.card) throw new AppError('VALIDATION_FAILED', 'A direct payment needs the card.', { errors: [{ field: 'card', message: 'is required' }] });
      body.creditCardDetails = { cardNumber: request.card.number, cardExpiryMMYY: request.card.expiryMMYY, cvvCode: request.card.cvv, payerName: request.card.holderName ?? '' };
    }
    const answer = await this.client.call(request.channel === 'hosted' ? 'prePaymentUi' : 'nonUi', body);
    return this.settleFrom(payment, order, answer);
  }

  /** What a payment answer means for the ledger. */
  private async settleFrom(payment: Payment, order: PacoOrder, answer: PacoAnswer): Promise<PacoPayment> {
    const meaning = mapResponseCode(answer.code);
    if (meaning === 'duplicate_order') {
      // Our orderNo is generated per payment: PACO has it from an earlier attempt. Read it back.
      const known = await this.inquire(payment, order);
      return known;
    }
    const { order: info, pageUrl, pageValidUntil } = readPaymentData(answer.data);
    if (pageUrl) await this.orders.recordPage(payment.id, pageUrl, pageValidUntil);
    if (info && info.orderNo === order.orderNo) {
      const applied = await this.apply(payment, order, info, answer);
      return { ...applied, order: pageUrl ? ((await this.orders.find(payment.id)) ?? applied.order) : applied.order };
    }
    if (meaning === 'refused' || meaning === 'declined') {
      // Refused outright (validation, ...): PACO made no order; the payment failed with PACO's reason.
      const settled = await this.ledger.settle(payment, 'failed', { result: { channel: order.channel, responseCode: answer.code ?? null, errorCode: answer.code ?? 'unknown', errorMessage: answer.description ?? null } });
      return { payment: settled, order: (await this.orders.recordStatus(payment.id, emptyInfo(order.orderNo), answer.code)) };
    }
    // success/pending without an order, or a code we do not know: we cannot tell; ask PACO.
    this.logger.warn({ paymentId: payment.id, code: answer.code }, 'PACO payment answer without an order; reading it back');
    const known = await this.inquire(payment, order);
    if (known.found) return known;
    await this.ledger.annotate(payment, { lastError: `PACO answered ${answer.code ?? 'without a code'}${answer.description ? ` (${answer.description})` : ''} but has no such order` });
    return { payment: (await this.ledger.find({ id: payment.id })) ?? payment, order: known.order };
  }
}

function emptyInfo(orderNo: string): PacoOrderInfo {
  return { orderNo, controllerInternalId: null, paymentStatus: undefined, paymentStep: undefined, mapped: { status: 'pending', captured: false }, amount: null, settledMinor: 0, refundedMinor: 0, approvalCode: null, cardLast4: null, challengeUrl: null };
}
