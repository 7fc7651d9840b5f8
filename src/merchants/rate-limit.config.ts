import { z } from 'zod';
import type { AppConfig } from '../config/app-config.js';
import { parseModuleConfig } from '../config/config.loader.js';
import { RateLimiter } from './rate-limiter.js';

const schema = z.object({
  // Stripe's live-mode default is 100 requests per second; 0 turns the limit off.
  RATE_LIMIT_RPS: z.coerce.number().int().min(0).max(1_000_000).default(100),
  RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(1_000_000).default(200),
});

export const MERCHANT_RATE_LIMITER = Symbol('MERCHANT_RATE_LIMITER');

export function createMerchantRateLimiter(app: AppConfig): RateLimiter {
  const env = parseModuleConfig(schema, app.env, new Set());
  return new RateLimiter(env.RATE_LIMIT_RPS, Math.max(env.RATE_LIMIT_BURST, 1));
}
