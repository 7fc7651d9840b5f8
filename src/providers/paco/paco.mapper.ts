import { AppError } from '../../common/errors/app-error.js';
import type { PaymentStatus } from '../../payments/payment.entity.js';

/* Pure translations between PACO's wire format and Gatehouse's terms. */

type Json = Record<string, unknown>;

/** An answer from PACO that cannot be read: the provider's fault (502), in the one error type. */
function wireError(message: string): AppError {
  return new AppError('PROVIDER_ERROR', `PACO sent something unreadable: ${message}.`);
}

// ---- members, whatever their casing (PACO mixes PascalCase and camelCase, B.6)

/** A member of an object by name, case-insensitively; an exact match wins. */
export function pick(value: unknown, name: string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Json;
  if (name in record) return record[name];
  const lower = name.toLowerCase();
  const key = Object.keys(record).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : record[key];
}

export function pickString(value: unknown, name: string): string | undefined {
  const found = pick(value, name);
  return typeof found === 'string' && found !== '' ? found : undefined;
}

// ---- money: amountText is the minor-unit amount in 12 digits, decimalPlaces the exponent (B.5)

/**
 * ISO 4217 exponents of the currencies Gatehouse sends to PACO ([ASSUMPTION]: the currencies a PACO
 * office accepts are per contract; the list is the emulator's and 2C2P's Asian markets).
 */
export const PACO_CURRENCY_EXPONENTS: Readonly<Record<string, number>> = {
  THB: 2, NPR: 2, USD: 2, EUR: 2, SGD: 2, HKD: 2, MYR: 2, PHP: 2, LKR: 2, BDT: 2, INR: 2, JPY: 0, IDR: 2, VND: 0, KRW: 0,
};

export const PACO_MAX_MINOR = 999_999_999_999;

export function decimalPlacesOf(currency: string): number {
  const places = PACO_CURRENCY_EXPONENTS[currency];
  if (places === undefined) {
    throw new AppError('VALIDATION_FAILED', `PACO takes ${Object.keys(PACO_CURRENCY_EXPONENTS).join(', ')}.`, { errors: [{ field: 'amount.currency', message: 'is not a PACO currency' }] });
  }
  return places;
}

/** 1050 -> "000000001050". */
export function toAmountText(minor: number): string {
  if (!Number.isSafeInteger(minor) || minor <= 0 || minor > PACO_MAX_MINOR) {
    throw new AppError('VALIDATION_FAILED', 'The amount must be a positive whole number of minor units of at most 12 digits.', { errors: [{ field: 'amount.value', message: 'must be 1 to 999999999999' }] });
  }
  return String(minor).padStart(12, '0');
}

/** "000000001050" -> 1050; anything but 12 digits is unreadable. */
export function fromAmountText(text: unknown): number {
  if (typeof text !== 'string' || !/^\d{12}$/.test(text)) throw wireError(`not an amountText: ${JSON.stringify(text)}`);
  return Number(text);
}

/** 1050, 2 -> "10.50"; 1050, 0 -> "1050": decimal text from integers, never float arithmetic. */
export function toDecimalText(minor: number, decimalPlaces: number): string {
  const digits = String(minor).padStart(decimalPlaces + 1, '0');
  return decimalPlaces === 0 ? digits : `${digits.slice(0, -decimalPlaces)}.${digits.slice(-decimalPlaces)}`;
}

/**
 * PACO's amount object. `amount` is the decimal value as a JSON number (as the samples send it):
 * made from the decimal text of at most 12 digits, which a double holds and prints back exactly;
 * nothing is computed with it, and amountText stays the authoritative figure.
 */
export function toPacoAmount(minor: number, currency: string): { amountText: string; currencyCode: string; decimalPlaces: number; amount: number } {
  const decimalPlaces = decimalPlacesOf(currency);
  return { amountText: toAmountText(minor), currencyCode: currency, decimalPlaces, amount: Number(toDecimalText(minor, decimalPlaces)) };
}

