import { z } from 'zod';
import type { AppConfig } from '../config/app-config.js';
import { parseModuleConfig } from '../config/config.loader.js';

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

const schema = z.object({
  WEBHOOK_ALLOW_HTTP: flag.optional(),
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: flag.optional(),
  WEBHOOK_POLL_MS: z.coerce.number().int().min(20).max(60_000).default(1_000),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  // Standard Webhooks' schedule after the first try: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (about a day).
  WEBHOOK_RETRY_SCHEDULE_S: z
    .string()
    .regex(/^\d+(\.\d+)?(,\d+(\.\d+)?)*$/, 'expected comma-separated seconds')
    .default('5,300,1800,7200,18000,36000,36000'),
  WEBHOOK_SECRET_GRACE_S: z.coerce.number().int().min(0).max(7 * 86_400).default(86_400),
});

export const WEBHOOKS_CONFIG = Symbol('WEBHOOKS_CONFIG');

export interface WebhooksConfig {
  /** http:// targets (else https only). Sandbox mode: allowed by default. */
  allowHttp: boolean;
  /** Targets on loopback, private, link-local and other non-public addresses. Sandbox mode: allowed by default. */
  allowPrivateNetworks: boolean;
  pollMs: number;
  timeoutMs: number;
  /** Waits (seconds) before each retry; its length is the number of retries. */
  retryScheduleS: number[];
  /** How long the previous secret still signs after a rotation. */
  secretGraceS: number;
}

export function loadWebhooksConfig(app: AppConfig): WebhooksConfig {
  const env = parseModuleConfig(schema, app.env, new Set());
  return {
    allowHttp: env.WEBHOOK_ALLOW_HTTP ?? app.isSandbox,
    allowPrivateNetworks: env.WEBHOOK_ALLOW_PRIVATE_NETWORKS ?? app.isSandbox,
    pollMs: env.WEBHOOK_POLL_MS,
    timeoutMs: env.WEBHOOK_TIMEOUT_MS,
    retryScheduleS: env.WEBHOOK_RETRY_SCHEDULE_S.split(',').map(Number),
    secretGraceS: env.WEBHOOK_SECRET_GRACE_S,
  };
}
