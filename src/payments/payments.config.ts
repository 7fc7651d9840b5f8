import { z } from 'zod';
import type { AppConfig } from '../config/app-config.js';
import { parseModuleConfig } from '../config/config.loader.js';

const limit = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const schema = z.object({
  // Per payer (a consent's PSU or a wallet number) and merchant; 0 turns a limit off.
  VELOCITY_MAX_PAYMENTS_PER_HOUR: limit.default(30),
  VELOCITY_MAX_AMOUNT_PER_DAY: limit.default(0),
});

export const PAYMENTS_CONFIG = Symbol('PAYMENTS_CONFIG');

export interface PaymentsConfig {
  velocity: { maxPaymentsPerHour: number; maxAmountPerDay: number };
}

export function loadPaymentsConfig(app: AppConfig): PaymentsConfig {
  const env = parseModuleConfig(schema, app.env, new Set());
  return { velocity: { maxPaymentsPerHour: env.VELOCITY_MAX_PAYMENTS_PER_HOUR, maxAmountPerDay: env.VELOCITY_MAX_AMOUNT_PER_DAY } };
}
