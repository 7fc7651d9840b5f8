import { z } from 'zod';
import type { AppConfig } from '../../config/app-config.js';
import { ConfigError, parseModuleConfig } from '../../config/config.loader.js';

export const MOMO_PRODUCTS = ['collection', 'disbursement'] as const;
export type MomoProduct = (typeof MOMO_PRODUCTS)[number];

/** Injection token of the validated MomoConfig. */
export const MOMO_CONFIG = Symbol('MOMO_CONFIG');

const optional = z.string().min(1).optional();
const schema = z.object({
  MOMO_BASE_URL: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL, e.g. https://sandbox.momodeveloper.mtn.com' }).optional(),
  MOMO_TARGET_ENVIRONMENT: z.string().regex(/^[a-z]+$/, 'expected sandbox or a market id such as mtnuganda').optional(),
  MOMO_CURRENCY: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code').optional(),
  MOMO_CALLBACK_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  MOMO_COLLECTION_SUBSCRIPTION_KEY: optional,
  MOMO_COLLECTION_API_USER: z.uuid({ error: 'expected the API user UUID' }).optional(),
  MOMO_COLLECTION_API_KEY: optional,
  MOMO_DISBURSEMENT_SUBSCRIPTION_KEY: optional,
  MOMO_DISBURSEMENT_API_USER: z.uuid({ error: 'expected the API user UUID' }).optional(),
  MOMO_DISBURSEMENT_API_KEY: optional,
  MOMO_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  MOMO_RECONCILE_TIMEOUT_S: z.coerce.number().int().min(10).max(7 * 86_400).default(86_400),
  MOMO_RECONCILE_POLL_MS: z.coerce.number().int().min(20).max(60_000).default(500),
  // Before this a payer can hardly have approved on their phone; the callback is the usual path.
  MOMO_RECONCILE_FIRST_CHECK_S: z.coerce.number().min(0.1).max(3600).default(5),
});

export interface MomoProductConfig {
  subscriptionKey: string;
  /** Both set: use them. Both unset: provision (sandbox only) and keep them encrypted in Postgres. */
  apiUser?: string;
  apiKey?: string;
}

export interface MomoConfig {
  baseUrl: string;
  targetEnvironment: string;
  currency: string;
  /** Where MoMo sends callbacks: its host must be the API user's providerCallbackHost. */
  callbackBaseUrl: string;
  products: Record<MomoProduct, MomoProductConfig>;
  timeoutMs: number;
  /** How long reconciliation keeps polling a pending payment before giving up (it stays pending). */
  reconcileTimeoutSeconds: number;
  /** How often each instance looks for due status checks. */
  reconcilePollMs: number;
  /** The first status check of a payment, from when it is written; then twice as long each time, at most a minute. */
  reconcileFirstCheckSeconds: number;
  /** Provisioning through the sandbox API is allowed (never in production). */
  canProvision: boolean;
  /** False in production when MOMO_BASE_URL is not set: MoMo is simply not used there. */
  enabled: boolean;
}

/**
 * MoMo's settings. In sandbox mode they default to the in-process emulator and its well-known
 * subscription keys, and API users are provisioned automatically.
 */
export function loadMomoConfig(app: AppConfig, sandboxKeys: Record<MomoProduct, string>, emulatorPath: string): MomoConfig {
  const env = parseModuleConfig(schema, app.env, new Set(['MOMO_COLLECTION_SUBSCRIPTION_KEY', 'MOMO_COLLECTION_API_KEY', 'MOMO_DISBURSEMENT_SUBSCRIPTION_KEY', 'MOMO_DISBURSEMENT_API_KEY']));
  const usesEmulator = !env.MOMO_BASE_URL;
  // In production a provider is used only when configured; a half configuration is an error.
  const enabled = app.isSandbox || !!env.MOMO_BASE_URL;
  const problems: string[] = [];
  const product = (name: 'COLLECTION' | 'DISBURSEMENT', key: MomoProduct): MomoProductConfig => {
    const subscriptionKey = env[`MOMO_${name}_SUBSCRIPTION_KEY`] ?? (usesEmulator ? sandboxKeys[key] : undefined);
    const apiUser = env[`MOMO_${name}_API_USER`];
    const apiKey = env[`MOMO_${name}_API_KEY`];
    if (enabled && !subscriptionKey) problems.push(`MOMO_${name}_SUBSCRIPTION_KEY: is required when MOMO_BASE_URL is set`);
    if (!!apiUser !== !!apiKey) problems.push(`MOMO_${name}_API_USER and MOMO_${name}_API_KEY: set both or neither`);
    if (enabled && !app.isSandbox && !apiUser) problems.push(`MOMO_${name}_API_USER: is required when GATEHOUSE_MODE=production`);
    return { subscriptionKey: subscriptionKey ?? '', apiUser, apiKey };
  };
  const products = { collection: product('COLLECTION', 'collection'), disbursement: product('DISBURSEMENT', 'disbursement') };
  if (enabled && !app.isSandbox && !env.MOMO_TARGET_ENVIRONMENT) problems.push('MOMO_TARGET_ENVIRONMENT: is required when GATEHOUSE_MODE=production');
  if (problems.length) throw new ConfigError(problems);
  const targetEnvironment = env.MOMO_TARGET_ENVIRONMENT ?? 'sandbox';
  return {
    baseUrl: (env.MOMO_BASE_URL ?? `${app.publicBaseUrl}${emulatorPath}`).replace(/\/+$/, ''),
    targetEnvironment,
    // The sandbox knows EUR only; markets use their own currency (MOMO_CURRENCY).
    currency: env.MOMO_CURRENCY ?? 'EUR',
    callbackBaseUrl: (env.MOMO_CALLBACK_BASE_URL ?? app.publicBaseUrl).replace(/\/+$/, ''),
    products,
    timeoutMs: env.MOMO_TIMEOUT_MS,
    reconcileTimeoutSeconds: env.MOMO_RECONCILE_TIMEOUT_S,
    reconcilePollMs: env.MOMO_RECONCILE_POLL_MS,
    reconcileFirstCheckSeconds: env.MOMO_RECONCILE_FIRST_CHECK_S,
    canProvision: app.isSandbox && targetEnvironment === 'sandbox',
    enabled,
  };
}
