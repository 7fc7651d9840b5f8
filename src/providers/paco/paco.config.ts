import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../common/errors/app-error.js';
import type { AppConfig } from '../../config/app-config.js';
import { ConfigError, parseModuleConfig } from '../../config/config.loader.js';
import { loadRsaKey, type KeyUse, type RsaKey } from '../../crypto/key-loader.js';
import { PACO_SANDBOX_MERCHANT, PACO_SANDBOX_PATH } from '../../sandbox/sandbox-accounts.js';

/** Injection token of the validated PacoConfig. */
export const PACO_CONFIG = Symbol('PACO_CONFIG');

export const PACO_API_VERSIONS = ['1.0', '2.0'] as const;
export type PacoApiVersion = (typeof PACO_API_VERSIONS)[number];

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');
const keyMaterial = z.string().min(1).optional();
const schema = z.object({
  PACO_BASE_URL: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL, e.g. https://core.demo-paco.2c2p.com' }).optional(),
  PACO_API_VERSION: z.enum(PACO_API_VERSIONS, { error: 'expected 1.0 or 2.0' }).default('2.0'),
  PACO_OFFICE_ID: z.string().regex(/^[A-Za-z0-9_-]{1,20}$/, 'expected the office id 2C2P issued (1-20 letters, digits, _ or -)').optional(),
  PACO_TOKEN: z.string().regex(/^[\x21-\x7e]{8,256}$/, 'expected the access token 2C2P issued (8-256 printable characters)').optional(),
  PACO_BASIC_USERNAME: z.string().regex(/^[^:\s]{1,100}$/, 'expected a username without colon or spaces').optional(),
  PACO_BASIC_PASSWORD: z.string().min(1).optional(),
  PACO_MERCHANT_SIGNING_KEY: keyMaterial,
  PACO_MERCHANT_DECRYPTION_KEY: keyMaterial,
  PACO_SIGNING_PUBLIC_KEY: keyMaterial,
  PACO_ENCRYPTION_PUBLIC_KEY: keyMaterial,
  PACO_ENCRYPTION_KEY_ID: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected the EncryptionKeyId 2C2P issued (32 hex)').optional(),
  PACO_JOSE: z.enum(['on', 'off'], { error: 'expected on or off' }).default('on'),
  PACO_CRIT_EXP: bool.default(false),
  PACO_CALLBACK_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  PACO_TIMEOUT_MS: z.coerce.number({ error: 'expected milliseconds' }).int().min(100).max(120_000).default(20_000),
});

const SECRETS = new Set(['PACO_TOKEN', 'PACO_BASIC_PASSWORD', 'PACO_MERCHANT_SIGNING_KEY', 'PACO_MERCHANT_DECRYPTION_KEY']);
const KEY_VARIABLES = ['PACO_MERCHANT_SIGNING_KEY', 'PACO_MERCHANT_DECRYPTION_KEY', 'PACO_SIGNING_PUBLIC_KEY', 'PACO_ENCRYPTION_PUBLIC_KEY', 'PACO_ENCRYPTION_KEY_ID'] as const;

/** The four keys and the kid of B.4, each loaded for its one use. */
export interface PacoKeys {
  /** Ours: signs requests. */
  merchantSigning: RsaKey;
  /** Ours: decrypts answers and notifications. */
  merchantDecryption: RsaKey;
  /** PACO's: verifies answers and notifications. */
  pacoSigning: RsaKey;
  /** PACO's: requests are encrypted to it. */
  pacoEncryption: RsaKey;
  /** PACO's EncryptionKeyId: the kid of request JWEs. */
  pacoKeyId: string;
}

export interface PacoConfig {
  /** PACO's API base (UAT https://core.demo-paco.2c2p.com, PROD https://core.paco.2c2p.com, or the emulator). */
  baseUrl: string;
  apiVersion: PacoApiVersion;
  officeId: string;
  /** The per-company access token: the `token` and `CompanyApiKey` headers and the JWT iss. */
  token: string;
  basic?: { username: string; password: string };
  /** Configured keys; absent in sandbox mode when none are set (then they are provisioned, see PacoKeyring). */
  keys?: PacoKeys;
  /** JWE(JWS) envelopes (always in production); off only for a non-PROD account whitelisted for plain JSON. */
  jose: boolean;
  /** Sends crit: ["exp"] in the JWS header (PACO never asked; B.3.5). */
  critExp: boolean;
  /** Where PACO posts backend notifications and sends the payer back: `${this}/callbacks/paco`, `${this}/paco/return/...`. */
  callbackBaseUrl: string;
  timeoutMs: number;
  /** Sandbox mode without configured keys: generate ours and register them with the emulator at baseUrl. */
  provision: boolean;
  /** False in production when PACO_BASE_URL is not set: PACO is simply not offered there. */
  enabled: boolean;
}

