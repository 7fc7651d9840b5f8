import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const API_KEY_SCOPES = ['consents', 'payments', 'read', 'webhooks'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
export type ApiKeyMode = 'live' | 'test';

export interface IssuedKey {
  /** The whole key, shown to the merchant once. */
  key: string;
  prefix: string;
  secretHash: string;
}

// gh_<mode>_<12 lowercase base32 chars of public id>_<43 base64url chars = 256 random bits>
const KEY_PATTERN = /^(gh_(live|test)_[a-z2-7]{12})_[A-Za-z0-9_-]{43}$/;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** Makes a new key: a public lookup prefix plus 256 bits of secret, and the hash to store. */
export function issueApiKey(mode: ApiKeyMode): IssuedKey {
  const id = Array.from(randomBytes(12), (b) => BASE32[b & 31]).join('');
  const prefix = `gh_${mode}_${id}`;
  const key = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, secretHash: hashApiKey(key) };
}

/** Splits a presented key into its lookup prefix, or undefined when it is not shaped like one. */
export function parseApiKey(presented: string): { prefix: string; mode: ApiKeyMode } | undefined {
  const match = KEY_PATTERN.exec(presented);
  return match ? { prefix: match[1], mode: match[2] as ApiKeyMode } : undefined;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented key with a stored hash. */
export function apiKeyMatches(presented: string, secretHash: string): boolean {
  const a = Buffer.from(hashApiKey(presented), 'hex');
  const b = Buffer.from(secretHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The key mode that a deployment accepts and issues: test keys in sandbox, live keys in production. */
export function keyModeFor(mode: 'sandbox' | 'production'): ApiKeyMode {
  return mode === 'production' ? 'live' : 'test';
}
