import { AppError } from '../../common/errors/app-error.js';
import type { ProviderTokenSet } from '../../consents/consent-provider.registry.js';
import type { PaymentStatus } from '../../payments/payment.entity.js';

/*
 * Pure translations between ConnectPay's wire format and Gatehouse's terms. The client parses
 * JSON losslessly (numbers arrive as strings), so amounts never pass through floating point.
 * Shapes marked [A] in the provider spec (PART 2: resource bodies, status words) are read here
 * and nowhere else.
 */

type Json = Record<string, unknown>;

/** [C] spec 2.3: the scopes of the PSD2 flow. */
export const CONNECTPAY_SCOPES = ['psd2-ais', 'psd2-pis'] as const;
export type ConnectPayScope = (typeof CONNECTPAY_SCOPES)[number];
export const AIS: ConnectPayScope = 'psd2-ais';
export const PIS: ConnectPayScope = 'psd2-pis';
/** [C] spec 2.3. */
export const CONNECTPAY_FLOW_ID = 'GetPSD2AuthCode';
/** [C] spec 2.1: accounts are in euro. */
export const CONNECTPAY_CURRENCY = 'EUR';

/** An answer from ConnectPay that cannot be read: the provider's fault (502), in the one error type. */
function wireError(message: string): AppError {
  return new AppError('PROVIDER_ERROR', `ConnectPay sent something unreadable: ${message}.`);
}

const isPsd2 = (scope: string): scope is ConnectPayScope => (CONNECTPAY_SCOPES as readonly string[]).includes(scope);

/**
 * Spec 2.3: PSD2 scopes cannot be mixed with ConnectPay's other ("Connect proprietary") scopes.
 * Named on its own so the merchant reads why, before anyone is redirected.
 */
export function scopeMixProblem(scopes: readonly string[]): string | undefined {
  const others = [...new Set(scopes.filter((s) => !isPsd2(s)))];
  if (!others.length || others.length === scopes.length) return undefined;
  return `PSD2 scopes (${CONNECTPAY_SCOPES.join(', ')}) cannot be mixed with other scopes (${others.map((s) => s.slice(0, 40)).join(', ')}).`;
}

// ---- money: integer cents inside, decimal strings on the wire ----

