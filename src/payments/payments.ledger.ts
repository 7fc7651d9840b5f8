import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppError } from '../common/errors/app-error.js';
import { Payment, type PaymentKind, type PaymentStatus } from './payment.entity.js';
import { statusesLeadingTo } from './payment-status.js';

export interface PaymentIntent {
  merchantId: string;
  provider: string;
  consentId: string | null;
  kind: PaymentKind;
  reference: string;
  amountMinor: number;
  currency: string;
  /** Everything else that defines the request, for the reuse check. */
  details: Record<string, unknown>;
  /** A provider reference chosen before the call (MoMo's X-Reference-Id), committed with the row. */
  providerReference?: string;
  /** SHA-256 of the token in the payment's callback URL, if the provider calls back. */
  callbackTokenHash?: string;
}

export type Begun = { payment: Payment; isNew: true } | { payment: Payment; isNew: false };

function fingerprint(intent: PaymentIntent): string {
  // What the merchant asked for; not the ids we generated for this attempt.
  const { merchantId: _m, providerReference: _p, callbackTokenHash: _c, ...rest } = intent;
  return createHash('sha256').update(JSON.stringify(rest, Object.keys(rest).sort())).update(JSON.stringify(intent.details)).digest('hex');
}

/**
 * The payments table as a ledger of provider calls: a row is committed as `pending` before the
 * provider is called, then settled with the outcome. The merchant's reference is the idempotency
 * key: the same reference with the same request returns the recorded payment; with a different
 * request it is refused.
 */
@Injectable()
export class PaymentsLedger {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async begin(intent: PaymentIntent): Promise<Begun> {
    const repo = this.dataSource.getRepository(Payment);
    const print = fingerprint(intent);
    const values = {
        merchantId: intent.merchantId,
        provider: intent.provider,
        consentId: intent.consentId,
        kind: intent.kind,
        reference: intent.reference,
        amountMinor: intent.amountMinor,
        currency: intent.currency,
        status: 'pending',
        requestFingerprint: print,
        providerReference: intent.providerReference ?? null,
        callbackTokenHash: intent.callbackTokenHash ?? null,
        providerResult: null,
        lastError: null,
    } satisfies Partial<Payment>;
    // Plain SQL on this hot path; a new row comes back with its generated columns, no second read.
    const [generated] = (await this.dataSource.query(
      `INSERT INTO payments (merchant_id, provider, consent_id, kind, reference, amount_minor, currency, status, request_fingerprint, provider_reference, callback_token_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9, $10)
       ON CONFLICT (merchant_id, provider, kind, reference) DO NOTHING
       RETURNING id, created_at, updated_at`,
      [values.merchantId, values.provider, values.consentId, values.kind, values.reference, values.amountMinor, values.currency, print, values.providerReference, values.callbackTokenHash],
    )) as { id: string; created_at: Date; updated_at: Date }[];
    if (generated) {
      return { payment: repo.create({ ...values, id: generated.id, createdAt: generated.created_at, updatedAt: generated.updated_at }), isNew: true };
    }
    const payment = await repo.findOneByOrFail({ merchantId: intent.merchantId, provider: intent.provider, kind: intent.kind, reference: intent.reference });
    if (payment.requestFingerprint !== print) {
      throw new AppError('UNPROCESSABLE', `The reference ${intent.reference} was already used for a different ${intent.kind}.`);
    }
    return { payment, isNew: false };
  }

  /** Settles a payment that is still open (`pending` or `requires_action`) with the provider's outcome. */
  async settle(payment: Payment, status: PaymentStatus, outcome: { providerReference?: string | null; result?: Record<string, unknown>; error?: string | null }): Promise<Payment> {
    const moved = await this.transition(payment, status, { from: ['pending', 'requires_action'], ...outcome });
    return moved ?? this.dataSource.getRepository(Payment).findOneByOrFail({ id: payment.id });
  }

  /**
   * Moves a payment along one edge of the state machine (`PAYMENT_TRANSITIONS`), atomically: the
   * UPDATE only matches while the payment is in one of `from` (default: every state that may lead
   * to `to`). Returns the updated payment, or null when it was not in such a state (a concurrent
   * change won, or the move is not allowed); the caller decides whether that is a conflict.
   * `result` is merged into the stored provider result.
   */
  async transition(
    payment: Pick<Payment, 'id'>,
    to: PaymentStatus,
    outcome: { from?: PaymentStatus[]; providerReference?: string | null; result?: Record<string, unknown>; error?: string | null } = {},
  ): Promise<Payment | null> {
    const allowed = statusesLeadingTo(to);
    const from = (outcome.from ?? allowed).filter((s) => allowed.includes(s));
    if (from.length === 0) return null;
    const rows = (await this.dataSource.query(
      `UPDATE payments
          SET status = $2,
              provider_reference = coalesce($4, provider_reference),
              provider_result = CASE WHEN $5::jsonb IS NULL THEN provider_result ELSE coalesce(provider_result, '{}'::jsonb) || $5::jsonb END,
              last_error = $6,
              updated_at = now()
        WHERE id = $1 AND status = ANY($3::text[])
        RETURNING id`,
      [payment.id, to, from, outcome.providerReference ?? null, outcome.result ? JSON.stringify(outcome.result) : null, outcome.error ?? null],
    )) as [{ id: string }[], number];
    if (rows[0].length === 0) return null;
    return this.dataSource.getRepository(Payment).findOneByOrFail({ id: payment.id });
  }

  /** Merges provider facts into a still-pending payment (e.g. "submitted"), without settling it. */
  async annotate(payment: Payment, changes: { providerResult?: Record<string, unknown>; callbackTokenHash?: string; lastError?: string | null }): Promise<void> {
    // Merged inside Postgres (jsonb ||), so concurrent notes never overwrite each other.
    await this.dataSource.query(
      `UPDATE payments
          SET provider_result = CASE WHEN $2::jsonb IS NULL THEN provider_result ELSE coalesce(provider_result, '{}'::jsonb) || $2::jsonb END,
              callback_token_hash = coalesce($3, callback_token_hash),
              last_error = CASE WHEN $4 THEN $5 ELSE last_error END,
              updated_at = now()
        WHERE id = $1 AND status = 'pending'`,
      [payment.id, changes.providerResult ? JSON.stringify(changes.providerResult) : null, changes.callbackTokenHash ?? null, changes.lastError !== undefined, changes.lastError ?? null],
    );
  }

  find(where: { id: string; merchantId?: string; provider?: string; kind?: Payment['kind'] }): Promise<Payment | null> {
    return this.dataSource.getRepository(Payment).findOneBy(where);
  }

  findByCallbackToken(provider: string, tokenHash: string): Promise<Payment | null> {
    return this.dataSource.getRepository(Payment).findOneBy({ provider, callbackTokenHash: tokenHash });
  }

  async noteError(payment: Payment, error: string): Promise<void> {
    await this.dataSource.getRepository(Payment).update({ id: payment.id, status: 'pending' }, { lastError: error });
  }
}
