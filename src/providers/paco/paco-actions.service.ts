import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error.js';
import type { Merchant } from '../../merchants/merchant.entity.js';
import type { PacoAction } from './paco-order.entity.js';
import { PacoOrders } from './paco-orders.store.js';
import { type PacoPayment, PacoPaymentsService } from './paco-payments.service.js';
import { PacoCallError, PacoClient } from './paco.client.js';
import { PACO_CONFIG, type PacoConfig } from './paco.config.js';
import { mapResponseCode, pick, readOrder, toPacoAmount } from './paco.mapper.js';

const conflict = (message: string) => new AppError('CONFLICT', message);

/**
 * Void, settlement and refund of a PACO card payment. PACO's rules are checked locally first (void
 * only an authorised, unsettled payment; settle only an authorisation; refund only what was
 * settled, once), one action at a time per payment (a lock in paco_orders), and a repeated call
 * that is already done answers with the payment as it is. When PACO's answer is unclear, the order
 * is read back (inquiry) before anything is decided.
 */
@Injectable()
export class PacoActionsService {
  private readonly logger = new Logger(PacoActionsService.name);

  constructor(
    @Inject(PACO_CONFIG) private readonly config: PacoConfig,
    private readonly client: PacoClient,
    private readonly payments: PacoPaymentsService,
    private readonly orders: PacoOrders,
  ) {}

  /** Cancels an authorised, unsettled payment (the hold on the card is released): succeeded -> canceled. */
  async void(merchant: Merchant, orderNo: string): Promise<PacoPayment> {
    this.payments.assertEnabled();
    const found = await this.payments.find(merchant, orderNo);
    if (found.payment.status === 'canceled') return found;
    if (found.payment.status !== 'succeeded') throw conflict(`Only an authorised payment can be voided; this one is ${found.payment.status}.`);
    if (found.order.capturedMinor > 0) throw conflict('This payment is settled: refund it instead of voiding it.');
    return this.run(found, 'void', {
      productDescription: found.order.description,
      voidAmount: toPacoAmount(found.payment.amountMinor, found.payment.currency),
    }, (p) => p.payment.status === 'canceled');
  }

  /** Settles (captures) an authorisation, in full or in part; the payment stays succeeded, now captured. */
  async settle(merchant: Merchant, orderNo: string, requested?: Money): Promise<PacoPayment> {
    this.payments.assertEnabled();
    const found = await this.payments.find(merchant, orderNo);
    const amount = minorOf(requested, found.payment.currency) ?? found.payment.amountMinor;
    if (found.payment.status === 'succeeded' && found.order.capturedMinor > 0) {
      if (amount === found.order.capturedMinor) return found;
      throw conflict(`This payment is already settled (${found.order.capturedMinor} minor units).`);
    }
    if (found.payment.status !== 'succeeded') throw conflict(`Only an authorised payment can be settled; this one is ${found.payment.status}.`);
    if (amount > found.payment.amountMinor) throw invalidAmount('cannot be more than the authorised amount');
    return this.run(found, 'settle', {
      productDescription: found.order.description,
      ...(found.order.approvalCode ? { issuerApprovalCode: found.order.approvalCode } : {}),
      actionBy: 'System',
      settlementAmount: toPacoAmount(amount, found.payment.currency),
    }, (p) => p.order.capturedMinor > 0);
  }

  /**
   * Refunds a settled payment, in full by default or in part, once (the PHP demo: "OrderNo can be
   * Refund one time only"): succeeded -> refunded.
   */
  async refund(merchant: Merchant, orderNo: string, requested?: Money): Promise<PacoPayment> {
    this.payments.assertEnabled();
    const found = await this.payments.find(merchant, orderNo);
    const amount = minorOf(requested, found.payment.currency) ?? (found.payment.status === 'refunded' ? found.order.refundedMinor : found.order.capturedMinor);
    if (found.payment.status === 'refunded') {
      if (amount === found.order.refundedMinor) return found;
      throw conflict(`This payment was already refunded (${found.order.refundedMinor} minor units); PACO refunds an order once.`);
    }
    if (found.payment.status !== 'succeeded') throw conflict(`Only a settled payment can be refunded; this one is ${found.payment.status}.`);
    if (found.order.capturedMinor === 0) throw conflict('This payment is authorised but not settled: void it, or settle it first.');
    if (amount > found.order.capturedMinor) throw invalidAmount('cannot be more than the settled amount');
    return this.run(found, 'refund', {
      productDescription: found.order.description,
      refundAmount: toPacoAmount(amount, found.payment.currency),
      refundItems: [],
      localMakerChecker: { maker: { username: 'System', email: '' } },
    }, (p) => p.payment.status === 'refunded');
  }

  private async run(found: PacoPayment, action: PacoAction, fields: Record<string, unknown>, done: (p: PacoPayment) => boolean): Promise<PacoPayment> {
    if (!(await this.orders.claimAction(found.payment.id, action))) throw conflict('Another void, settlement or refund of this payment is under way.');
    try {
      const operation = action === 'settle' ? 'settlement' : action;
      let answer;
      try {
        answer = await this.client.call(operation, { officeId: this.config.officeId, orderNo: found.order.orderNo, ...fields });
      } catch (err) {
        if (!(err instanceof PacoCallError)) throw err;
        if (err.kind === 'unknown') {
          // Did it happen? Read the order before answering.
          const known = await this.payments.inquire(found.payment, found.order).catch(() => undefined);
          if (known && done(known)) return known;
        }
        throw err.toAppError();
      }
      const meaning = mapResponseCode(answer.code);
      const data = answer.data;
      const orderData = pick(data, 'paymentResult') ?? data;
      if (meaning === 'success' && orderData && typeof orderData === 'object') {
        const applied = await this.payments.apply(found.payment, found.order, readOrder(orderData), answer);
        if (done(applied)) return applied;
      }
      // Refused, or an answer that does not show the action done: read the order back, then say why.
      const known = await this.payments.inquire(found.payment, found.order).catch(() => undefined);
      if (known && done(known)) return known;
      this.logger.warn({ paymentId: found.payment.id, action, code: answer.code }, 'PACO refused an action');
      throw new AppError('PROVIDER_REJECTED', `PACO refused the ${operation} (${answer.code ?? 'no code'}${answer.description ? `: ${answer.description}` : ''}).`);
    } finally {
      await this.orders.releaseAction(found.payment.id, action);
    }
  }
}

export interface Money {
  value: number;
  currency: string;
}

/** A partial amount must be in the payment's currency. */
function minorOf(amount: Money | undefined, currency: string): number | undefined {
  if (!amount) return undefined;
  if (amount.currency !== currency) throw new AppError('VALIDATION_FAILED', `The amount must be in ${currency}, the payment's currency.`, { errors: [{ field: 'amount.currency', message: `must be ${currency}` }] });
  return amount.value;
}

function invalidAmount(message: string): AppError {
  return new AppError('VALIDATION_FAILED', `The amount ${message}.`, { errors: [{ field: 'amount.value', message }] });
}