/** Cents -> ConnectPay's decimal string: 10025 -> "100.25". */
export function toConnectPayAmount(minor: number): string {
  if (!Number.isSafeInteger(minor) || minor <= 0) {
    throw new AppError('VALIDATION_FAILED', 'The amount must be a positive whole number of minor units.', { errors: [{ field: 'amount.value', message: 'must be a positive integer' }] });
  }
  const cents = BigInt(minor);
  return `${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;
}

/** ConnectPay's decimal ("2450.75", "12.5", "100", "-3.10", trailing zeros allowed) -> cents; sub-cent values are refused. */
export function fromConnectPayAmount(value: unknown): number {
  const match = typeof value === 'string' ? /^(-?)(\d{1,13})(?:\.(\d+))?$/.exec(value.trim()) : null;
  if (!match) throw wireError(`not a decimal amount: ${JSON.stringify(value)?.slice(0, 40)}`);
  const [, sign, whole, fraction = ''] = match;
  if (/[1-9]/.test(fraction.slice(2))) throw wireError(`amount has sub-cent precision: ${String(value).slice(0, 40)}`);
  const cents = Number(whole) * 100 + Number(fraction.slice(0, 2).padEnd(2, '0'));
  return sign && cents !== 0 ? -cents : cents;
}

/** `{value, currency}` on the wire -> `{value: cents, currency}`. */
function money(raw: unknown, what: string): { value: number; currency: string } {
  const m = (raw ?? {}) as Json;
  if (typeof m.currency !== 'string' || !/^[A-Z]{3}$/.test(m.currency)) throw wireError(`${what} has no currency`);
  return { value: fromConnectPayAmount(m.value), currency: m.currency };
}

// ---- IBAN ----

export function normalizeIban(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}

/** ISO 13616 shape and mod-97 check digits. */
export function isValidIban(value: string): boolean {
  const iban = normalizeIban(value);
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const digits = `${iban.slice(4)}${iban.slice(0, 4)}`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let remainder = 0;
  for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  return remainder === 1;
}

// ---- tokens ----

/** Seconds as a number or a numeric string (ConnectPay sends `refresh_token_expires_in` as a string). */
export function seconds(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!/^\d{1,10}(\.\d+)?$/.test(text)) throw wireError(`not a number of seconds: ${JSON.stringify(value)?.slice(0, 40)}`);
  return Math.floor(Number(text));
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : typeof value === 'number' ? String(value) : undefined);

/** The PSU of an answer: both ids, or nothing (a half-known PSU is not a binding). */
export function psuFrom(personId: unknown, customerId: unknown): { personId: string; customerId: string } | undefined {
  const person = text(personId);
  const customer = text(customerId);
  return person && customer ? { personId: person.slice(0, 100), customerId: customer.slice(0, 100) } : undefined;
}

/**
 * The token response (spec 2.5): RFC 6749 fields, `refresh_token_expires_in` as a string,
 * `client_customer_name` masked; [A] `person_id` / `customer_id`, when sent, say whom the tokens
 * are bound to.
 */
export function tokenSetFromConnectPay(body: Json): ProviderTokenSet {
  if (typeof body.access_token !== 'string' || !body.access_token) throw wireError('token response without access_token');
  const tokenType = typeof body.token_type === 'string' ? body.token_type.toLowerCase() : 'bearer';
  if (tokenType !== 'bearer') throw wireError(`token_type ${tokenType.slice(0, 20)} is not Bearer`);
  const scope = typeof body.scope === 'string' ? body.scope.split(' ').filter(Boolean) : undefined;
  const subject = psuFrom(body.person_id, body.customer_id);
  return {
    accessToken: body.access_token,
    refreshToken: typeof body.refresh_token === 'string' && body.refresh_token ? body.refresh_token : undefined,
    tokenType,
    expiresIn: seconds(body.expires_in),
    refreshExpiresIn: seconds(body.refresh_token_expires_in),
    scope,
    ...(subject ? { subject } : {}),
  };
}

// ---- account information ----

export interface Balance {
  type: string;
  amount: { value: number; currency: string };
}

export interface Account {
  accountId: string;
  iban: string;
  name: string | null;
  currency: string;
  /** The Customer holding it, when the answer says. */
  customerId: string | null;
  balances?: Balance[];
}

export interface AccountList {
  /** Whom the token is bound to, when the answer says. */
  psu: { personId: string; customerId: string } | undefined;
  customerName: string | null;
  customerType: string | null;
  accounts: Account[];
}

function balances(raw: unknown): Balance[] {
  if (!Array.isArray(raw)) throw wireError('balances is not a list');
  return raw.map((b: Json) => ({ type: text(b?.balanceType) ?? 'unknown', amount: money(b?.amount, 'a balance') }));
}

function account(raw: Json): Account {
  const accountId = text(raw?.accountId);
  const iban = text(raw?.iban);
  if (!accountId || !iban) throw wireError('an account without accountId or iban');
  return {
    accountId,
    iban: normalizeIban(iban),
    name: text(raw.name) ?? null,
    currency: text(raw.currency) ?? CONNECTPAY_CURRENCY,
    customerId: text(raw.customerId) ?? null,
    ...(raw.balances !== undefined ? { balances: balances(raw.balances) } : {}),
  };
}

/** `GET /ob/accounts` [A shape]: `{personId, customerId, customerName, customerType, accounts:[…]}`. */
export function mapAccounts(body: Json): AccountList {
  if (!Array.isArray(body.accounts)) throw wireError('the account list has no accounts');
  return {
    psu: psuFrom(body.personId, body.customerId),
    customerName: text(body.customerName) ?? null,
    customerType: text(body.customerType) ?? null,
    accounts: body.accounts.map((a) => account(a as Json)),
  };
}

/** `GET /ob/accounts/{id}/balances` [A shape]. */
export function mapBalances(body: Json): { accountId: string; iban: string | null; referenceDate: string | null; balances: Balance[] } {
  const accountId = text(body.accountId);
  if (!accountId) throw wireError('balances without accountId');
  const iban = text(body.iban);
  return { accountId, iban: iban ? normalizeIban(iban) : null, referenceDate: text(body.referenceDate) ?? null, balances: balances(body.balances) };
}

export interface Transaction {
  transactionId: string;
  bookingDate: string | null;
  valueDate: string | null;
  status: string;
  direction: 'credit' | 'debit';
  /** Unsigned; the direction says which way. */
  amount: { value: number; currency: string };
  counterpartyName: string | null;
  counterpartyIban: string | null;
  remittanceInformation: string | null;
  paymentOrderNo: string | null;
}

export interface TransactionPage {
  accountId: string;
  iban: string | null;
  dateFrom: string | null;
  dateTo: string | null;
  sortOrder: string | null;
  pageNo: number;
  pageSize: number;
  totalCount: number;
  totalPages: number;
  transactions: Transaction[];
}

const count = (value: unknown, what: string): number => {
  const t = text(value);
  if (!t || !/^\d{1,9}$/.test(t)) throw wireError(`${what} is not a count`);
  return Number(t);
};

/** One transaction: an unsigned amount plus creditDebitIndicator (ISO 20022); a signed amount alone also works. */
export function mapTransaction(raw: Json): Transaction {
  const transactionId = text(raw?.transactionId);
  if (!transactionId) throw wireError('a transaction without transactionId');
  const amount = money(raw.amount, 'a transaction');
  const indicator = text(raw.creditDebitIndicator);
  if (indicator !== undefined && indicator !== 'CRDT' && indicator !== 'DBIT') throw wireError(`creditDebitIndicator ${indicator.slice(0, 10)}`);
  const direction = indicator === 'DBIT' || (indicator === undefined && amount.value < 0) ? 'debit' : 'credit';
  const counterparty = (raw.counterpartyAccount ?? {}) as Json;
  return {
    transactionId,
    bookingDate: text(raw.bookingDate) ?? null,
    valueDate: text(raw.valueDate) ?? null,
    status: text(raw.status) ?? 'BOOK',
    direction,
    amount: { value: Math.abs(amount.value), currency: amount.currency },
    counterpartyName: text(raw.counterpartyName) ?? null,
    counterpartyIban: text(counterparty.iban) ?? null,
    remittanceInformation: text(raw.remittanceInformation) ?? null,
    paymentOrderNo: text(raw.paymentOrderNo) ?? null,
  };
}

/** `GET /ob/accounts/{id}/transactions` [A shape], paginated by pageNo/pageSize (spec 2.7). */
export function mapTransactions(body: Json): TransactionPage {
  const accountId = text(body.accountId);
  if (!accountId || !Array.isArray(body.transactions)) throw wireError('a transaction page without accountId or transactions');
  const iban = text(body.iban);
  return {
    accountId,
    iban: iban ? normalizeIban(iban) : null,
    dateFrom: text(body.dateFrom) ?? null,
    dateTo: text(body.dateTo) ?? null,
    sortOrder: text(body.sortOrder) ?? null,
    pageNo: count(body.pageNo, 'pageNo'),
    pageSize: count(body.pageSize, 'pageSize'),
    totalCount: count(body.totalCount, 'totalCount'),
    totalPages: count(body.totalPages, 'totalPages'),
    transactions: body.transactions.map((t) => mapTransaction(t as Json)),
  };
}

// ---- payment initiation ----

/**
 * [A] spec 2.7: ISO 20022 payment statuses, mapped explicitly. Only settled (ACSC, ACCC),
 * rejected and cancelled are final; every other word, known or not, is pending.
 */
export const PAYMENT_STATUS_MAP: Readonly<Record<string, PaymentStatus>> = {
  RCVD: 'pending', // received
  PDNG: 'pending', // pending
  ACTC: 'pending', // accepted technical validation
  ACCP: 'pending', // accepted customer profile
  ACFC: 'pending', // accepted funds checked
  ACWC: 'pending', // accepted with change
  ACSP: 'pending', // accepted, settlement in process
  PATC: 'pending', // partially accepted technical (multi-level SCA)
  PART: 'pending', // partially accepted
  ACSC: 'succeeded', // accepted, settlement completed (debtor)
  ACCC: 'succeeded', // accepted, settlement completed (creditor)
  RJCT: 'failed',
  CANC: 'canceled',
};

export function mapPaymentStatus(wire: unknown): { status: PaymentStatus; wireStatus: string } {
  const wireStatus = typeof wire === 'string' && wire ? wire.trim().toUpperCase().slice(0, 20) : 'UNKNOWN';
  return { status: Object.hasOwn(PAYMENT_STATUS_MAP, wireStatus) ? PAYMENT_STATUS_MAP[wireStatus]! : 'pending', wireStatus };
}

/** ISO 20022 reason codes a rejection may carry, in words for the merchant. */
const REASONS: Readonly<Record<string, string>> = {
  AM04: 'Insufficient funds',
  AM02: 'Amount exceeds the allowed maximum',
  AC01: 'Incorrect account number',
  AC04: 'Account closed',
  AC06: 'Account blocked',
  AG01: 'Transaction forbidden on this account',
  MS02: 'Refused by the customer',
  MS03: 'Refused by the bank',
  NARR: 'Refused (see the narrative at ConnectPay)',
};

export interface PaymentOutcome {
  paymentOrderNo: string;
  status: PaymentStatus;
  wireStatus: string;
  reasonCode: string | null;
  reason: string | null;
}

/** A payment or payment-status answer [A shape]: `{paymentOrderNo, status, reasonCode?}`. */
export function mapPayment(body: Json): PaymentOutcome {
  const paymentOrderNo = text(body.paymentOrderNo);
  if (!paymentOrderNo || !/^[A-Za-z0-9._-]{1,64}$/.test(paymentOrderNo)) throw wireError('a payment without a usable paymentOrderNo');
  const { status, wireStatus } = mapPaymentStatus(body.status);
  const reasonCode = text(body.reasonCode)?.slice(0, 10) ?? null;
  return { paymentOrderNo, status, wireStatus, reasonCode, reason: reasonCode ? (REASONS[reasonCode] ?? null) : null };
}

/** What `POST /ob/payments` is sent [A: emulator-defined body]; money as a decimal string. */
export function paymentBody(p: { debtorIban: string; creditorName: string; creditorIban: string; amountMinor: number; remittanceInformation?: string; endToEndId: string }): Json {
  return {
    debtorAccount: { iban: normalizeIban(p.debtorIban) },
    creditorName: p.creditorName,
    creditorAccount: { iban: normalizeIban(p.creditorIban) },
    amount: { value: toConnectPayAmount(p.amountMinor), currency: CONNECTPAY_CURRENCY },
    ...(p.remittanceInformation !== undefined ? { remittanceInformation: p.remittanceInformation } : {}),
    endToEndId: p.endToEndId,
  };
}

// ---- errors ----

/** A definite refusal from ConnectPay's resource API (a 4xx other than 401): nothing was done. */
export class ConnectPayApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ConnectPayApiError';
  }
}

/** The resource API's error body (spec 2.8 [A]) `{code, message, requestId}` -> a typed refusal. */
export function apiErrorFrom(status: number, body: Json, requestId: string): ConnectPayApiError {
  const code = text(body.code)?.replace(/[^A-Z0-9_]/gi, '').slice(0, 40) || `HTTP_${status}`;
  const message = (text(body.message) ?? '').replace(/[\r\n]+/g, ' ').slice(0, 200);
  return new ConnectPayApiError(status, code, message, requestId);
}

/**
 * A refusal in merchant terms: another customer's resource is a PSU mismatch (403), a missing
 * scope is CONSENT_SCOPE_MISSING (403), an unknown id is 404, anything else ConnectPay refused is
 * PROVIDER_REJECTED (422). `resource` names what was looked up (an account), `operation` what
 * was asked (defaults to the resource).
 */
export function problemFor(err: ConnectPayApiError, resource: string, operation = resource): AppError {
  const said = `${err.code}${err.message ? `: ${err.message}` : ''}`;
  if (err.status === 403 && err.code === 'INSUFFICIENT_SCOPE') return new AppError('CONSENT_SCOPE_MISSING', `ConnectPay says the consent does not grant this (${said}).`, { cause: err });
  if (err.status === 403) return new AppError('CONSENT_PSU_MISMATCH', `The ${resource} belongs to another customer than the one this consent was given for (ConnectPay: ${said}).`, { cause: err });
  if (err.status === 404) return new AppError('NOT_FOUND', `ConnectPay knows no such ${resource}.`, { cause: err });
  return new AppError('PROVIDER_REJECTED', `ConnectPay refused the ${operation} (${said}).`, { cause: err });
}
