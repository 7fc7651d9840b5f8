import {
  MOMO_CURRENCY,
  MOMO_EXTERNAL_ID_MAX_LENGTH,
  MOMO_MESSAGE_FORBIDDEN,
  MOMO_MESSAGE_MAX_LENGTH,
  MOMO_MSISDN,
  type MomoErrorCode,
  type MomoTransactionKind,
} from './momo-sandbox.constants.js';
import { parseAmountToCents } from './momo-sandbox.money.js';

/**
 * Pure checks of what MoMo clients send: ids, credentials, hosts, bodies. Each answers a value or the
 * MoMo error (`code` and `message`) the emulator replies with; none touches state.
 */

export interface RuleError {
  code: MomoErrorCode;
  message: string;
}
export type RuleResult<T> = { ok: true; value: T } | { ok: false; error: RuleError };

function fail(code: MomoErrorCode, message: string): { ok: false; error: RuleError } {
  return { ok: false, error: { code, message } };
}
const badRequest = (message: string) => fail('BAD_REQUEST', message);

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `X-Reference-Id` and API user ids must be UUID version 4 (§2, [C] S1). */
export function isUuidV4(value: unknown): value is string {
  return typeof value === 'string' && UUID_V4.test(value);
}

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** A created resource's id from `X-Reference-Id`, lower-cased so that one UUID in two casings is one id. */
export function referenceIdFrom(header: unknown): RuleResult<string> {
  if (header === undefined) return badRequest('X-Reference-Id header is missing.');
  if (!isUuidV4(header)) return badRequest('X-Reference-Id must be a UUID version 4.');
  return { ok: true, value: header.toLowerCase() };
}

/** `Authorization: Basic base64(apiUser:apiKey)`; undefined when absent or malformed. */
export function parseBasicAuth(header: unknown): { apiUser: string; apiKey: string } | undefined {
  const match = typeof header === 'string' ? /^Basic ([A-Za-z0-9+/]+=*)$/i.exec(header.trim()) : null;
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { apiUser: decoded.slice(0, colon), apiKey: decoded.slice(colon + 1) };
}

/** `Authorization: Bearer <token>` (the word Bearer is required, §2); undefined otherwise. */
export function parseBearer(header: unknown): string | undefined {
  const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header.trim()) : null;
  return match?.[1];
}

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOST = new RegExp(`^${LABEL}(?:\\.${LABEL})*(?::\\d{1,5})?$`);

/**
 * `providerCallbackHost` is a host name, optionally with a port, not a URL (§3). A value with a
 * scheme or path is refused [A]: its callbacks could never match.
 */
export function parseProviderCallbackHost(body: unknown): RuleResult<string> {
  const host = isPlainObject(body) ? body.providerCallbackHost : undefined;
  if (typeof host !== 'string' || !host) return badRequest('providerCallbackHost is required.');
  if (host.length > 253 || !HOST.test(host)) return badRequest('providerCallbackHost must be a host name (such as example.com), not a URL.');
  return { ok: true, value: host.toLowerCase() };
}

/**
 * The `X-Callback-Url` of a create call: absent → no callback; present → an absolute http(s) URL (400
 * otherwise, §2) whose host equals the API user's providerCallbackHost (500 INVALID_CALLBACK_URL_HOST
 * otherwise, §10). A providerCallbackHost without a port matches any port [A]; one with a port must match it.
 */
