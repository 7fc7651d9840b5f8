import { MOMO_MAX_AMOUNT_CENTS } from './momo-sandbox.constants.js';

/**
 * Money helpers. Amounts are integer cents from the moment they are parsed until they are written;
 * they never pass through a binary float. EUR has two decimals, so extra decimals must be zeros.
 */

const AMOUNT = /^(\d{1,15})(?:\.(\d{1,8}))?$/;

/**
 * A MoMo amount string (`"100"`, `"12.50"`, `"5.0"`) in cents; undefined for anything else: not a
 * string (a JSON number is refused), a sign, an exponent, spaces, `.5`, `5.`, a non-zero third
 * decimal, zero, or more than MOMO_MAX_AMOUNT_CENTS. With `allowZero`, 0 is accepted (balances).
 */
export function parseAmountToCents(raw: unknown, options: { allowZero?: boolean } = {}): number | undefined {
  if (typeof raw !== 'string') return undefined;
  const match = AMOUNT.exec(raw);
  if (!match) return undefined;
  const fraction = match[2] ?? '';
  if (/[1-9]/.test(fraction.slice(2))) return undefined;
  const cents = Number(match[1]) * 100 + Number(fraction.slice(0, 2).padEnd(2, '0'));
  if (!Number.isSafeInteger(cents) || cents > MOMO_MAX_AMOUNT_CENTS) return undefined;
  return cents > 0 || (options.allowZero && cents === 0) ? cents : undefined;
}

/**
 * Cents as MoMo echoes amounts: a decimal string without trailing zeros (§6: "5.0" comes back as "5",
 * "12.50" as "12.5"). 1205 → "12.05", 0 → "0".
 */
export function formatCents(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents < 0) throw new RangeError(`not a non-negative integer amount of cents: ${cents}`);
  const whole = Math.floor(cents / 100);
  const fraction = String(cents % 100).padStart(2, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : String(whole);
}
