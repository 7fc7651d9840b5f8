import {
  CONNECTPAY_FLOW_ID,
  CONNECTPAY_FLOW_PARAM,
  CONNECTPAY_MAX_AMOUNT_CENTS,
  CONNECTPAY_PAYMENT_TRANSITIONS,
  CONNECTPAY_PROPRIETARY_SCOPES,
  CONNECTPAY_PSD2_SCOPES,
  type ConnectPayPaymentStatus,
  type ConnectPayScope,
} from './connectpay-sandbox.constants.js';

/** Pure rules of the ConnectPay emulator: parsing and validation, no state. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** The authorize `nonce` must be a GUIDv4 (spec 2.3). */
export function isUuidV4(value: unknown): value is string {
  return typeof value === 'string' && UUID_V4.test(value);
}

/** `Authorization: Basic base64(id:secret)`; undefined when absent or malformed. */
export function parseBasicAuth(header: string | undefined): { clientId: string; clientSecret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { clientId: decoded.slice(0, colon), clientSecret: decoded.slice(colon + 1) };
}

/** `Authorization: Bearer <token>`; undefined when absent or another scheme. */
export function parseBearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** A single string query value (a repeated parameter is not one). */
export function single(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The flow id, whatever the casing of its parameter name (`flowid`, `flowId`; spec 2.3). Repeated → undefined. */
export function readFlowId(query: Record<string, unknown>): string | undefined {
  const keys = Object.keys(query).filter((k) => k.toLowerCase() === CONNECTPAY_FLOW_PARAM);
  return keys.length === 1 ? single(query[keys[0]!]) : undefined;
}

export type ScopeCheck = { ok: true; scopes: ConnectPayScope[] } | { ok: false; description: string };

/**
 * Space-separated scopes of the PSD2 flow: PSD2 scopes only, at least one. Connect proprietary
 * scopes are refused, mixed or alone (spec 2.3); so is anything unknown.
 */
export function checkScopes(raw: string | undefined): ScopeCheck {
  const requested = [...new Set((raw ?? '').split(' ').filter(Boolean))];
  if (!requested.length) return { ok: false, description: 'At least one scope is required: psd2-ais and/or psd2-pis.' };
  const psd2 = requested.filter((s): s is ConnectPayScope => Object.hasOwn(CONNECTPAY_PSD2_SCOPES, s));
  const proprietary = requested.filter((s) => (CONNECTPAY_PROPRIETARY_SCOPES as readonly string[]).includes(s));
  const unknown = requested.find((s) => !psd2.includes(s as ConnectPayScope) && !proprietary.includes(s));
  if (unknown !== undefined) return { ok: false, description: `Unknown scope: ${unknown.slice(0, 64)}` };
  if (proprietary.length && psd2.length) return { ok: false, description: 'PSD2 scopes cannot be mixed with Connect proprietary scopes.' };
  if (proprietary.length) return { ok: false, description: `The ${CONNECTPAY_FLOW_ID} flow grants PSD2 scopes only, not ${proprietary.join(' ')}.` };
  // A stable order, so the echoed scope string does not depend on how the client ordered them.
  return { ok: true, scopes: (Object.keys(CONNECTPAY_PSD2_SCOPES) as ConnectPayScope[]).filter((s) => psd2.includes(s)) };
}

export type RedirectCheck = 'ok' | 'missing' | 'malformed' | 'has-query' | 'not-registered';

/** The redirect_url must parse, carry no query string or fragment, and equal a registered URL exactly (spec 2.3). */
export function checkRedirectUrl(raw: string | undefined, registered: readonly string[]): RedirectCheck {
  if (!raw) return 'missing';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'malformed';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'malformed';
  if (raw.includes('?') || raw.includes('#')) return 'has-query';
  return registered.includes(raw) ? 'ok' : 'not-registered';
}

/** `redirect_url?code=…&state=…&flowid=…` (the URL has no query string of its own: checked before). */
export function callbackUrl(redirectUrl: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUrl);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return url.toString();
}

/** `client_customer_name` as in the spec's sample `"Mo********co"`: first and last two characters kept. [A] */
export function maskCustomerName(name: string): string {
  const chars = [...name];
  if (chars.length <= 4) return `${chars[0] ?? ''}${'*'.repeat(Math.max(chars.length - 1, 0))}`;
  return `${chars.slice(0, 2).join('')}${'*'.repeat(chars.length - 4)}${chars.slice(-2).join('')}`;
}

// ---- money: integer cents inside, decimal strings on the wire ----

/** "12.5" / "12.50" / "12" → cents. Only strings: a JSON number is refused (floats never carry money). */
export function parseAmountToCents(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{1,12}(\.\d{1,2})?$/.test(value)) return undefined;
  const [whole, fraction = ''] = value.split('.');
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return cents > 0 && cents <= CONNECTPAY_MAX_AMOUNT_CENTS ? cents : undefined;
}

/** Cents → "1234.50" (negative with a leading minus). */
export function formatCents(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`Not an integer amount of cents: ${cents}`);
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

// ---- IBAN ----

/** Spaces removed, upper case. */
export function normalizeIban(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}

/** ISO 13616 shape and mod-97 check digits. */
export function isValidIban(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const iban = normalizeIban(value);
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const digits = `${iban.slice(4)}${iban.slice(0, 4)}`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let remainder = 0;
  for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  return remainder === 1;
}

// ---- dates ----

const DAY_MS = 86_400_000;

/** "YYYY-MM-DD" (a real calendar date) → UTC midnight in ms; undefined otherwise. */
export function parseIsoDate(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value ? undefined : ms;
}

/** UTC midnight of the day `ms` falls on. */
export function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export { DAY_MS };

// ---- payments ----

export function canMovePayment(from: ConnectPayPaymentStatus, to: ConnectPayPaymentStatus): boolean {
  return CONNECTPAY_PAYMENT_TRANSITIONS[from].includes(to);
}

export function isFinalPaymentStatus(status: ConnectPayPaymentStatus): boolean {
  return CONNECTPAY_PAYMENT_TRANSITIONS[status].length === 0;
}

/** A positive integer query parameter within bounds, its default when absent; undefined when invalid. */
export function parseIntParam(value: unknown, fallback: number, min: number, max: number): number | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value)) return undefined;
  const n = Number(value);
  return n >= min && n <= max ? n : undefined;
}