export function checkCallbackUrl(header: unknown, providerCallbackHost: string): RuleResult<string | undefined> {
  if (header === undefined) return { ok: true, value: undefined };
  if (typeof header !== 'string' || !header.trim()) return badRequest('X-Callback-Url must not be empty.');
  let url: URL;
  try {
    url = new URL(header);
  } catch {
    return badRequest('X-Callback-Url must be an absolute URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return badRequest('X-Callback-Url must be an http or https URL.');
  const expected = providerCallbackHost.toLowerCase();
  const actual = expected.includes(':') ? hostWithPort(url) : url.hostname.toLowerCase();
  if (actual !== expected) return fail('INVALID_CALLBACK_URL_HOST', 'Callback URL does not match the configured value.');
  return { ok: true, value: url.toString() };
}

function hostWithPort(url: URL): string {
  return `${url.hostname.toLowerCase()}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
}

export type PartyIdType = 'MSISDN' | 'EMAIL' | 'PARTY_CODE';
export interface Party {
  partyIdType: PartyIdType;
  partyId: string;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/;

/** A `Party` (§6): MSISDN = E.164 digits without "+", EMAIL, or PARTY_CODE = a UUID. */
export function parseParty(raw: unknown, field: 'payer' | 'payee'): RuleResult<Party> {
  if (!isPlainObject(raw)) return badRequest(`${field} is required.`);
  const { partyIdType, partyId } = raw;
  if (partyIdType !== 'MSISDN' && partyIdType !== 'EMAIL' && partyIdType !== 'PARTY_CODE') {
    return badRequest(`${field}.partyIdType must be MSISDN, EMAIL or PARTY_CODE.`);
  }
  if (typeof partyId !== 'string' || !partyId) return badRequest(`${field}.partyId is required.`);
  if (partyIdType === 'MSISDN' && !MOMO_MSISDN.test(partyId)) return badRequest(`${field}.partyId must be an MSISDN: digits in international format, without "+".`);
  if (partyIdType === 'EMAIL' && (partyId.length > 254 || !EMAIL.test(partyId))) return badRequest(`${field}.partyId must be an e-mail address.`);
  if (partyIdType === 'PARTY_CODE' && !isUuid(partyId)) return badRequest(`${field}.partyId must be a party code (a UUID).`);
  return { ok: true, value: { partyIdType, partyId } };
}

/** payerMessage / payeeNote: optional; a string of at most 160 characters without `&` or `'` (§6). */
function parseMessage(raw: unknown, field: string): RuleResult<string | undefined> {
  if (raw === undefined) return { ok: true, value: undefined };
  if (typeof raw !== 'string') return badRequest(`${field} must be a string.`);
  if ([...raw].length > MOMO_MESSAGE_MAX_LENGTH) return badRequest(`${field} must be at most ${MOMO_MESSAGE_MAX_LENGTH} characters.`);
  if (MOMO_MESSAGE_FORBIDDEN.test(raw)) return badRequest(`${field} contains unsupported characters (& or ').`);
  return { ok: true, value: raw };
}

/** A RequestToPay (payer) or Transfer (payee) body, checked field by field; the currency is only read here. */
export interface PaymentRequest {
  amountCents: number;
  currency: string;
  externalId?: string;
  party: Party;
  payerMessage?: string;
  payeeNote?: string;
}

export function parsePaymentRequest(kind: MomoTransactionKind, body: unknown): RuleResult<PaymentRequest> {
  if (!isPlainObject(body) || Object.keys(body).length === 0) return badRequest('The request body must be a non-empty JSON object.');
  if (body.amount === undefined) return badRequest('amount is required.');
  const amountCents = parseAmountToCents(body.amount);
  if (amountCents === undefined) return badRequest('amount must be a positive decimal string, such as "100" or "12.50".');
  if (typeof body.currency !== 'string' || !body.currency) return badRequest('currency is required.');
  const { externalId } = body;
  if (externalId !== undefined) {
    if (typeof externalId !== 'string' || !externalId) return badRequest('externalId must be a non-empty string.');
    if (externalId.length > MOMO_EXTERNAL_ID_MAX_LENGTH) return badRequest(`externalId must be at most ${MOMO_EXTERNAL_ID_MAX_LENGTH} characters.`);
    if (/\s/.test(externalId)) return badRequest('externalId must not contain spaces.');
  }
  const party = parseParty(kind === 'requesttopay' ? body.payer : body.payee, kind === 'requesttopay' ? 'payer' : 'payee');
  if (!party.ok) return party;
  const payerMessage = parseMessage(body.payerMessage, 'payerMessage');
  if (!payerMessage.ok) return payerMessage;
  const payeeNote = parseMessage(body.payeeNote, 'payeeNote');
  if (!payeeNote.ok) return payeeNote;
  return {
    ok: true,
    value: { amountCents, currency: body.currency, externalId, party: party.value, payerMessage: payerMessage.value, payeeNote: payeeNote.value },
  };
}

/** EUR only in the sandbox (§9.1): anything else is 500 INVALID_CURRENCY (§7.3 [A]: not 400). */
export function checkCurrency(currency: string): RuleResult<string> {
  return currency === MOMO_CURRENCY ? { ok: true, value: currency } : fail('INVALID_CURRENCY', 'Currency not supported.');
}

export type AccountHolderIdType = 'msisdn' | 'email' | 'party_code';

/**
 * `accountholder/{type}/{id}`: the type in either case (§5.4: lowercase is documented, `MSISDN` is sent
 * by some clients); the id checked as the type requires. `basicuserinfo` takes msisdn only [A].
 */
export function parseAccountHolder(rawType: string, rawId: string, options: { msisdnOnly?: boolean } = {}): RuleResult<{ type: AccountHolderIdType; id: string }> {
  const type = rawType.toLowerCase();
  if (options.msisdnOnly ? type !== 'msisdn' : type !== 'msisdn' && type !== 'email' && type !== 'party_code') {
    return badRequest(options.msisdnOnly ? 'accountHolderIdType must be msisdn.' : 'accountHolderIdType must be msisdn, email or party_code.');
  }
  if (type === 'msisdn' && !MOMO_MSISDN.test(rawId)) return badRequest('accountHolderId must be an MSISDN: digits in international format, without "+".');
  if (type === 'email' && !EMAIL.test(rawId)) return badRequest('accountHolderId must be an e-mail address.');
  if (type === 'party_code' && !isUuid(rawId)) return badRequest('accountHolderId must be a party code (a UUID).');
  return { ok: true, value: { type: type as AccountHolderIdType, id: type === 'msisdn' ? rawId : rawId.toLowerCase() } };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
