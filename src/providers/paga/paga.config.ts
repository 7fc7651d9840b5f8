import { z } from 'zod';
import type { AppConfig } from '../../config/app-config.js';
import { ConfigError, parseModuleConfig } from '../../config/config.loader.js';
import { PAGA_SANDBOX_CLIENT, PAGA_SANDBOX_PATH } from '../../sandbox/sandbox-accounts.js';

const schema = z.object({
  PAGA_BASE_URL: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL, e.g. https://beta.mypaga.com' }).optional(),
  PAGA_CLIENT_ID: z.string().min(1).optional(),
  PAGA_CLIENT_SECRET: z.string().min(1).optional(),
  PAGA_TIMEOUT_MS: z.coerce.number({ error: 'expected milliseconds' }).int().min(100).max(120_000).default(15_000),
  // Paga documents no balance endpoint; ACCOUNT_BALANCE is a user_data field (see README).
  PAGA_BALANCE_SOURCE: z.enum(['user-details', 'account-balance']).default('user-details'),
});

/** Injection token of the validated PagaConfig. */
export const PAGA_CONFIG = Symbol('PAGA_CONFIG');

export interface PagaConfig {
  /** Paga's base URL (live https://www.mypaga.com, test https://beta.mypaga.com, or the emulator). */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  balanceSource: 'user-details' | 'account-balance';
  /** Gatehouse's redirect_uri, registered with Paga. */
  callbackUrl: string;
  /** False in production when PAGA_BASE_URL is not set: Paga is simply not offered there. */
  enabled: boolean;
}

/**
 * Paga's settings. In sandbox mode everything defaults to the in-process emulator and its
 * well-known client; pointing PAGA_BASE_URL and the credentials at Paga is a configuration change.
 */
export function loadPagaConfig(app: AppConfig): PagaConfig {
  const env = parseModuleConfig(schema, app.env, new Set(['PAGA_CLIENT_SECRET']));
  const usesEmulator = !env.PAGA_BASE_URL;
  const enabled = app.isSandbox || !!env.PAGA_BASE_URL;
  if (enabled && !app.isSandbox) {
    const missing = (['PAGA_BASE_URL', 'PAGA_CLIENT_ID', 'PAGA_CLIENT_SECRET'] as const).filter((k) => !env[k]);
    if (missing.length) throw new ConfigError(missing.map((k) => `${k}: is required when GATEHOUSE_MODE=production`));
  }
  return {
    baseUrl: (env.PAGA_BASE_URL ?? `${app.publicBaseUrl}${PAGA_SANDBOX_PATH}`).replace(/\/+$/, ''),
    clientId: env.PAGA_CLIENT_ID ?? (usesEmulator ? PAGA_SANDBOX_CLIENT.clientId : ''),
    clientSecret: env.PAGA_CLIENT_SECRET ?? (usesEmulator ? PAGA_SANDBOX_CLIENT.clientSecret : ''),
    timeoutMs: env.PAGA_TIMEOUT_MS,
    balanceSource: env.PAGA_BALANCE_SOURCE,
    callbackUrl: `${app.publicBaseUrl}/oauth/paga/callback`,
    enabled,
  };
}
