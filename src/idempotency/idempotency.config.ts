import { z } from 'zod';
import type { AppConfig } from '../config/app-config.js';
import { parseModuleConfig } from '../config/config.loader.js';

const schema = z.object({
  // Stripe keeps keys 24 hours; so do we.
  IDEMPOTENCY_TTL_S: z.coerce.number().int().min(60).max(7 * 86_400).default(86_400),
  // Longer than any provider call with its retries; after it, a crashed request's key is free again.
  IDEMPOTENCY_LEASE_S: z.coerce.number().int().min(5).max(3_600).default(120),
});

export const IDEMPOTENCY_CONFIG = Symbol('IDEMPOTENCY_CONFIG');

export interface IdempotencyConfig {
  ttlSeconds: number;
  leaseSeconds: number;
}

export function loadIdempotencyConfig(app: AppConfig): IdempotencyConfig {
  const env = parseModuleConfig(schema, app.env, new Set());
  return { ttlSeconds: env.IDEMPOTENCY_TTL_S, leaseSeconds: env.IDEMPOTENCY_LEASE_S };
}
