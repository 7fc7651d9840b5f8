import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AppError } from '../common/errors/app-error.js';
import { Payment, type PaymentKind, type PaymentStatus } from './payment.entity.js';
import { fanOutSql } from '../webhooks/outbox.js';
import { prepared, runPrepared } from '../database/prepared-statement.js';
import { statusesLeadingTo } from './payment-status.js';
import { PAYMENTS_CONFIG, type PaymentsConfig } from './payments.config.js';

/**
 * CTEs that write a webhook event for each row of `rows` (payments columns plus previous_status)
 * and queue its deliveries; `type` is an SQL expression. The event data is the payment's public view.
 */
function PAYMENT_EVENT_CTES(rows: string, type: string): string {
  return `payment_event AS (
         INSERT INTO webhook_events (merchant_id, type, data)
         SELECT ${rows}.merchant_id, ${type}, jsonb_build_object(
                  'id', ${rows}.id, 'provider', ${rows}.provider, 'kind', ${rows}.kind, 'reference', ${rows}.reference,
                  'status', ${rows}.status, 'previousStatus', ${rows}.previous_status,
                  'amount', jsonb_build_object('value', ${rows}.amount_minor, 'currency', ${rows}.currency),
                  'providerReference', ${rows}.provider_reference, 'consentId', ${rows}.consent_id)
           FROM ${rows}
         RETURNING id, merchant_id, type
       ), payment_event_queued AS (${fanOutSql('payment_event')})`;
}

// Every column of a payment, named: a prepared statement's result must keep its shape when a
// migration adds a column.
const PAYMENT_COLUMNS = `id, merchant_id, provider, consent_id, kind, reference, provider_reference, amount_minor, currency, status,
   request_fingerprint, provider_result, last_error, callback_token_hash, payer_ref, description, created_at, updated_at`;

interface PaymentRow {
  id: string;
  merchant_id: string;
  provider: string;
  consent_id: string | null;
  kind: PaymentKind;
  reference: string;
  provider_reference: string | null;
  amount_minor: string;
  currency: string;
  status: PaymentStatus;
  request_fingerprint: string;
  provider_result: Record<string, unknown> | null;
  last_error: string | null;
  callback_token_hash: string | null;
  payer_ref: string | null;
  description: string | null;
  created_at: Date;
  updated_at: Date;
}

