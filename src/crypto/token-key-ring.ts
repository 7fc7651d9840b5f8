import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** AES-256 keys by key id; the first is the active one (encrypts), the rest only decrypt. */
export interface TokenKeyRing {
  readonly activeKid: string;
  readonly keys: ReadonlyMap<string, Buffer>;
}

/** Thrown for a bad TOKEN_ENCRYPTION_KEYS value; names the variable, never prints a key. */
export class TokenKeyConfigError extends Error {
  constructor(message: string) {
    super(`TOKEN_ENCRYPTION_KEYS: ${message}`);
    this.name = 'TokenKeyConfigError';
  }
}

const KID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Parses `kid:base64-of-32-bytes[,kid2:base64...]`. */
export function parseTokenEncryptionKeys(raw: string): TokenKeyRing {
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) throw new TokenKeyConfigError('no keys given (expected kid:base64key[,kid2:base64key])');
  const keys = new Map<string, Buffer>();
  entries.forEach((entry, index) => {
    const separator = entry.indexOf(':');
    const position = `entry ${index + 1}`;
    if (separator <= 0) throw new TokenKeyConfigError(`${position} is not in the form kid:base64key`);
    const kid = entry.slice(0, separator);
    const encoded = entry.slice(separator + 1);
    if (!KID.test(kid)) throw new TokenKeyConfigError(`${position} has an invalid key id (1-32 of A-Z a-z 0-9 _ -)`);
    if (keys.has(kid)) throw new TokenKeyConfigError(`key id "${kid}" appears twice`);
    const key = Buffer.from(encoded, 'base64');
    if (!BASE64.test(encoded) || encoded.length % 4 !== 0 || key.length !== 32) {
      throw new TokenKeyConfigError(`key "${kid}" must be standard base64 of exactly 32 bytes (got ${BASE64.test(encoded) ? key.length : 'invalid base64'})`);
    }
    keys.set(kid, key);
  });
  return { activeKid: entries[0].slice(0, entries[0].indexOf(':')), keys };
}

/** Formats one key the way TOKEN_ENCRYPTION_KEYS expects it. */
export function formatTokenKey(kid: string, key: Buffer): string {
  return `${kid}:${key.toString('base64')}`;
}

/**
 * The sandbox fallback: reads `path` if present, else creates it (mode 0600) with a fresh key.
 * Creation uses the exclusive flag, so two instances booting at once end up sharing one key.
 */
export function loadOrCreateSandboxKeyFile(path: string): { ring: TokenKeyRing; created: boolean } {
  mkdirSync(dirname(path), { recursive: true });
  let created = false;
  try {
    writeFileSync(path, `${formatTokenKey('sandbox', randomBytes(32))}\n`, { flag: 'wx', mode: 0o600 });
    created = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if (created) chmodSync(path, 0o600); // the umask may have widened nothing, but be explicit
  const ring = parseTokenEncryptionKeys(readFileSync(path, 'utf8'));
  return { ring, created };
}
