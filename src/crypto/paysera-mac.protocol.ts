import { createHmac, hash } from 'node:crypto';

/*
 * Paysera's MAC access authentication (draft-ietf-oauth-v2-http-mac-01 style), as pure functions.
 * Source: paysera/lib-wallet-php-client Auth/Mac.php and lib-rest-client-common MacAuthentication.php.
 */

export interface MacRequestParts {
  method: string;
  /** Path plus "?query" exactly as sent on the wire; never re-encoded or sorted. */
  requestUri: string;
  /** Lowercase host name without the port. */
  host: string;
  port: number;
}

export interface MacHeaderFields {
  id: string;
  ts: string;
  nonce: string;
  mac: string;
  /** "" when the header has no ext (a missing ext and ext="" are the same). */
  ext: string;
}

/** ts\nnonce\nMETHOD\nrequest_uri\nhost\nport\next\n: seven lines, the last newline even with an empty ext. */
export function buildNormalizedString(ts: string | number, nonce: string, request: MacRequestParts, ext: string): string {
  return `${ts}\n${nonce}\n${request.method.toUpperCase()}\n${request.requestUri}\n${request.host.toLowerCase()}\n${request.port}\n${ext}\n`;
}

/** base64(HMAC-SHA256(key = UTF-8 bytes of the MAC key as given, normalized)), standard alphabet, padded. */
export function computeMac(macKey: string, normalized: string): string {
  // A string key is used as its UTF-8 bytes, which is what the protocol says.
  return createHmac('sha256', macKey).update(normalized, 'utf8').digest('base64');
}

export function bodyHash(body: Uint8Array | string): string {
  // One-shot: no Hash object per call (signing is on the hot path of every Paysera call).
  return hash('sha256', typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength), 'base64');
}

/** PHP urlencode (what http_build_query uses): RFC 1738, space as "+", "~" encoded. */
export function phpUrlencode(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** ext = http_build_query({body_hash, ...extra}); "" with no body and no extra parameters. */
// A base64 body hash holds only letters, digits and + / =; this is phpUrlencode for exactly those,
// without the regular expressions (signing is on the hot path of every Paysera call).
const BASE64_URLENCODED: Record<string, string> = { '+': '%2B', '/': '%2F', '=': '%3D' };
function urlencodeBase64(value: string): string {
  let out = '';
  for (const c of value) out += BASE64_URLENCODED[c] ?? c;
  return out;
}

export function buildExt(body: Uint8Array | string | undefined, extra: Record<string, string> = {}): string {
  const hasBody = body !== undefined && body.length > 0;
  let none = true;
  for (const _ in extra) {
    none = false;
    break;
  }
  if (none) return hasBody ? `body_hash=${urlencodeBase64(bodyHash(body))}` : '';
  const params: Array<[string, string]> = [];
  if (body !== undefined && body.length > 0) params.push(['body_hash', bodyHash(body)]);
  for (const [name, value] of Object.entries(extra)) params.push([name, value]);
  return params.map(([name, value]) => `${phpUrlencode(name)}=${phpUrlencode(value)}`).join('&');
}

/** MAC id="..", ts="..", nonce="..", mac=".."[, ext=".."]: values as they are, ext only when non-empty. */
export function formatMacHeader(fields: MacHeaderFields): string {
  const parts = [`id="${fields.id}"`, `ts="${fields.ts}"`, `nonce="${fields.nonce}"`, `mac="${fields.mac}"`];
  if (fields.ext !== '') parts.push(`ext="${fields.ext}"`);
  return `MAC ${parts.join(', ')}`;
}

/** Splits a URL the way it goes on the wire: path?query, lowercase host, explicit or default port. */
export function macRequestFromUrl(method: string, url: string | URL): MacRequestParts {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(`Unsupported URL scheme ${parsed.protocol}`);
  const port = parsed.port !== '' ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80;
  return { method: method.toUpperCase(), requestUri: `${parsed.pathname}${parsed.search}`, host: parsed.hostname, port };
}

const PARAM = /^([A-Za-z_]+)="([^"]*)"/;
const KNOWN = new Set(['id', 'ts', 'nonce', 'mac', 'ext']);

/**
 * Parses `MAC id="..", ...` strictly. Values are taken between quotes, so nonces holding spaces,
 * commas or "=" parse correctly; parameters are separated by a comma and optional whitespace.
 * Returns undefined on anything malformed: another scheme, unknown or repeated parameters,
 * a missing id/ts/nonce/mac, a non-numeric ts, stray text.
 */
export function parseMacHeader(header: string | undefined): MacHeaderFields | undefined {
  if (typeof header !== 'string') return undefined;
  const scheme = /^MAC\s+/.exec(header);
  if (!scheme) return undefined;
  let rest = header.slice(scheme[0].length);
  const values = new Map<string, string>();
  for (;;) {
    const match = PARAM.exec(rest);
    if (!match) return undefined;
    const [whole, name, value] = match;
    if (!KNOWN.has(name) || values.has(name)) return undefined;
    values.set(name, value);
    rest = rest.slice(whole.length);
    const separator = /^\s*,\s*/.exec(rest);
    if (!separator) break;
    rest = rest.slice(separator[0].length);
  }
  if (rest.trim() !== '') return undefined;
  const id = values.get('id');
  const ts = values.get('ts');
  const nonce = values.get('nonce');
  const mac = values.get('mac');
  if (!id || !ts || !nonce || !mac || !/^\d{1,12}$/.test(ts)) return undefined;
  return { id, ts, nonce, mac, ext: values.get('ext') ?? '' };
}

/** body_hash from an ext string (form-decoded like PHP parse_str), or undefined. */
export function extBodyHash(ext: string): string | undefined {
  if (ext === '') return undefined;
  return new URLSearchParams(ext).get('body_hash') ?? undefined;
}
