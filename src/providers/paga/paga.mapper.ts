import type { ProviderTokenSet } from '../../consents/consent-provider.registry.js';
import { AppError } from '../../common/errors/app-error.js';

/*
 * Pure translations between Paga's wire format and Gatehouse's terms. Numbers in Paga's JSON are
 * read as strings (the client parses losslessly), so amounts never pass through floating point.
 */

export const PAGA_SCOPES = ['MERCHANT_PAYMENT', 'MONEY_TRANSFER', 'USER_DETAILS_REQUEST', 'USER_DEPOSIT_FROM_CARD', 'USER_REQUEST_ACCOUNT_BALANCE'] as const;
export const PAGA_USER_DATA = ['FIRST_NAME', 'LAST_NAME', 'USERNAME', 'EMAIL', 'MOBILE_NUMBER', 'ACCOUNT_BALANCE'] as const;
export type PagaScope = (typeof PAGA_SCOPES)[number];

/** An answer from Paga that cannot be read: the provider's fault (502), in the one error type. */
function wireError(message: string): AppError {
  return new AppError('PROVIDER_ERROR', `Paga sent something unreadable: ${message}.`);
}

/** Kobo (integer) -> Paga's decimal naira string, e.g. 50050 -> "500.50". */
export function toPagaAmount(minor: number): string {
  if (!Number.isSafeInteger(minor) || minor <= 0) throw new AppError('VALIDATION_FAILED', 'The amount must be a positive whole number of minor units.', { errors: [{ field: 'amount.value', message: 'must be a positive integer' }] });
  const kobo = BigInt(minor);
  return `${kobo / 100n}.${(kobo % 100n).toString().padStart(2, '0')}`;
}

/** Paga's decimal naira ("500", "500.5", "500.50", "500.500") -> kobo; refuses sub-kobo values. */
export function fromPagaAmount(value: unknown): number {
  const text = typeof value === 'number' ? String(value) : value;
  const match = typeof text === 'string' ? /^(-?)(\d{1,13})(?:\.(\d+))?$/.exec(text.trim()) : null;
  if (!match) throw wireError(`not a decimal amount: ${JSON.stringify(value)}`);
  const [, sign, whole, fraction = ''] = match;
  if (/[1-9]/.test(fraction.slice(2))) throw wireError(`amount has sub-kobo precision: ${text}`);
  const kobo = Number(whole) * 100 + Number(fraction.slice(0, 2).padEnd(2, '0'));
  return sign ? -kobo : kobo;
}

const words = (value: unknown): string[] | undefined =>
  typeof value === 'string' ? value.split(/[\s,+]+/).filter(Boolean) : Array.isArray(value) ? value.map(String) : undefined;

const seconds = (value: unknown): number | undefined => {
  if (value === undefined || value === null || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : undefined;
};

/** Paga's token response (RFC 6749 fields plus `user_data`) -> a token set. */
export function tokenSetFromPaga(body: Record<string, unknown>): ProviderTokenSet {
  if (typeof body.access_token !== 'string' || !body.access_token) throw wireError('token response without access_token');
  return {
    accessToken: body.access_token,
    refreshToken: typeof body.refresh_token === 'string' && body.refresh_token ? body.refresh_token : undefined,
    tokenType: typeof body.token_type === 'string' ? body.token_type.toLowerCase() : 'bearer',
    expiresIn: seconds(body.expires_in),
    scope: words(body.scope),
    userData: words(body.user_data),
  };
}

/**
 * ASSUMPTION (Paga documents no business error codes; the emulator's table): the errorCode of
 * "duplicate referenceNumber", which Paga answers only when that reference already succeeded.
 */
export const PAGA_DUPLICATE_REFERENCE = '3';

export interface PagaOutcome {
  ok: boolean;
  errorCode: string;
  errorMessage: string | null;
}

function outcome(body: Record<string, unknown>): PagaOutcome {
  const code = body.errorCode === undefined || body.errorCode === null ? '' : String(body.errorCode);
  // Success is an explicit errorCode of 0; anything else, including a missing code, is not.
  return { ok: code === '0', errorCode: code || 'unknown', errorMessage: typeof body.errorMessage === 'string' ? body.errorMessage : null };
}

export interface PagaPaymentResult extends PagaOutcome {
  confirmationCode: string | null;
  amountMinor: number | null;
  feeMinor: number | null;
  currency: string | null;
}

/** The merchant payment answer, `{merchantPaymentResult: {...}}`. */
export function mapMerchantPayment(body: Record<string, unknown>): PagaPaymentResult {
  const result = (body.merchantPaymentResult ?? body) as Record<string, unknown>;
  const base = outcome(result);
  return {
    ...base,
    confirmationCode: typeof result.confirmationCode === 'string' ? result.confirmationCode : null,
    amountMinor: base.ok && result.amount != null ? fromPagaAmount(result.amount) : null,
    feeMinor: base.ok && result.fee != null ? fromPagaAmount(result.fee) : null,
    currency: typeof result.currency === 'string' ? result.currency : null,
  };
}

/** The money transfer answer (flat). */
export function mapMoneyTransfer(body: Record<string, unknown>): PagaPaymentResult {
  const base = outcome(body);
  return {
    ...base,
    confirmationCode: typeof body.transactionId === 'string' ? body.transactionId : null,
    amountMinor: base.ok && body.amount != null ? fromPagaAmount(body.amount) : null,
    feeMinor: base.ok && body.fee != null ? fromPagaAmount(body.fee) : null,
    currency: typeof body.currency === 'string' ? body.currency : null,
  };
}

const CAMEL: Record<string, string> = {
  firstName: 'FIRST_NAME',
  lastName: 'LAST_NAME',
  username: 'USERNAME',
  userName: 'USERNAME',
  email: 'EMAIL',
  mobileNumber: 'MOBILE_NUMBER',
  accountBalance: 'ACCOUNT_BALANCE',
};

/** `{detailsResult: {details: {...}}}` -> only the fields the user granted, by their user_data names. */
export function mapUserDetails(body: Record<string, unknown>, granted: readonly string[]): PagaOutcome & { details: Record<string, string> } {
  const result = (body.detailsResult ?? body) as Record<string, unknown>;
  const raw = (result.details ?? {}) as Record<string, unknown>;
  const details: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    const name = CAMEL[key] ?? key.toUpperCase();
    if (granted.includes(name) && value !== null && value !== undefined) details[name] = String(value);
  }
  return { ...outcome(result), details };
}

/** The emulator-only balance answer (see the README for why). */
export function mapAccountBalance(body: Record<string, unknown>): PagaOutcome & { availableMinor: number | null; totalMinor: number | null; currency: string } {
  const base = outcome(body);
  return {
    ...base,
    availableMinor: base.ok && body.availableBalance != null ? fromPagaAmount(body.availableBalance) : null,
    totalMinor: base.ok && body.totalBalance != null ? fromPagaAmount(body.totalBalance) : null,
    currency: typeof body.currency === 'string' ? body.currency : 'NGN',
  };
}