/** A payments row as the entity: what TypeORM's find gives, without its cost on the hot paths. */
export function paymentFromRow(row: PaymentRow): Payment {
  return Object.assign(new Payment(), {
    id: row.id,
    merchantId: row.merchant_id,
    provider: row.provider,
    consentId: row.consent_id,
    kind: row.kind,
    reference: row.reference,
    providerReference: row.provider_reference,
    amountMinor: Number(row.amount_minor),
    currency: row.currency,
    status: row.status,
    requestFingerprint: row.request_fingerprint,
    providerResult: row.provider_result,
    lastError: row.last_error,
    callbackTokenHash: row.callback_token_hash,
    payerRef: row.payer_ref,
    description: row.description,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

const FIND_BY_ID = prepared('payment_by_id', `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE id = $1`);

// The hot statements of every payment, prepared once per connection (database/prepared-statement.ts).
const BEGIN = prepared(
  'payment_begin',
  `WITH created AS (
     INSERT INTO payments (merchant_id, provider, consent_id, kind, reference, amount_minor, currency, status, request_fingerprint, provider_reference, callback_token_hash, payer_ref, description)
     -- Who pays: given (a wallet number), else the PSU of the consent the money comes from.
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9, $10, coalesce($11, (SELECT 'psu:' || psu_id FROM consents WHERE id = $3)), $12)
     ON CONFLICT (merchant_id, provider, kind, reference) DO NOTHING
     RETURNING *, NULL::text AS previous_status
   ), history AS (
     INSERT INTO payment_events (payment_id, from_status, to_status, cause) SELECT id, NULL, status, 'created' FROM created
   ), checked AS (
     -- Its first status check, when the provider is reconciled ($13 seconds from now).
     INSERT INTO payment_checks (payment_id, provider, due_at, resend)
     SELECT id, provider, now() + make_interval(secs => $13), $14::jsonb FROM created WHERE $13::float8 IS NOT NULL
   ), ${PAYMENT_EVENT_CTES('created', "'payment.created'")}
   SELECT id, created_at, updated_at, payer_ref FROM created`,
);

const TRANSITION = prepared(
  'payment_transition',
  `WITH locked AS (
     SELECT id, status FROM payments WHERE id = $1 FOR UPDATE
   ), moved AS (
     UPDATE payments p
        SET status = $2,
            provider_reference = coalesce($4, p.provider_reference),
            provider_result = CASE WHEN $5::jsonb IS NULL THEN p.provider_result ELSE coalesce(p.provider_result, '{}'::jsonb) || $5::jsonb END,
            last_error = $6,
            updated_at = now()
       FROM locked
      WHERE p.id = locked.id AND locked.status = ANY ($3::text[])
      RETURNING p.*, locked.status AS previous_status
   ), history AS (
     INSERT INTO payment_events (payment_id, from_status, to_status, cause) SELECT id, previous_status, status, $7 FROM moved
   ), unchecked AS (
     -- Past pending there is nothing left to reconcile.
     DELETE FROM payment_checks c USING moved WHERE c.payment_id = moved.id AND moved.status NOT IN ('pending', 'requires_action')
   ), ${PAYMENT_EVENT_CTES('moved', "'payment.' || moved.status")}
   SELECT ${PAYMENT_COLUMNS} FROM moved`,
);

// The provider's facts and, when given ($6), the payment's next status check: one statement, so
// an accepted payment is never left without a check.
const ANNOTATE = prepared(
  'payment_annotate',
  `WITH noted AS (
     UPDATE payments
        SET provider_result = CASE WHEN $2::jsonb IS NULL THEN provider_result ELSE coalesce(provider_result, '{}'::jsonb) || $2::jsonb END,
            callback_token_hash = coalesce($3, callback_token_hash),
            last_error = CASE WHEN $4 THEN $5 ELSE last_error END,
            updated_at = now()
      WHERE id = $1 AND status = 'pending'
      RETURNING id, provider
   )
   INSERT INTO payment_checks (payment_id, provider, due_at, resend)
   SELECT id, provider, now() + make_interval(secs => $6), $7::jsonb FROM noted WHERE $6::float8 IS NOT NULL
   ON CONFLICT (payment_id) DO UPDATE SET due_at = EXCLUDED.due_at, resend = coalesce(EXCLUDED.resend, payment_checks.resend)`,
);

// Due checks of one provider, claimed for a lease: another instance skips them (SKIP LOCKED) and
// gets them again only if this one dies before rescheduling or finishing them.
const CLAIM_CHECKS = prepared(
  'payment_checks_claim',
  `WITH claimed AS (
     UPDATE payment_checks c SET due_at = now() + make_interval(secs => $3), attempt = c.attempt + 1
      WHERE c.payment_id IN (SELECT payment_id FROM payment_checks WHERE provider = $1 AND due_at <= now() ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED)
     RETURNING c.payment_id, c.attempt, c.resend
   )
   SELECT claimed.attempt AS check_attempt, claimed.resend AS check_resend, ${PAYMENT_COLUMNS}
     FROM claimed JOIN payments ON payments.id = claimed.payment_id`,
);

// A provider's callback names a payment by its token: if it is pending, its check is due now
// (written if it had none). One statement; the payment's id and status come back.
const CHECK_NOW_BY_CALLBACK_TOKEN = prepared(
  'payment_checks_callback',
  `WITH p AS (
     SELECT id, status FROM payments WHERE callback_token_hash = $1 AND provider = $2
   ), due AS (
     INSERT INTO payment_checks (payment_id, provider, due_at) SELECT id, $2, now() FROM p WHERE status = 'pending'
     ON CONFLICT (payment_id) DO UPDATE SET due_at = now()
   )
   SELECT id, status FROM p`,
);

const RESCHEDULE_CHECK = prepared('payment_checks_reschedule', `UPDATE payment_checks SET due_at = now() + make_interval(secs => $2) WHERE payment_id = $1`);

const FINISH_CHECK = prepared('payment_checks_finish', `DELETE FROM payment_checks WHERE payment_id = $1`);

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
  /** Who pays (a consent's PSU, a wallet number), for velocity limits. Not part of the fingerprint. */
  payerRef?: string;
  description?: string;
  /**
   * A status check written with the row (`claimChecks`), for providers that are reconciled: so
   * that even a process stopped before the provider call leaves the payment to be checked, and
   * `resend` (the provider request) sent if the provider turns out not to have it.
   */
  check?: { afterSeconds: number; resend?: Record<string, unknown> };
}

/** A claimed status check, with its payment as it is now. */
export interface ClaimedCheck {
  paymentId: string;
  /** Claims so far, this one included. */
  attempt: number;
  /** The provider request to send again if the provider has no such transaction. */
  resend: Record<string, unknown> | null;
  payment: Payment;
}

export type Begun = { payment: Payment; isNew: true } | { payment: Payment; isNew: false };

function fingerprint(intent: PaymentIntent): string {
  // What the merchant asked for; not the ids we generated for this attempt.
  const { merchantId: _m, providerReference: _p, callbackTokenHash: _c, payerRef: _r, description: _d, check: _k, ...rest } = intent;
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
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(PAYMENTS_CONFIG) private readonly config: PaymentsConfig,
  ) {}

  /**
   * Per-payer velocity: how many payments (not failed or canceled) this payer made to this
   * merchant in the last hour, and how much in the last day, checked before a new row is written.
   * Concurrent requests may each pass the check (a soft limit); a replay of a recorded reference
   * is never refused.
   */
  private async checkVelocity(intent: PaymentIntent): Promise<void> {
    const { maxPaymentsPerHour, maxAmountPerDay } = this.config.velocity;
    if (!maxPaymentsPerHour && !maxAmountPerDay) return;
    const payerRef = intent.payerRef ?? (intent.consentId ? await this.psuOf(intent.consentId) : undefined);
    if (!payerRef) return;
    const [row] = (await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE created_at > now() - interval '1 hour')::int AS recent,
              coalesce(sum(amount_minor) FILTER (WHERE currency = $3), 0)::text AS day_total,
              bool_or(provider = $4 AND kind = $5 AND reference = $6) AS replay
         FROM payments
        WHERE merchant_id = $1 AND payer_ref = $2 AND created_at > now() - interval '1 day' AND status NOT IN ('failed', 'canceled')`,
      [intent.merchantId, payerRef, intent.currency, intent.provider, intent.kind, intent.reference],
    )) as { recent: number; day_total: string; replay: boolean | null }[];
    if (row.replay) return;
    if (maxPaymentsPerHour && row.recent >= maxPaymentsPerHour) {
      throw new AppError('VELOCITY_LIMIT_EXCEEDED', `This payer made ${row.recent} payments in the last hour (limit ${maxPaymentsPerHour}).`, { headers: { 'Retry-After': '3600' } });
    }
    if (maxAmountPerDay && BigInt(row.day_total) + BigInt(intent.amountMinor) > BigInt(maxAmountPerDay)) {
      throw new AppError('VELOCITY_LIMIT_EXCEEDED', `This payment would take the payer over ${maxAmountPerDay} ${intent.currency} minor units in a day.`, { headers: { 'Retry-After': '86400' } });
    }
  }

  async begin(intent: PaymentIntent): Promise<Begun> {
    const repo = this.dataSource.getRepository(Payment);
    const print = fingerprint(intent);
    await this.checkVelocity(intent);
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
        payerRef: intent.payerRef ?? null,
        description: intent.description ?? null,
        providerResult: null,
        lastError: null,
    } satisfies Partial<Payment>;
    // Plain SQL on this hot path: the row, its first history entry and its `payment.created` event
    // in one statement; a new row comes back with its generated columns, no second read.
    const {
      rows: [generated],
    } = await runPrepared<{ id: string; created_at: Date; updated_at: Date; payer_ref: string | null }>(this.dataSource, BEGIN, [values.merchantId, values.provider, values.consentId, values.kind, values.reference, values.amountMinor, values.currency, print, values.providerReference, values.callbackTokenHash, values.payerRef, values.description, intent.check?.afterSeconds ?? null, intent.check?.resend ? JSON.stringify(intent.check.resend) : null]);
    if (generated) {
      return { payment: repo.create({ ...values, id: generated.id, payerRef: generated.payer_ref, createdAt: generated.created_at, updatedAt: generated.updated_at }), isNew: true };
    }
    const payment = await repo.findOneByOrFail({ merchantId: intent.merchantId, provider: intent.provider, kind: intent.kind, reference: intent.reference });
    if (payment.requestFingerprint !== print) {
      throw new AppError('UNPROCESSABLE', `The reference ${intent.reference} was already used for a different ${intent.kind}.`);
    }
    return { payment, isNew: false };
  }

  /** The payer key of a consent's payments, as the INSERT in `begin` derives it. */
  private async psuOf(consentId: string): Promise<string | undefined> {
    const [row] = (await this.dataSource.query(`SELECT psu_id FROM consents WHERE id = $1`, [consentId])) as { psu_id: string }[];
    return row ? `psu:${row.psu_id}` : undefined;
  }

  /** Settles a payment that is still open (`pending` or `requires_action`) with the provider's outcome. */
  async settle(payment: Payment, status: PaymentStatus, outcome: { providerReference?: string | null; result?: Record<string, unknown>; error?: string | null; cause?: string }): Promise<Payment> {
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
    outcome: {
      from?: PaymentStatus[];
      providerReference?: string | null;
      result?: Record<string, unknown>;
      error?: string | null;
      /** Why, for the status history (e.g. "callback", "refund requested"). */
      cause?: string;
      /** Run inside the caller's transaction (its EntityManager). */
      db?: EntityManager;
    } = {},
  ): Promise<Payment | null> {
    const allowed = statusesLeadingTo(to);
    const from = (outcome.from ?? allowed).filter((s) => allowed.includes(s));
    if (from.length === 0) return null;
    // The change, its history entry and its webhook event commit together or not at all.
    const { rows } = await runPrepared<PaymentRow>(outcome.db ?? this.dataSource, TRANSITION, [payment.id, to, from, outcome.providerReference ?? null, outcome.result ? JSON.stringify(outcome.result) : null, outcome.error ?? null, outcome.cause ?? null]);
    return rows[0] ? paymentFromRow(rows[0]) : null;
  }

  /** The status history of a payment, oldest first. */
  history(paymentId: string): Promise<{ from: PaymentStatus | null; to: PaymentStatus; cause: string | null; at: Date }[]> {
    return this.dataSource.query(
      `SELECT from_status AS "from", to_status AS "to", cause, at FROM payment_events WHERE payment_id = $1 ORDER BY id`,
      [paymentId],
    );
  }

  /**
   * Merges provider facts into a still-pending payment (e.g. "submitted"), without settling it;
   * with `checkAfterSeconds`, also (re)schedules its next status check (`claimChecks`).
   */
  async annotate(
    payment: Payment,
    changes: {
      providerResult?: Record<string, unknown>;
      callbackTokenHash?: string;
      lastError?: string | null;
      checkAfterSeconds?: number;
      /** With `checkAfterSeconds`: the provider request, to send again if the provider turns out not to have it. */
      resend?: Record<string, unknown>;
    },
  ): Promise<void> {
    // Merged inside Postgres (jsonb ||), so concurrent notes never overwrite each other.
    await runPrepared(this.dataSource, ANNOTATE, [payment.id, changes.providerResult ? JSON.stringify(changes.providerResult) : null, changes.callbackTokenHash ?? null, changes.lastError !== undefined, changes.lastError ?? null, changes.checkAfterSeconds ?? null, changes.resend ? JSON.stringify(changes.resend) : null]);
  }

  /** Up to `limit` due status checks of `provider`, each leased for `leaseSeconds`. */
  async claimChecks(provider: string, limit: number, leaseSeconds: number): Promise<ClaimedCheck[]> {
    const { rows } = await runPrepared<PaymentRow & { check_attempt: number; check_resend: Record<string, unknown> | null }>(this.dataSource, CLAIM_CHECKS, [provider, limit, leaseSeconds]);
    return rows.map((r) => ({ paymentId: r.id, attempt: r.check_attempt, resend: r.check_resend, payment: paymentFromRow(r) }));
  }

  /** The payment a callback token names, its status check made due now if it is pending; null if none. */
  async checkNowByCallbackToken(provider: string, tokenHash: string): Promise<Pick<Payment, 'id' | 'status'> | null> {
    const { rows: [row] } = await runPrepared<{ id: string; status: PaymentStatus }>(this.dataSource, CHECK_NOW_BY_CALLBACK_TOKEN, [tokenHash, provider]);
    return row ?? null;
  }

  /** The payment's next check, `afterSeconds` from now. */
  async rescheduleCheck(paymentId: string, afterSeconds: number): Promise<void> {
    await runPrepared(this.dataSource, RESCHEDULE_CHECK, [paymentId, afterSeconds]);
  }

  /** No more checks for this payment (final, or given up on). */
  async finishCheck(paymentId: string): Promise<void> {
    await runPrepared(this.dataSource, FINISH_CHECK, [paymentId]);
  }

  /** The payment with this id, if it also matches the other fields given (its merchant, provider, kind). */
  async find(where: { id: string; merchantId?: string; provider?: string; kind?: Payment['kind'] }): Promise<Payment | null> {
    const { rows: [row] } = await runPrepared<PaymentRow>(this.dataSource, FIND_BY_ID, [where.id]);
    if (!row) return null;
    const matches = (where.merchantId === undefined || row.merchant_id === where.merchantId) && (where.provider === undefined || row.provider === where.provider) && (where.kind === undefined || row.kind === where.kind);
    return matches ? paymentFromRow(row) : null;
  }

  async noteError(payment: Payment, error: string): Promise<void> {
    await this.dataSource.getRepository(Payment).update({ id: payment.id, status: 'pending' }, { lastError: error });
  }
}
