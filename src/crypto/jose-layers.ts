import { compactVerify, errors as joseErrors } from 'jose';
import { decryptJwe, encryptJwe, JweDecryptionFailed } from './jwe-rsa.js';
import type { RsaKey } from './key-loader.js';
import { sharedRsaPool } from './rsa-worker.pool.js';

/*
 * The two JOSE layers of a PACO message, each behind a strict policy: compact serialization only,
 * canonical base64url, allowlisted algorithms, no key-carrying headers, no compression, `crit`
 * exactly. Private-key operations run on the RSA worker pool (rsa-worker.pool.ts explains why);
 * jose verifies every JWS, and in the tests it is the independent oracle for what we produce.
 */

/** Every algorithm this module will ever allow; a policy picks a subset. Never none, HS*, dir, RSA1_5, ECDH. */
export const JWS_ALGORITHMS = ['PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512'] as const;
export const JWE_KEY_ALGORITHMS = ['RSA-OAEP', 'RSA-OAEP-256', 'RSA-OAEP-384', 'RSA-OAEP-512'] as const;
export const JWE_CONTENT_ALGORITHMS = [
  'A128CBC-HS256',
  'A192CBC-HS384',
  'A256CBC-HS512',
  'A128GCM',
  'A192GCM',
  'A256GCM',
] as const;

export type JwsAlgorithm = (typeof JWS_ALGORITHMS)[number];
export type JweKeyAlgorithm = (typeof JWE_KEY_ALGORITHMS)[number];
export type JweContentAlgorithm = (typeof JWE_CONTENT_ALGORITHMS)[number];

/** Header parameters that would let a message choose its own key (RFC 8725 §3.10); refused inbound. */
const KEY_CARRYING_HEADERS = ['jku', 'x5u', 'jwk', 'x5c'];

/** Raised inside this module for any rejected message; callers turn it into one generic error. */
export class JoseRejection extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'JoseRejection';
  }
}

export interface JwePolicy {
  keyManagementAlgorithms: readonly JweKeyAlgorithm[];
  contentEncryptionAlgorithms: readonly JweContentAlgorithm[];
  /** When set, the JWE `kid` must be absent or equal to it (compared as an opaque string). */
  expectedKid?: string;
  /** Longest token accepted, in characters. */
  maxLength?: number;
}

export interface JwsPolicy {
  algorithms: readonly JwsAlgorithm[];
  /** Required `typ` (compared case-insensitively, `application/` prefix allowed); null to not check. */
  typ: string | null;
  /** Accept `crit: ["exp"]` with a numeric `exp` header parameter (the caller enforces its value). */
  acceptCritExp: boolean;
}

export interface JweHeader {
  alg: JweKeyAlgorithm;
  enc: JweContentAlgorithm;
  kid?: string;
  typ?: string;
  cty?: string;
}

export interface JwsHeader {
  alg: JwsAlgorithm;
  typ?: string;
  kid?: string;
  crit?: ['exp'];
  exp?: number;
}

export type DecodedHeader = Record<string, unknown>;

const DEFAULT_MAX_LENGTH = 2 * 1024 * 1024;
const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** Throws when `allowed` names anything outside `universe` (e.g. a config listing "none"). */
export function assertAllowlist<T extends string>(label: string, allowed: readonly string[], universe: readonly T[]): asserts allowed is readonly T[] {
  if (allowed.length === 0) throw new Error(`${label} allowlist is empty`);
  for (const alg of allowed) {
    if (!(universe as readonly string[]).includes(alg)) throw new Error(`${label} algorithm "${alg}" is not permitted`);
  }
}

export async function signCompact(payload: Uint8Array, key: RsaKey, header: JwsHeader): Promise<string> {
  key.assertUse('sign');
  assertAllowlist('JWS', [header.alg], JWS_ALGORITHMS);
  if (header.crit !== undefined && (header.crit.length !== 1 || header.crit[0] !== 'exp' || typeof header.exp !== 'number')) {
    throw new Error('crit must be ["exp"] together with a numeric exp header parameter');
  }
  const signingInput = `${b64u(JSON.stringify(header))}.${b64u(payload)}`;
  const signature = await sharedRsaPool().sign(key.poolHandle(), header.alg, Buffer.from(signingInput, 'ascii'));
  return `${signingInput}.${signature.toString('base64url')}`;
}

function b64u(value: string | Uint8Array): string {
  return (typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value)).toString('base64url');
}

export async function encryptCompact(plaintext: Uint8Array, key: RsaKey, header: JweHeader): Promise<string> {
  key.assertUse('encrypt');
  assertAllowlist('JWE key management', [header.alg], JWE_KEY_ALGORITHMS);
  assertAllowlist('JWE content encryption', [header.enc], JWE_CONTENT_ALGORITHMS);
  const protectedB64 = Buffer.from(JSON.stringify(header), 'utf8').toString('base64url');
  return encryptJwe(plaintext, key.keyObject, protectedB64, header.alg, header.enc);
}

