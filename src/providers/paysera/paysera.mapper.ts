import { AppError } from '../../common/errors/app-error.js';
import type { ProviderTokenSet } from '../../consents/consent-provider.registry.js';
import type { PaymentStatus } from '../../payments/payment.entity.js';

/*
 * Pure translations between Paysera's wire format (spec PART A) and Gatehouse's terms. The client
 * parses Paysera's JSON losslessly, so every JSON number arrives here as a string; amounts are
 * integer cents or decimal strings and never pass through floating point.
 */

/** A.8: Paysera's scopes (PHP Consumer::SCOPE_*). */
export const PAYSERA_SCOPES = [
  'balance',
  'balance_offline',
  'statements',
  'recent_statements',
  'statements_offline',
  'phone_confirmation',
  'phone_confirmation_offline',
  'phone',
  'phone_offline',
  'email',
  'email_offline',
  'address',
  'address_offline',
  'identity',
  'identity_offline',
  'full_name',
  'full_name_offline',
  'identification_level',
  'identification_level_offline',
  'wallet_list',
  'wallet_list_offline',
  'dob',
  'dob_offline',
  'gender',
  'gender_offline',
  'user_info',
  'identification_data',
  'identification_data_offline',
  'initiate_transfers',
  'check_has_sufficient_balance',
  'pep',
] as const;
export type PayseraScope = (typeof PAYSERA_SCOPES)[number];

/** An answer from Paysera that cannot be read: the provider's fault (502), in the one error type. */
function wireError(message: string): AppError {
  return new AppError('PROVIDER_ERROR', `Paysera sent something unreadable: ${message}.`);
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : null);

// ---- amounts ----