/** Reads an amount object of an answer (any casing) into minor units, checking its exponent. */
export function fromPacoAmount(value: unknown): { minor: number; currency: string } | null {
  if (value === null || value === undefined) return null;
  const minor = fromAmountText(pick(value, 'amountText'));
  const currency = pickString(value, 'currencyCode');
  if (!currency || !/^[A-Za-z]{3}$/.test(currency)) throw wireError('an amount without a currency');
  const places = pick(value, 'decimalPlaces');
  const expected = PACO_CURRENCY_EXPONENTS[currency.toUpperCase()];
  if (places !== undefined && places !== null && expected !== undefined && Number(places) !== expected) throw wireError(`decimalPlaces ${String(places)} for ${currency}`);
  return { minor, currency: currency.toUpperCase() };
}

// ---- response codes (B.6): only PC-B050000 and PC-B050001 are observed; the rest are the
// emulator's assumptions, listed so that each is handled on purpose. Unknown -> unknown (pending).

export type PacoCodeMeaning = 'success' | 'pending' | 'authentication' | 'declined' | 'refused' | 'duplicate_order' | 'not_found' | 'unknown';

export const PACO_RESPONSE_CODES: Readonly<Record<string, PacoCodeMeaning>> = {
  'PC-B050000': 'success',
  'PC-B050001': 'pending',
  'PC-B050002': 'authentication',
  'PC-B052001': 'refused', // request validation
  'PC-B052002': 'duplicate_order',
  'PC-B052101': 'not_found',
  'PC-B052102': 'refused', // status does not allow the action
  'PC-B052103': 'refused', // amount exceeds what is available
  'PC-B052104': 'refused', // currency mismatch
  'PC-B053001': 'declined', // by the issuer
  'PC-B053002': 'declined', // acquirer timeout
  'PC-B053003': 'declined', // cancelled by the payer
};

export function mapResponseCode(code: string | undefined): PacoCodeMeaning {
  return (code !== undefined && PACO_RESPONSE_CODES[code]) || 'unknown';
}

// ---- PaymentStatus / PaymentStep (B.6, JUSPAY's enums)

export interface PacoStatusMapping {
  status: PaymentStatus;
  /** Money moved (settled) at PACO. */
  captured: boolean;
}

/**
 * PACO's payment status (and step, where it matters) in Gatehouse's terms. An authorised card
 * payment is `succeeded` with captured=false until it is settled; a void cancels it; R/RF is
 * refunded, R/RR (refund requested) is still succeeded. Anything unknown is pending: the ledger
 * never moves a payment backwards, so "pending" from an unknown word changes nothing settled.
 */
export function mapPaymentStatus(status: string | undefined, step: string | undefined): PacoStatusMapping {
  const s = (status ?? '').toUpperCase();
  const p = (step ?? '').toUpperCase();
  switch (s) {
    case 'A':
      return { status: 'succeeded', captured: false };
    case 'S':
      return { status: 'succeeded', captured: true };
    case 'V':
      return { status: 'canceled', captured: false };
    case 'R':
      return p === 'RF' ? { status: 'refunded', captured: true } : p === 'RR' ? { status: 'succeeded', captured: true } : { status: 'pending', captured: true };
    case 'F':
      return { status: 'failed', captured: false };
    case 'I':
    case 'PCPS':
      return { status: 'requires_action', captured: false };
    case 'P':
    default:
      return { status: 'pending', captured: false };
  }
}

// ---- envelopes

export interface PacoEnvelope {
  code: string | undefined;
  description: string | undefined;
  /** ResponseToRequestMessageId: must echo our requestMessageID (null in notifications). */
  inReplyTo: string | null;
  data: unknown;
}

/** `{Data, Version, ApiResponse}` in any casing. */
export function readEnvelope(response: unknown): PacoEnvelope {
  if (typeof response !== 'object' || response === null || Array.isArray(response)) throw wireError('the answer is not an object');
  const api = pick(response, 'apiResponse');
  if (typeof api !== 'object' || api === null) throw wireError('no apiResponse');
  const inReplyTo = pick(api, 'responseToRequestMessageId');
  return {
    code: pickString(api, 'responseCode'),
    description: pickString(api, 'responseDescription'),
    inReplyTo: typeof inReplyTo === 'string' && inReplyTo !== '' ? inReplyTo : null,
    data: pick(response, 'data'),
  };
}

