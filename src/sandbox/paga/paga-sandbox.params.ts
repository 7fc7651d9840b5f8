import type { Request } from 'express';

/**
 * Pure parsing of what Paga clients send: lists, parameters, credentials, secured paths.
 * Paga's own libraries build URLs by concatenation without encoding (spec 1.9), so these are lenient
 * about separators and slashes and strict about everything else.
 */

/** `scope`/`user_data` values: separated by spaces (`+` and `%20` decode to one), or commas. Deduplicated, order kept. */
export function parseList(raw: unknown): string[] {
  if (typeof raw !== 'string') return [];
  return [...new Set(raw.split(/[\s,+]+/).filter(Boolean))];
}

function isFormBody(req: Request): boolean {
  return /^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '');
}

/**
 * One named parameter from the query string or, failing that, a form body (spec 1.6: Paga's libraries
 * use the query string of an empty POST; Oltu and curl clients send a form). A repeated parameter
 * counts as absent: it is ambiguous.
 */
export function readParam(req: Request, name: string): string | undefined {
  for (const source of [req.query as Record<string, unknown>, isFormBody(req) ? (req.body as Record<string, unknown> | undefined) : undefined]) {
    const value = source?.[name];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

/** `Authorization: Basic base64(id:secret)`; undefined when absent or malformed. */
export function parseBasicAuth(header: string | undefined): { clientId: string; clientSecret: string } | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header?.trim() ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { clientId: decoded.slice(0, colon), clientSecret: decoded.slice(colon + 1) };
}

/** `Authorization: Bearer <token>`; undefined when absent or not Bearer. */
export function parseBearer(header: string | undefined): string | undefined {
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header?.trim() ?? '');
  return match?.[1];
}

/** JSON is served for no Accept header, `*\/*`, `application/*` or `application/json` (spec 1.3); XML is not emulated. */
export function acceptsJson(accept: string | undefined): boolean {
  if (!accept?.trim()) return true;
  return accept
    .split(',')
    .map((part) => part.split(';')[0]!.trim().toLowerCase())
    .some((type) => type === '*/*' || type === 'application/*' || type === 'application/json' || type.endsWith('+json'));
}

/** `07030280000`, `+2347030280000` and `2347030280000` are the same Nigerian number. */
export function normalizePhone(raw: string): string | undefined {
  const digits = raw.trim().replace(/[\s-]/g, '');
  const match = /^(?:\+?234|0)([789]\d{9})$/.exec(digits);
  return match ? `0${match[1]}` : undefined;
}

export type SecurePath =
  | { operation: 'merchantPayment'; params: Record<string, string> | undefined }
  | { operation: 'moneyTransfer' }
  | { operation: 'userDetails' }
  | { operation: 'accountBalance' };

/** The P4 path parameters, in the order Paga's URI templates put them; the last two are optional. */
const P4_KEYS = ['referenceNumber', 'amount', 'merchantCustomerReference', 'merchantProductCode', 'currency'] as const;

/**
 * Maps the part of a secured URL after `/secure/` to an operation. Empty segments (repeated slashes,
 * spec 1.9) are ignored; segments are percent-decoded. Returns undefined for an unknown path.
 * For P4, `params` is undefined for the form-parameter variant (bare `merchantPayment`).
 */
export function parseSecurePath(rest: string): SecurePath | undefined {
  let segments: string[];
  try {
    segments = rest.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
  } catch {
    return undefined; // malformed percent-encoding
  }
  const [head, ...tail] = segments;
  switch (head) {
    case 'merchantPayment': {
      if (tail[0] === 'v3') tail.shift();
      if (tail.length === 0) return { operation: 'merchantPayment', params: undefined };
      // Exactly 3, 4 or 5 key/value pairs, keys in template order.
      const pairs = tail.length / 2;
      if (!Number.isInteger(pairs) || pairs < 3 || pairs > P4_KEYS.length) return undefined;
      const params: Record<string, string> = {};
      for (let i = 0; i < pairs; i++) {
        if (tail[2 * i] !== P4_KEYS[i]) return undefined;
        params[P4_KEYS[i]!] = tail[2 * i + 1]!;
      }
      return { operation: 'merchantPayment', params };
    }
    case 'moneyTransfer':
      return tail.length === 1 && tail[0] === 'v2' ? { operation: 'moneyTransfer' } : undefined;
    case 'getUserDetails':
      // The PHP library appends /referenceNumber/{ref} (spec 1.3, P6); the reference is ignored.
      return tail.length === 0 || (tail.length === 2 && tail[0] === 'referenceNumber') ? { operation: 'userDetails' } : undefined;
    case 'accountBalance':
      return tail.length === 0 ? { operation: 'accountBalance' } : undefined;
    default:
      return undefined;
  }
}
