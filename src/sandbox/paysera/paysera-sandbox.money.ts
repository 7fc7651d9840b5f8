import { PAYSERA_MAX_AMOUNT_CENTS } from './paysera-sandbox.constants.js';

/*
 * Paysera amounts (A.9): `price` is integer cents, `price_decimal` a decimal string. Both are parsed
 * without ever going through a float.
 */

const DECIMAL = /^(\d{1,12})(?:\.(\d{1,2}))?$/;

/** "12.5" → 1250, "0.01" → 1; undefined for anything else (signs, exponents, 3 decimals, numbers). */
export function parseDecimalToCents(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = DECIMAL.exec(value);
  if (!match) return undefined;
  const cents = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(cents) ? cents : undefined;
}

/** A JSON integer of cents; a float (1.5) or a numeric string is not cents. */
export function parseCents(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
}

export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export type AmountResult = { ok: true; cents: number } | { ok: false; description: string };

/**
 * Reads `{price}` or `{price_decimal}` (exactly one) as a positive amount within the limit.
 * `field` is the name of the cents field (`price`, or `max_price` for allowances).
 */
export function readAmount(body: Record<string, unknown>, field = 'price'): AmountResult {
  const decimalField = `${field}_decimal`;
  const hasCents = body[field] !== undefined;
  const hasDecimal = body[decimalField] !== undefined;
  if (hasCents === hasDecimal) return { ok: false, description: `Give exactly one of ${field} (cents) or ${decimalField} (decimal string)` };
  const cents = hasCents ? parseCents(body[field]) : parseDecimalToCents(body[decimalField]);
  if (cents === undefined) {
    return {
      ok: false,
      description: hasCents ? `${field} must be an integer number of cents` : `${decimalField} must be a decimal string with at most 2 decimals`,
    };
  }
  if (cents < 1 || cents > PAYSERA_MAX_AMOUNT_CENTS) return { ok: false, description: `${hasCents ? field : decimalField} is out of range` };
  return { ok: true, cents };
}