/** A plain-JSON error (B.6): `{apiResponse: {responseCode, responseDescription}}` or `{error, message}`. */
export function readPlainError(body: unknown): { code: string; description: string } {
  const api = pick(body, 'apiResponse');
  const code = pickString(api, 'responseCode') ?? pickString(body, 'error') ?? pickString(body, 'code');
  const description = pickString(api, 'responseDescription') ?? pickString(body, 'message') ?? pickString(body, 'error_description');
  return { code: (code ?? 'unknown').slice(0, 40), description: (description ?? '').slice(0, 200) };
}

export interface PacoOrderInfo {
  orderNo: string;
  controllerInternalId: string | null;
  paymentStatus: string | undefined;
  paymentStep: string | undefined;
  mapped: PacoStatusMapping;
  amount: { minor: number; currency: string } | null;
  settledMinor: number;
  refundedMinor: number;
  approvalCode: string | null;
  cardLast4: string | null;
  /** A 3-D Secure challenge the payer must open (nonUi with a 3DS card). */
  challengeUrl: string | null;
}

/** One order as PACO reports it (paymentResult, paymentIncompleteResult, inquiry rows). */
export function readOrder(value: unknown): PacoOrderInfo {
  const orderNo = pickString(value, 'orderNo');
  if (!orderNo) throw wireError('an order without orderNo');
  const info = pick(value, 'paymentStatusInfo');
  const paymentStatus = pickString(info, 'paymentStatus');
  const paymentStep = pickString(info, 'paymentStep');
  const settled = fromPacoAmount(pick(value, 'settlementAmount'));
  const refunded = fromPacoAmount(pick(value, 'refundAmount'));
  const masked = pickString(pick(value, 'creditCardDetails'), 'cardNumber');
  const challenge = pickString(pick(value, 'aresACSChallenge'), 'acsURL');
  return {
    orderNo,
    controllerInternalId: pickString(value, 'controllerInternalID') ?? null,
    paymentStatus,
    paymentStep,
    mapped: mapPaymentStatus(paymentStatus, paymentStep),
    amount: fromPacoAmount(pick(value, 'transactionAmount')),
    settledMinor: settled?.minor ?? 0,
    refundedMinor: refunded?.minor ?? 0,
    approvalCode: pickString(value, 'issuerApprovalCode') ?? null,
    cardLast4: masked && /\d{4}$/.test(masked) ? masked.slice(-4) : null,
    challengeUrl: challenge && /^https?:\/\//i.test(challenge) ? challenge : null,
  };
}

/** The order inside a payment answer: paymentResult, paymentIncompleteResult or webPaymentResult. */
export function readPaymentData(data: unknown): { order: PacoOrderInfo | null; pageUrl: string | null; pageValidUntil: Date | null } {
  const result = pick(data, 'paymentResult') ?? pick(data, 'paymentIncompleteResult') ?? pick(data, 'webPaymentResult');
  const page = pick(data, 'paymentPage');
  const pageUrl = pickString(page, 'paymentPageURL');
  const validTill = pickString(page, 'validTillDateTime');
  const until = validTill ? new Date(validTill) : null;
  return {
    order: result === undefined || result === null ? null : readOrder(result),
    pageUrl: pageUrl && /^https?:\/\//i.test(pageUrl) ? pageUrl : null,
    pageValidUntil: until && !Number.isNaN(until.getTime()) ? until : null,
  };
}

/** Inquiry and list answers carry an array of orders (even for one match, as JUSPAY observed); a lone object is taken too. */
export function readOrders(data: unknown): PacoOrderInfo[] {
  if (data === null || data === undefined) return [];
  return (Array.isArray(data) ? data : [data]).map(readOrder);
}

/** PACO's order number for a Gatehouse payment: 20 characters PACO accepts ([ASSUMPTION] limit). */
export function newPacoOrderNo(random: Buffer): string {
  if (random.length < 12) throw new Error('need 12 random bytes');
  // 'GH' + 18 characters of base32 (Crockford-like alphabet, upper case): 90 random bits.
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let bits = 0n;
  for (const byte of random.subarray(0, 12)) bits = (bits << 8n) | BigInt(byte);
  let out = '';
  for (let i = 0; i < 18; i++) {
    out += alphabet[Number(bits & 31n)];
    bits >>= 5n;
  }
  return `GH${out}`;
}
