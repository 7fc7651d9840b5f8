import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Payment } from '../../payments/payment.entity.js';
import { PacoOrder, type PacoAction, type PacoChannel } from './paco-order.entity.js';
import type { PacoOrderInfo } from './paco.mapper.js';

/**
 * How far along PACO's own states an order is: a status/step is recorded only when it is not
 * behind the one already stored, so a late or repeated notification never rewinds PACO's facts.
 */
const RANK_SQL = (status: string, step: string) =>
  `CASE ${status} WHEN 'PCPS' THEN 0 WHEN 'P' THEN 1 WHEN 'I' THEN 1 WHEN 'A' THEN 2 WHEN 'S' THEN 3
     WHEN 'R' THEN (CASE ${step} WHEN 'RF' THEN 5 ELSE 4 END) WHEN 'V' THEN 5 WHEN 'F' THEN 5 ELSE -1 END`;

/** An action lock older than this is taken to be from a crashed instance. */
const ACTION_LOCK_SECONDS = 120;

export interface PacoOrderListing {
  order: PacoOrder;
  reference: string;
  status: Payment['status'];
  amountMinor: number;
  currency: string;
}

/** paco_orders: one row per PACO payment, beside its ledger row. Plain SQL where it must be atomic. */
@Injectable()
export class PacoOrders {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(PacoOrder);
  }

  /** Written before PACO is called; a replay finds the row of the first attempt. */
  async ensure(row: { paymentId: string; merchantId: string; orderNo: string; channel: PacoChannel; description: string; returnUrl: string | null }): Promise<PacoOrder> {
    await this.dataSource.query(
      `INSERT INTO paco_orders (payment_id, merchant_id, order_no, channel, description, return_url)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (payment_id) DO NOTHING`,
      [row.paymentId, row.merchantId, row.orderNo, row.channel, row.description, row.returnUrl],
    );
    return this.repo.findOneByOrFail({ paymentId: row.paymentId });
  }

  find(paymentId: string): Promise<PacoOrder | null> {
    return this.repo.findOneBy({ paymentId });
  }

  findByOrderNo(orderNo: string): Promise<PacoOrder | null> {
    return this.repo.findOneBy({ orderNo });
  }

  /** The merchant's payment by its own order number (the ledger's reference). */
  async findForMerchant(merchantId: string, reference: string): Promise<{ payment: Payment; order: PacoOrder } | null> {
    const payment = await this.dataSource.getRepository(Payment).findOneBy({ merchantId, provider: 'paco', kind: 'charge', reference });
    if (!payment) return null;
    const order = await this.find(payment.id);
    return order ? { payment, order } : null;
  }

  /** The hosted page PACO made for the order. */
  async recordPage(paymentId: string, pageUrl: string, validUntil: Date | null): Promise<void> {
    await this.dataSource.query(`UPDATE paco_orders SET payment_page_url = $2, page_valid_until = $3, updated_at = now() WHERE payment_id = $1`, [paymentId, pageUrl, validUntil]);
  }

  /** PACO's facts about the order, forward only: amounts never shrink, status never goes back. */
  async recordStatus(paymentId: string, info: PacoOrderInfo, responseCode: string | undefined): Promise<PacoOrder> {
    await this.dataSource.query(
      `UPDATE paco_orders SET
          paco_status = CASE WHEN ${RANK_SQL('$2::text', '$3::text')} >= ${RANK_SQL('paco_status', 'paco_step')} THEN $2 ELSE paco_status END,
          paco_step = CASE WHEN ${RANK_SQL('$2::text', '$3::text')} >= ${RANK_SQL('paco_status', 'paco_step')} THEN $3 ELSE paco_step END,
          response_code = coalesce($4, response_code),
          controller_internal_id = coalesce(controller_internal_id, $5),
          approval_code = coalesce($6, approval_code),
          card_last4 = coalesce($7, card_last4),
          challenge_url = coalesce($8, challenge_url),
          captured_minor = greatest(captured_minor, $9),
          refunded_minor = least(greatest(refunded_minor, $10), greatest(captured_minor, $9)),
          updated_at = now()
        WHERE payment_id = $1`,
      [paymentId, info.paymentStatus ?? null, info.paymentStep ?? null, responseCode ?? null, info.controllerInternalId, info.approvalCode, info.cardLast4, info.challengeUrl, info.settledMinor, info.refundedMinor],
    );
    return this.repo.findOneByOrFail({ paymentId });
  }

  /** Takes the order's action lock: one void/settlement/refund at a time. False when another is under way. */
  async claimAction(paymentId: string, action: PacoAction): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `UPDATE paco_orders SET action = $2, action_started_at = now()
        WHERE payment_id = $1 AND (action IS NULL OR action_started_at < now() - make_interval(secs => $3))
        RETURNING payment_id`,
      [paymentId, action, ACTION_LOCK_SECONDS],
    )) as [unknown[], number];
    return rows[0].length === 1;
  }

  async releaseAction(paymentId: string, action: PacoAction): Promise<void> {
    await this.dataSource.query(`UPDATE paco_orders SET action = NULL, action_started_at = NULL WHERE payment_id = $1 AND action = $2`, [paymentId, action]);
  }

  /** The merchant's PACO orders, newest first, with their ledger reference and status. */
  async listForMerchant(merchantId: string, window: { from?: Date; to?: Date; reference?: string; limit: number }): Promise<PacoOrderListing[]> {
    const rows = (await this.dataSource.query(
      `SELECT o.payment_id, p.reference, p.status, p.amount_minor, p.currency
         FROM paco_orders o JOIN payments p ON p.id = o.payment_id
        WHERE o.merchant_id = $1
          AND ($2::timestamptz IS NULL OR o.created_at >= $2)
          AND ($3::timestamptz IS NULL OR o.created_at <= $3)
          AND ($4::text IS NULL OR p.reference = $4)
        ORDER BY o.created_at DESC
        LIMIT $5`,
      [merchantId, window.from ?? null, window.to ?? null, window.reference ?? null, window.limit],
    )) as { payment_id: string; reference: string; status: Payment['status']; amount_minor: string; currency: string }[];
    if (rows.length === 0) return [];
    const orders = await this.repo.createQueryBuilder('o').where('o.payment_id IN (:...ids)', { ids: rows.map((r) => r.payment_id) }).getMany();
    const byId = new Map(orders.map((o) => [o.paymentId, o]));
    return rows.map((r) => ({ order: byId.get(r.payment_id)!, reference: r.reference, status: r.status, amountMinor: Number(r.amount_minor), currency: r.currency }));
  }
}