/** Cents (a positive safe integer) -> "12.50". */
export function centsToDecimal(minor: number): string {
  if (!Number.isSafeInteger(minor)) throw new Error('amount must be a safe integer of cents');
  const sign = minor < 0 ? '-' : '';
  const cents = BigInt(Math.abs(minor));
  return `${sign}${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;
}

/** What a payment or allowance body carries for an amount: `{price}` in cents or `{price_decimal}` (A.9). */
export function toPayseraAmount(minor: number, format: 'decimal' | 'cents', field = 'price'): Record<string, number | string> {
  if (!Number.isSafeInteger(minor) || minor <= 0) {
    throw new AppError('VALIDATION_FAILED', 'The amount must be a positive whole number of minor units.', { errors: [{ field: 'amount.value', message: 'must be a positive integer' }] });
  }
  return format === 'cents' ? { [field]: minor } : { [`${field}_decimal`]: centsToDecimal(minor) };
}

/** Integer cents from a JSON number (lossless: a string of digits) or a JS integer. */
function parseCents(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value !== 'string' || !/^-?\d{1,16}$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** "12.5" / "12.50" / "-3.00" -> cents; undefined for anything with more than 2 decimals or not a decimal. */
function parseDecimal(value: unknown): number | undefined {
  const match = typeof value === 'string' ? /^(-?)(\d{1,14})(?:\.(\d{1,2}))?$/.exec(value) : null;
  if (!match) return undefined;
  const [, sign, whole, fraction = ''] = match;
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return Number.isSafeInteger(cents) ? (sign ? -cents : cents) : undefined;
}

/**
 * Reads `field` (cents) and/or `field_decimal` from a Paysera object. With both, they must agree;
 * with neither, or an unreadable one, the answer is unreadable.
 */
export function fromPayseraAmount(body: Json, field = 'price'): number {
  const hasCents = body[field] !== undefined && body[field] !== null;
  const hasDecimal = body[`${field}_decimal`] !== undefined && body[`${field}_decimal`] !== null;
  const cents = hasCents ? parseCents(body[field]) : undefined;
  const decimal = hasDecimal ? parseDecimal(body[`${field}_decimal`]) : undefined;
  if (hasCents && cents === undefined) throw wireError(`${field} is not whole cents`);
  if (hasDecimal && decimal === undefined) throw wireError(`${field}_decimal is not a decimal amount`);
  if (cents !== undefined && decimal !== undefined && cents !== decimal) throw wireError(`${field} and ${field}_decimal disagree`);
  const amount = cents ?? decimal;
  if (amount === undefined) throw wireError(`no ${field}`);
  return amount;
}

// ---- tokens (A.8) ----

const seconds = (value: unknown): number | undefined => {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
};

/**
 * The token response: MAC credentials. Like Paysera's PHP client (Mapper::decodeAccessToken), only
 * token_type "mac" with mac_algorithm "hmac-sha-256" is accepted. The MAC key is the extra secret.
 */
export function tokenSetFromPaysera(body: Json): ProviderTokenSet {
  if (typeof body.access_token !== 'string' || !body.access_token) throw wireError('token response without access_token');
  if (typeof body.token_type !== 'string' || body.token_type.toLowerCase() !== 'mac') throw wireError('token_type is not mac');
  if (body.mac_algorithm !== 'hmac-sha-256') throw wireError('mac_algorithm is not hmac-sha-256');
  if (typeof body.mac_key !== 'string' || !body.mac_key) throw wireError('token response without mac_key');
  // The access token becomes the id="..." of a MAC header: it must be printable and without quotes.
  if (!/^[\x21-\x7e]+$/.test(body.access_token) || body.access_token.includes('"')) throw wireError('access_token cannot be a MAC id');
  return {
    accessToken: body.access_token,
    refreshToken: typeof body.refresh_token === 'string' && body.refresh_token ? body.refresh_token : undefined,
    tokenType: 'mac',
    expiresIn: seconds(body.expires_in),
    extraSecret: body.mac_key,
  };
}

// ---- transactions (A.9) ----

/**
 * Transaction (and payment) statuses -> Gatehouse's. Waiting for the payer is `requires_action`;
 * accepted with the funds held (reserved) is `pending` until the client confirms it.
 */
export const PAYSERA_TRANSACTION_STATUSES: Readonly<Record<string, PaymentStatus>> = {
  new: 'requires_action',
  waiting: 'requires_action',
  waiting_registration: 'requires_action',
  waiting_funds: 'pending',
  reserved: 'pending',
  confirmed: 'succeeded',
  done: 'succeeded',
  revoked: 'canceled',
  deleted: 'canceled',
  canceled: 'canceled',
  rejected: 'failed',
  failed: 'failed',
};

/** Unknown words are `pending`: never a success or a failure Paysera did not state. */
export function mapTransactionStatus(status: unknown): PaymentStatus {
  return typeof status === 'string' && Object.hasOwn(PAYSERA_TRANSACTION_STATUSES, status) ? PAYSERA_TRANSACTION_STATUSES[status]! : 'pending';
}

export interface PayseraTransaction {
  key: string;
  /** Paysera's own word, kept for the merchant. */
  payseraStatus: string;
  status: PaymentStatus;
  amountMinor: number;
  currency: string;
  /** The payer's wallet, once someone accepted. */
  walletId: string | null;
  confirmedAt: number | null;
}

/** A transaction as GET transaction/{key} (and a callback's `data`) gives it; amounts summed from its payments. */
export function mapTransaction(body: unknown): PayseraTransaction {
  if (!isObject(body)) throw wireError('transaction is not an object');
  const key = text(body.transaction_key);
  if (!key) throw wireError('transaction without transaction_key');
  const payments = Array.isArray(body.payments) ? body.payments : [];
  let amountMinor = 0;
  let currency: string | null = null;
  for (const payment of payments) {
    if (!isObject(payment)) throw wireError('payment is not an object');
    amountMinor += fromPayseraAmount(payment);
    const paymentCurrency = text(payment.currency);
    if (!paymentCurrency || (currency !== null && paymentCurrency !== currency)) throw wireError('payments in one transaction must share one currency');
    currency = paymentCurrency;
  }
  if (!currency) throw wireError('transaction without payments');
  const status = text(body.status) ?? 'unknown';
  return {
    key,
    payseraStatus: status,
    status: mapTransactionStatus(status),
    amountMinor,
    currency,
    walletId: text(body.wallet),
    confirmedAt: seconds(body.confirmed_at) ?? null,
  };
}

// ---- allowances (A.9) ----

/** `failed`: Paysera refused to create it (Gatehouse's own state; Paysera has no such word). */
export const PAYSERA_ALLOWANCE_STATUSES = ['pending', 'active', 'inactive', 'canceled', 'failed'] as const;
export type PayseraAllowanceStatus = (typeof PAYSERA_ALLOWANCE_STATUSES)[number];

/** new (the user has not agreed yet) -> pending; deleted -> canceled; unknown -> pending. */
export function mapAllowanceStatus(status: unknown): PayseraAllowanceStatus {
  switch (status) {
    case 'active':
      return 'active';
    case 'inactive':
      return 'inactive';
    case 'deleted':
      return 'canceled';
    default:
      return 'pending';
  }
}

export interface PayseraAllowance {
  id: string;
  payseraStatus: string;
  status: PayseraAllowanceStatus;
  walletId: string | null;
  currency: string;
  maxPriceMinor: number;
  usedPriceMinor: number | null;
  validUntil: number | null;
}

export function mapAllowance(body: unknown): PayseraAllowance {
  if (!isObject(body)) throw wireError('allowance is not an object');
  const id = text(body.id);
  const currency = text(body.currency);
  if (!id || !/^\d{1,20}$/.test(id)) throw wireError('allowance without a numeric id');
  if (!currency) throw wireError('allowance without currency');
  const hasUsed = body.used_price !== undefined || body.used_price_decimal !== undefined;
  return {
    id,
    payseraStatus: text(body.status) ?? 'unknown',
    status: mapAllowanceStatus(body.status),
    walletId: text(body.wallet),
    currency,
    maxPriceMinor: fromPayseraAmount(body, 'max_price'),
    usedPriceMinor: hasUsed ? fromPayseraAmount(body, 'used_price') : null,
    validUntil: seconds(body.valid_until) ?? null,
  };
}

// ---- wallet and user (A.9) ----

export interface PayseraBalance {
  currency: string;
  atDisposalMinor: number;
  reservedMinor: number;
}

/** `{"EUR": {at_disposal, reserved, at_disposal_decimal, reserved_decimal}, ...}` -> one entry per currency. */
export function mapBalance(body: Json): PayseraBalance[] {
  return Object.entries(body)
    .filter(([currency]) => /^[A-Z]{3}$/.test(currency))
    .map(([currency, value]) => {
      if (!isObject(value)) throw wireError(`balance of ${currency} is not an object`);
      const hasReserved = value.reserved !== undefined || value.reserved_decimal !== undefined;
      return { currency, atDisposalMinor: fromPayseraAmount(value, 'at_disposal'), reservedMinor: hasReserved ? fromPayseraAmount(value, 'reserved') : 0 };
    })
    .sort((a, b) => a.currency.localeCompare(b.currency));
}

export interface PayseraProfile {
  userId: string;
  email: string | null;
  phone: string | null;
  displayName: string | null;
  type: string | null;
  wallets: string[];
}

/** GET user/me: what the user shares; fields the scopes do not open are simply absent (null). */
export function mapUser(body: Json): PayseraProfile {
  const userId = text(body.id);
  if (!userId) throw wireError('user without id');
  return {
    userId,
    email: text(body.email),
    phone: text(body.phone),
    displayName: text(body.display_name),
    type: text(body.type),
    wallets: Array.isArray(body.wallets) ? body.wallets.map(text).filter((w): w is string => w !== null) : [],
  };
}

// ---- callbacks (A.9) ----

export interface PayseraEvent {
  object: string;
  type: string;
  data: Json;
}

/** The `event` field: `{"object": "transaction|payment|allowance", "type": "...", "data": {...}}`. */
export function parseEvent(body: unknown): PayseraEvent {
  if (!isObject(body) || typeof body.object !== 'string' || typeof body.type !== 'string' || !isObject(body.data)) {
    throw new AppError('VALIDATION_FAILED', 'The event is not a Paysera event.');
  }
  return { object: body.object, type: body.type, data: body.data };
}
