import { z } from 'zod';
import type { AppConfig } from '../../config/app-config.js';
import { ConfigError, parseModuleConfig } from '../../config/config.loader.js';
import { CONNECTPAY_SANDBOX_CALLBACK_PATH, CONNECTPAY_SANDBOX_CLIENT, CONNECTPAY_SANDBOX_PATH } from '../../sandbox/sandbox-accounts.js';

// A path below the base URL: no query string, no fragment.
const path = (example: string) => z.string().regex(/^(\/[A-Za-z0-9._~:-]+)+$/, `expected a path such as ${example}`);
const flag = z.enum(['true', 'false'], { error: 'expected true or false' }).transform((v) => v === 'true');

/*
 * What ConnectPay has not published (spec PART 2, marked [A]) is a variable here, with the
 * assumption as its default: the Auth Web App's URL, the revoke path, the PSD2 resource prefix,
 * the casing of the flow parameter, and whether the code exchange repeats redirect_url.
 */
const schema = z.object({
  CONNECTPAY_BASE_URL: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL, e.g. https://api-stage.connectpay.com' }).optional(),
  CONNECTPAY_AUTHORIZE_URL: z.url({ protocol: /^https?$/, error: 'expected the absolute URL of the Auth Web App' }).optional(),
  CONNECTPAY_TOKEN_PATH: path('/auth/v1/oauth2/token').default('/auth/v1/oauth2/token'),
  CONNECTPAY_REVOKE_PATH: path('/auth/v1/oauth2/revoke').default('/auth/v1/oauth2/revoke'),
  CONNECTPAY_API_PREFIX: path('/ob').default('/ob'),
  CONNECTPAY_CLIENT_ID: z.string().min(1).optional(),
  CONNECTPAY_CLIENT_SECRET: z.string().min(1).optional(),
  CONNECTPAY_FLOW_PARAM: z.enum(['flowid', 'flowId']).default('flowid'),
  CONNECTPAY_TOKEN_SENDS_REDIRECT_URL: flag.default(false),
  CONNECTPAY_TIMEOUT_MS: z.coerce.number({ error: 'expected milliseconds' }).int().min(100).max(120_000).default(15_000),
});

/** Injection token of the validated ConnectPayConfig. */
export const CONNECTPAY_CONFIG = Symbol('CONNECTPAY_CONFIG');

export interface ConnectPayConfig {
  /** The API host: https://api-stage.connectpay.com (stage), production assumed https://api.connectpay.com, or the emulator. */
  baseUrl: string;
  /** The Auth Web App (authorize), absolute. */
  authorizeUrl: string;
  tokenUrl: string;
  revokeUrl: string;
  /** Base of the AIS/PIS resources, e.g. `${baseUrl}/ob`. */
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  /** `flowid` (Developer Portal) or `flowId` (docs.connectpay.com). */
  flowParam: 'flowid' | 'flowId';
  /** Repeat redirect_url in the code exchange (ConnectPay's example does not). */
  tokenSendsRedirectUrl: boolean;
  timeoutMs: number;
  /** Gatehouse's redirect_url, registered with the DevApp: no query string (ConnectPay refuses one). */
  callbackUrl: string;
  /** False in production when CONNECTPAY_BASE_URL is not set: ConnectPay is simply not offered there. */
  enabled: boolean;
}

/**
 * ConnectPay's settings. In sandbox mode everything defaults to the in-process emulator and its
 * well-known DevApp; pointing CONNECTPAY_BASE_URL and the credentials at ConnectPay is a
 * configuration change.
 */
export function loadConnectPayConfig(app: AppConfig): ConnectPayConfig {
  const env = parseModuleConfig(schema, app.env, new Set(['CONNECTPAY_CLIENT_SECRET']));
  const usesEmulator = !env.CONNECTPAY_BASE_URL;
  const enabled = app.isSandbox || !!env.CONNECTPAY_BASE_URL;
  const problems: string[] = [];
  if (!usesEmulator) {
    // The emulator's sandbox DevApp opens nothing else: a real ConnectPay needs your own.
    for (const k of ['CONNECTPAY_CLIENT_ID', 'CONNECTPAY_CLIENT_SECRET'] as const) if (!env[k]) problems.push(`${k}: is required when CONNECTPAY_BASE_URL is set`);
  }
  const callbackUrl = `${app.publicBaseUrl}${CONNECTPAY_SANDBOX_CALLBACK_PATH}`;
  if (enabled && /[?#]/.test(callbackUrl)) problems.push(`PUBLIC_BASE_URL: ConnectPay refuses a redirect_url with a query string or fragment (${callbackUrl})`);
  if (problems.length) throw new ConfigError(problems);
  const baseUrl = (env.CONNECTPAY_BASE_URL ?? `${app.publicBaseUrl}${CONNECTPAY_SANDBOX_PATH}`).replace(/\/+$/, '');
  return {
    baseUrl,
    authorizeUrl: env.CONNECTPAY_AUTHORIZE_URL ?? `${baseUrl}/auth/v1/oauth2/authorize`,
    tokenUrl: `${baseUrl}${env.CONNECTPAY_TOKEN_PATH}`,
    revokeUrl: `${baseUrl}${env.CONNECTPAY_REVOKE_PATH}`,
    apiUrl: `${baseUrl}${env.CONNECTPAY_API_PREFIX}`,
    clientId: env.CONNECTPAY_CLIENT_ID ?? (usesEmulator ? CONNECTPAY_SANDBOX_CLIENT.clientId : ''),
    clientSecret: env.CONNECTPAY_CLIENT_SECRET ?? (usesEmulator ? CONNECTPAY_SANDBOX_CLIENT.clientSecret : ''),
    flowParam: env.CONNECTPAY_FLOW_PARAM,
    tokenSendsRedirectUrl: env.CONNECTPAY_TOKEN_SENDS_REDIRECT_URL,
    timeoutMs: env.CONNECTPAY_TIMEOUT_MS,
    callbackUrl,
    enabled,
  };
}
