import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { PACO_CODES, PACO_RESPONSE_VERSION, PACO_STATES, type PacoCodeName, type PacoJournalOperation } from './paco-sandbox.constants.js';
import { amountView } from './paco-sandbox.money.js';
import type { PacoOrder } from './paco-sandbox.store.js';

/*
 * PACO-shaped bodies. Envelopes copy the observed casing (B.6): PascalCase `Data`/`Version`/
 * `ApiResponse` outside, camelCase inside; plain-JSON transport errors use `apiResponse` with
 * camelCase members, as JUSPAY's error parser reads them. Never Gatehouse's problem+json.
 */

/** What the journal records about a wire call, filled in by the handlers as they learn it. */
export interface JournalNote {
  operation?: PacoJournalOperation;
  responseCode?: string;
  orderNo?: string;
  cardLast4?: string;
}

export function journalNote(res: Response): JournalNote {
  return ((res.locals as { pacoSandbox?: JournalNote }).pacoSandbox ??= {});
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The `ApiResponse` block of an envelope. */
export function apiResponse(code: PacoCodeName | { code: string; description: string }, requestMessageId: string | null, now: number, startedMs: number, detail?: string): Record<string, unknown> {
  const known = typeof code === 'string' ? PACO_CODES[code] : code;
  return {
    ResponseMessageId: randomUUID(),
    ResponseToRequestMessageId: requestMessageId,
    ResponseCode: known.code,
    ResponseDescription: detail ? `${known.description}: ${detail}` : known.description,
    ResponseDateTime: iso(now),
    ResponseTime: Math.max(0, Math.round(performance.now() - startedMs)),
    AcquirerResponseCode: null,
    AcquirerResponseDescription: null,
    EciValue: null,
    MarketingDescription: null,
  };
}

export function envelope(data: unknown, api: Record<string, unknown>): Record<string, unknown> {
  return { Data: data, Version: PACO_RESPONSE_VERSION, ApiResponse: api };
}

/** A plain-JSON transport/JOSE error (B.6 "Error replies", PART E #11). */
export function plainError(name: PacoCodeName, detail?: string): { status: number; body: unknown } {
  const known = PACO_CODES[name] as { code: string; description: string; status?: number };
  return {
    status: known.status ?? 400,
    body: { apiResponse: { responseCode: known.code, responseDescription: detail ? `${known.description}: ${detail}` : known.description } },
  };
}

/** An order as PACO reports it inside `paymentResult` / `paymentIncompleteResult` / inquiry data. */
export function orderView(order: PacoOrder): Record<string, unknown> {
  const { status, step } = PACO_STATES[order.state];
  return {
    orderNo: order.orderNo,
    officeId: order.officeId,
    InvoiceNo2C2P: null,
    controllerInternalID: order.controllerInternalID,
    productDescription: order.productDescription,
    paymentStatusInfo: { PaymentStatus: status, PaymentStep: step, LastUpdatedDateTime: iso(order.updatedAt) },
    transactionAmount: amountView(order.amount.minor, order.amount.currency, order.amount.decimalPlaces),
    settlementAmount: order.settledMinor > 0 ? amountView(order.settledMinor, order.amount.currency, order.amount.decimalPlaces) : null,
    refundAmount: order.refundedMinor > 0 ? amountView(order.refundedMinor, order.amount.currency, order.amount.decimalPlaces) : null,
    issuerApprovalCode: order.approvalCode ?? null,
    creditCardDetails: order.cardLast4 ? { cardNumber: `XXXXXXXXXXXX${order.cardLast4}` } : null,
    notificationURLs: { ...order.urls },
    aresACSChallenge: null,
    transactionDateTime: iso(order.createdAt),
  };
}

/** The result member name for a payment reply: incomplete while the payer or the acquirer still has to act. */
export function resultMember(order: PacoOrder): 'paymentResult' | 'paymentIncompleteResult' {
  return order.state === 'pageGenerated' || order.state === 'challenge' || order.state === 'pending' ? 'paymentIncompleteResult' : 'paymentResult';
}

/** A wait that never keeps the process alive on its own. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
