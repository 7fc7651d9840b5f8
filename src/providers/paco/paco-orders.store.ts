import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Payment } from '../../payments/payment.entity.js';
import { PacoOrder, type PacoAction, type PacoChannel } from './paco-order.entity.js';
import type { PacoOrderInfo } from './paco.mapper.js';
import { prepared, runPrepared } from '../../database/prepared-statement.js';

/**
 * How far along PACO's own states an order is: a status/step is recorded only when it is not
 * behind the one already stored, so a late or repeated notification never rewinds PACO's facts.
 */
const RANK_SQL = (status: string, step: string) =>
  `CASE ${status} WHEN 'PCPS' THEN 0 WHEN 'P' THEN 1 WHEN 'I' THEN 1 WHEN 'A' THEN 2 WHEN 'S' THEN 3
     WHEN 'R' THEN (CASE ${step} WHEN 'RF' THEN 5 ELSE 4 END) WHEN 'V' THEN 5 WHEN 'F' THEN 5 ELSE -1 END`;

/** An action lock older than this is taken to be from a crashed instance. */
const ACTION_LOCK_SECONDS = 120;

// Every column, named: a prepared statement's result keeps its shape when a migration adds one.
const ORDER_COLUMNS = `payment_id, merchant_id, order_no, channel, description, return_url, payment_page_url, page_valid_until,
   challenge_url, controller_internal_id, paco_status, paco_step, response_code, approval_code, card_last4,
   captured_minor, refunded_minor, action, action_started_at, created_at, updated_at`;

interface OrderRow {
  payment_id: string;
  merchant_id: string;
  order_no: string;
  channel: PacoChannel;
  description: string;
  return_url: string | null;
  payment_page_url: string | null;
  page_valid_until: Date | null;
  challenge_url: string | null;
  controller_internal_id: string | null;
  paco_status: string | null;
  paco_step: string | null;
  response_code: string | null;
  approval_code: string | null;
  card_last4: string | null;
  captured_minor: string;
  refunded_minor: string;
  action: PacoAction | null;
  action_started_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** A paco_orders row as the entity (amounts as exact integers of minor units). */
export function pacoOrderFromRow(row: OrderRow): PacoOrder {
  return Object.assign(new PacoOrder(), {
    paymentId: row.payment_id,
    merchantId: row.merchant_id,
    orderNo: row.order_no,
    channel: row.channel,
    description: row.description,
    returnUrl: row.return_url,
    paymentPageUrl: row.payment_page_url,
    pageValidUntil: row.page_valid_until,
    challengeUrl: row.challenge_url,
    controllerInternalId: row.controller_internal_id,
    pacoStatus: row.paco_status,
    pacoStep: row.paco_step,
    responseCode: row.response_code,
    approvalCode: row.approval_code,
    cardLast4: row.card_last4,
    capturedMinor: Number(row.captured_minor),
    refundedMinor: Number(row.refunded_minor),
    action: row.action,
    actionStartedAt: row.action_started_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

// The statements of every payment, prepared once per connection; each returns the row it wrote.
const ENSURE = prepared(
  'paco_order_ensure',
  `WITH created AS (
     INSERT INTO paco_orders (payment_id, merchant_id, order_no, channel, description, return_url)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (payment_id) DO NOTHING
     RETURNING ${ORDER_COLUMNS}
   )
   SELECT ${ORDER_COLUMNS} FROM created
   UNION ALL
   SELECT ${ORDER_COLUMNS} FROM paco_orders WHERE payment_id = $1 AND NOT EXISTS (SELECT 1 FROM created)`,
);
const BY_PAYMENT = prepared('paco_order_by_payment', `SELECT ${ORDER_COLUMNS} FROM paco_orders WHERE payment_id = $1`);
const BY_ORDER_NO = prepared('paco_order_by_order_no', `SELECT ${ORDER_COLUMNS} FROM paco_orders WHERE order_no = $1`);
const RECORD_STATUS = prepared(
  'paco_order_record_status',
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
    WHERE payment_id = $1
   RETURNING ${ORDER_COLUMNS}`,
);

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
    const { rows: [written] } = await runPrepared<OrderRow>(this.dataSource, ENSURE, [row.paymentId, row.merchantId, row.orderNo, row.channel, row.description, row.returnUrl]);
    if (!written) throw new Error(`paco order ${row.paymentId} neither written nor found`);
    return pacoOrderFromRow(written);
  }

  async find(paymentId: string): Promise<PacoOrder | null> {
    const { rows: [row] } = await runPrepared<OrderRow>(this.dataSource, BY_PAYMENT, [paymentId]);
    return row ? pacoOrderFromRow(row) : null;
  }

  async findByOrderNo(orderNo: string): Promise<PacoOrder | null> {
    const { rows: [row] } = await runPrepared<OrderRow>(this.dataSource, BY_ORDER_NO, [orderNo]);
    return row ? pacoOrderFromRow(row) : null;
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
    const { rows: [row] } = await runPrepared<OrderRow>(this.dataSource, RECORD_STATUS, [
      paymentId, info.paymentStatus ?? null, info.paymentStep ?? null, responseCode ?? null, info.controllerInternalId, info.approvalCode, info.cardLast4, info.challengeUrl, info.settledMinor, info.refundedMinor,
    ]);
    if (!row) throw new Error(`no paco order ${paymentId}`);
    return pacoOrderFromRow(row);
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