/**
 * PACO's settings. In sandbox mode everything defaults to the in-process emulator, the sandbox
 * merchant's office and token, and keys Gatehouse generates and registers with the emulator itself;
 * pointing PACO_BASE_URL, the token and the keys at 2C2P is a configuration change.
 */
export function loadPacoConfig(app: AppConfig): PacoConfig {
  const env = parseModuleConfig(schema, app.env, SECRETS);
  const enabled = app.isSandbox || !!env.PACO_BASE_URL;
  const problems: string[] = [];
  const production = enabled && !app.isSandbox;
  if (production) {
    for (const name of ['PACO_OFFICE_ID', 'PACO_TOKEN', ...KEY_VARIABLES] as const) {
      if (!env[name]) problems.push(`${name}: is required when GATEHOUSE_MODE=production`);
    }
    if (env.PACO_JOSE === 'off') problems.push('PACO_JOSE: message encryption is mandatory in production (2C2P requires it on PROD)');
  }
  if (!!env.PACO_BASIC_USERNAME !== !!env.PACO_BASIC_PASSWORD) problems.push('PACO_BASIC_USERNAME and PACO_BASIC_PASSWORD: set both or neither');
  const keysSet = KEY_VARIABLES.filter((k) => env[k]);
  if (!production && keysSet.length > 0 && keysSet.length < KEY_VARIABLES.length) {
    problems.push(`${KEY_VARIABLES.filter((k) => !env[k]).join(', ')}: set all PACO keys and the key id, or none (sandbox: generated and registered with the emulator)`);
  }
  let keys: PacoKeys | undefined;
  if (enabled && keysSet.length === KEY_VARIABLES.length) {
    const load = (name: (typeof KEY_VARIABLES)[number], use: KeyUse): RsaKey | undefined => {
      try {
        return loadRsaKey(readKeyMaterial(env[name]!, name), use, { name });
      } catch (err) {
        if (err instanceof ConfigError) problems.push(...err.problems);
        else problems.push(`${name}: ${err instanceof AppError ? err.message : 'cannot be read'}`);
        return undefined;
      }
    };
    const loaded = {
      merchantSigning: load('PACO_MERCHANT_SIGNING_KEY', 'sign'),
      merchantDecryption: load('PACO_MERCHANT_DECRYPTION_KEY', 'decrypt'),
      pacoSigning: load('PACO_SIGNING_PUBLIC_KEY', 'verify'),
      pacoEncryption: load('PACO_ENCRYPTION_PUBLIC_KEY', 'encrypt'),
    };
    if (loaded.merchantSigning && loaded.merchantDecryption && loaded.pacoSigning && loaded.pacoEncryption) {
      keys = { ...(loaded as Omit<PacoKeys, 'pacoKeyId'>), pacoKeyId: env.PACO_ENCRYPTION_KEY_ID! };
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return {
    baseUrl: (env.PACO_BASE_URL ?? `${app.publicBaseUrl}${PACO_SANDBOX_PATH}`).replace(/\/+$/, ''),
    apiVersion: env.PACO_API_VERSION,
    officeId: env.PACO_OFFICE_ID ?? (app.isSandbox ? PACO_SANDBOX_MERCHANT.officeId : ''),
    token: env.PACO_TOKEN ?? (app.isSandbox ? PACO_SANDBOX_MERCHANT.token : ''),
    basic: env.PACO_BASIC_USERNAME ? { username: env.PACO_BASIC_USERNAME, password: env.PACO_BASIC_PASSWORD! } : undefined,
    keys,
    jose: env.PACO_JOSE === 'on',
    critExp: env.PACO_CRIT_EXP,
    callbackBaseUrl: (env.PACO_CALLBACK_BASE_URL ?? app.publicBaseUrl).replace(/\/+$/, ''),
    timeoutMs: env.PACO_TIMEOUT_MS,
    provision: enabled && app.isSandbox && !keys,
    enabled,
  };
}

/**
 * A key variable holds the key itself (PEM, with real or `\n` newlines, or the bare base64 DER
 * 2C2P's portal shows) or the absolute path of a file that holds it (a mounted secret).
 */
function readKeyMaterial(value: string, name: string): string {
  const trimmed = value.trim();
  if (isAbsolute(trimmed)) {
    try {
      return readFileSync(trimmed, 'utf8');
    } catch (err) {
      throw new ConfigError([`${name}: cannot read ${trimmed} (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
    }
  }
  return trimmed.replace(/\\n/g, '\n');
}