/** Decrypts a compact JWE after checking its shape and header against `policy`. */
export async function decryptCompact(
  token: string,
  key: RsaKey,
  policy: JwePolicy,
): Promise<{ plaintext: Uint8Array; header: DecodedHeader }> {
  key.assertUse('decrypt');
  const segments = splitCompact(token, 5, 'JWE', policy.maxLength);
  const header = decodeHeader(segments[0], 'JWE');
  checkCommonHeader(header, 'JWE');
  if (!includes(policy.keyManagementAlgorithms, header.alg)) throw new JoseRejection('JWE alg not allowed');
  if (!includes(policy.contentEncryptionAlgorithms, header.enc)) throw new JoseRejection('JWE enc not allowed');
  if ('zip' in header) throw new JoseRejection('JWE zip is not accepted');
  // No JWE extension is understood, so any crit is refused (a crit meant for the JWS is in the wrong place).
  if ('crit' in header) throw new JoseRejection('JWE crit is not accepted');
  if (policy.expectedKid !== undefined && header.kid !== undefined && header.kid !== policy.expectedKid) {
    throw new JoseRejection('JWE kid does not match');
  }
  if ('kid' in header && typeof header.kid !== 'string') throw new JoseRejection('JWE kid is not a string');
  if ('typ' in header && !isType(header.typ, 'JWT')) throw new JoseRejection('JWE typ is not JWT');
  if ('cty' in header && !isType(header.cty, 'JWT')) throw new JoseRejection('JWE cty is not JWT');

  try {
    const [protectedB64, encryptedKey, iv, ciphertext, tag] = segments;
    const plaintext = await decryptJwe(
      {
        protectedB64,
        encryptedKey: Buffer.from(encryptedKey, 'base64url'),
        iv: Buffer.from(iv, 'base64url'),
        ciphertext: Buffer.from(ciphertext, 'base64url'),
        tag: Buffer.from(tag, 'base64url'),
      },
      key,
      header.alg as string,
      header.enc as string,
    );
    return { plaintext, header };
  } catch (error) {
    if (error instanceof JweDecryptionFailed) throw new JoseRejection('JWE: decryption failed');
    throw asRejection(error, 'JWE');
  }
}

/** Verifies a compact JWS after checking its shape and header against `policy`. */
export async function verifyCompact(
  token: string,
  key: RsaKey,
  policy: JwsPolicy,
): Promise<{ payload: Uint8Array; header: DecodedHeader }> {
  key.assertUse('verify');
  const segments = splitCompact(token, 3, 'JWS');
  const header = decodeHeader(segments[0], 'JWS');
  checkCommonHeader(header, 'JWS');
  if (!includes(policy.algorithms, header.alg)) throw new JoseRejection('JWS alg not allowed');
  if ('b64' in header) throw new JoseRejection('JWS b64 is not accepted');
  if ('cty' in header) throw new JoseRejection('JWS cty is not accepted');
  if (policy.typ !== null && !isType(header.typ, policy.typ)) throw new JoseRejection('JWS typ is not accepted');
  let critExp = false;
  if ('crit' in header) {
    const crit = header.crit;
    if (!policy.acceptCritExp) throw new JoseRejection('JWS crit is not accepted');
    if (!Array.isArray(crit) || crit.length !== 1 || crit[0] !== 'exp') throw new JoseRejection('JWS crit lists an unknown parameter');
    if (typeof header.exp !== 'number' || !Number.isFinite(header.exp)) throw new JoseRejection('JWS crit exp header is missing');
    critExp = true;
  }
  try {
    const result = await compactVerify(token, key.keyObject, {
      algorithms: [...policy.algorithms],
      crit: critExp ? { exp: true } : undefined,
    });
    return { payload: result.payload, header };
  } catch (error) {
    throw asRejection(error, 'JWS');
  }
}

/** Parses a JSON claims set strictly: UTF-8, a JSON object. Never logs the text itself. */
export function parseClaims(payload: Uint8Array): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    throw new JoseRejection('JWS payload is not UTF-8 JSON');
  }
  if (!isPlainObject(parsed)) throw new JoseRejection('JWS payload is not a JSON object');
  return parsed;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function splitCompact(token: string, parts: 3 | 5, label: string, maxLength = DEFAULT_MAX_LENGTH): string[] {
  if (typeof token !== 'string' || token.length === 0) throw new JoseRejection(`${label} is empty`);
  if (token.length > maxLength) throw new JoseRejection(`${label} is too long`);
  const segments = token.split('.');
  if (segments.length !== parts) throw new JoseRejection(`${label} is not in compact serialization`);
  for (const segment of segments) {
    if (!SEGMENT.test(segment)) throw new JoseRejection(`${label} has an empty or non-base64url segment`);
    // Reject non-canonical encodings (stray trailing bits), which would make tokens malleable.
    if (Buffer.from(segment, 'base64url').toString('base64url') !== segment) {
      throw new JoseRejection(`${label} has a non-canonical base64url segment`);
    }
  }
  return segments;
}

function decodeHeader(segment: string, label: string): DecodedHeader {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(segment, 'base64url')));
  } catch {
    throw new JoseRejection(`${label} header is not UTF-8 JSON`);
  }
  if (!isPlainObject(parsed)) throw new JoseRejection(`${label} header is not a JSON object`);
  return parsed;
}

function checkCommonHeader(header: DecodedHeader, label: string): void {
  for (const name of KEY_CARRYING_HEADERS) {
    if (name in header) throw new JoseRejection(`${label} header carries "${name}"`);
  }
}

function includes(list: readonly string[], value: unknown): boolean {
  // Exact, case-sensitive match: "noNE" is not "none" and is not on any list either.
  return typeof value === 'string' && list.includes(value);
}

function isType(value: unknown, expected: string): boolean {
  if (typeof value !== 'string') return false;
  const normalized = value.toLowerCase();
  const want = expected.toLowerCase();
  return normalized === want || normalized === `application/${want}`;
}

/** Keeps jose's static error code and message (they carry no key material), drops causes. */
function asRejection(error: unknown, label: string): JoseRejection {
  if (error instanceof JoseRejection) return error;
  if (error instanceof joseErrors.JOSEError) return new JoseRejection(`${label}: ${error.code}: ${error.message}`);
  return new JoseRejection(`${label}: ${error instanceof Error ? error.name : 'unknown error'}`);
}
