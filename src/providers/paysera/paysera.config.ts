import { z } from 'zod';
import type { AppConfig } from '../../config/app-config.js';
import { ConfigError, parseModuleConfig } from '../../config/config.loader.js';
import { PAYSERA_SANDBOX_CLIENT, PAYSERA_SANDBOX_EVENTS_PATH, PAYSERA_SANDBOX_PATH } from '../../sandbox/sandbox-accounts.js';

const url = (example: string) => z.url({ protocol: /^https?$/, error: `expected an http(s) URL, e.g. ${example}` });

const schema = z.object({
  PAYSERA_API_BASE_URL: url('https://wallet.paysera.com').optional(),
  PAYSERA_AUTH_BASE_URL: url('https://bank.paysera.com/frontend').optional(),
  PAYSERA_CLIENT_ID: z.string().regex(/^[\x21-\x7e]+$/, 'expected the client_id Paysera issued (printable, no spaces or quotes)').refine((v) => !v.includes('"'), 'must not contain "').optional(),
  PAYSERA_MAC_KEY: z.string().min(16, 'expected the client MAC key (secret) Paysera issued').optional(),
  PAYSERA_TIMEOUT_MS: z.coerce.number({ error: 'expected milliseconds' }).int().min(100).max(120_000).default(15_000),
  // A.9: amounts go as `price` (integer cents) or `price_decimal` (a decimal string); both are Paysera's.
  PAYSERA_AMOUNT_FORMAT: z.enum(['decimal', 'cents']).default('decimal'),
  PAYSERA_CURRENCIES: z
    .string()
    .regex(/^[A-Z]{3}(,[A-Z]{3})*$/, 'expected ISO 4217 codes separated by commas, e.g. EUR,USD')
    .default('EUR'),
  PAYSERA_CALLBACK_URL: url('https://gatehouse.example/callbacks/paysera').optional(),
  // A.1: the PHP library's confirmation page; the docs also show .../transaction/confirm-with-oauth/{key}.
  PAYSERA_CONFIRM_URL_TEMPLATE: z
    .string()
    .refine((v) => v.includes('{transaction_key}'), 'must contain {transaction_key}')
    .refine((v) => /^https?:\/\//.test(v), 'must be an http(s) URL')
    .optional(),
  PAYSERA_PUBLIC_KEY_TTL_S: z.coerce.number({ error: 'expected seconds' }).int().min(60).max(7 * 86_400).default(3_600),
});

/** Injection token of the validated PayseraConfig. */
export const PAYSERA_CONFIG = Symbol('PAYSERA_CONFIG');

export interface PayseraConfig {
  /** The wallet API host: `/rest/v1/`, `/oauth/v1/` and `/publickey` are below it. */
  apiBaseUrl: string;
  /** The browser host: `/oauth` (consent) and the transaction confirmation page are below it. */
  authBaseUrl: string;
  clientId: string;
  /** The client's MAC key (Paysera's client secret): signs every client call, never sent. */
  macKey: string;
  timeoutMs: number;
  amountFormat: 'decimal' | 'cents';
  currencies: string[];
  /** Where Paysera posts transaction and allowance events. */
  callbackUrl: string;
  /** The page where a user accepts a transaction; `{transaction_key}` is replaced. */
  confirmUrlTemplate: string;
  /** How long the callback public key from /publickey is kept. */
  publicKeyTtlSeconds: number;
  /** Gatehouse's redirect_uri, registered with Paysera. */
  redirectUri: string;
  /** False in production when PAYSERA_API_BASE_URL is not set: Paysera is simply not offered there. */
  enabled: boolean;
}

/**
 * Paysera's settings. In sandbox mode everything defaults to the in-process emulator and its
 * well-known client; pointing the base URLs and credentials at Paysera is a configuration change.
 */
export function loadPayseraConfig(app: AppConfig): PayseraConfig {
  const env = parseModuleConfig(schema, app.env, new Set(['PAYSERA_MAC_KEY']));
  const usesEmulator = !env.PAYSERA_API_BASE_URL;
  const enabled = app.isSandbox || !!env.PAYSERA_API_BASE_URL;
  if (enabled && !app.isSandbox) {
    const required = ['PAYSERA_API_BASE_URL', 'PAYSERA_AUTH_BASE_URL', 'PAYSERA_CLIENT_ID', 'PAYSERA_MAC_KEY'] as const;
    const missing = required.filter((k) => !env[k]);
    if (missing.length) throw new ConfigError(missing.map((k) => `${k}: is required when GATEHOUSE_MODE=production and Paysera is used`));
  }
  const emulator = `${app.publicBaseUrl}${PAYSERA_SANDBOX_PATH}`;
  const trim = (value: string) => value.replace(/\/+$/, '');
  const authBaseUrl = trim(env.PAYSERA_AUTH_BASE_URL ?? emulator);
  return {
    apiBaseUrl: trim(env.PAYSERA_API_BASE_URL ?? emulator),
    authBaseUrl,
    clientId: env.PAYSERA_CLIENT_ID ?? (usesEmulator ? PAYSERA_SANDBOX_CLIENT.clientId : ''),
    macKey: env.PAYSERA_MAC_KEY ?? (usesEmulator ? PAYSERA_SANDBOX_CLIENT.macKey : ''),
    timeoutMs: env.PAYSERA_TIMEOUT_MS,
    amountFormat: env.PAYSERA_AMOUNT_FORMAT,
    currencies: env.PAYSERA_CURRENCIES.split(','),
    callbackUrl: env.PAYSERA_CALLBACK_URL ?? `${app.publicBaseUrl}${PAYSERA_SANDBOX_EVENTS_PATH}`,
    confirmUrlTemplate: env.PAYSERA_CONFIRM_URL_TEMPLATE ?? `${authBaseUrl}/wallet/confirm/{transaction_key}`,
    publicKeyTtlSeconds: env.PAYSERA_PUBLIC_KEY_TTL_S,
    redirectUri: `${app.publicBaseUrl}/oauth/paysera/callback`,
    enabled,
  };
}
