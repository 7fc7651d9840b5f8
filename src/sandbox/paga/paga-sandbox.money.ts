import { PAGA_MAX_AMOUNT_KOBO } from './paga-sandbox.constants.js';

/**
 * Money helpers. Amounts are integer kobo from the moment they are parsed until they are written;
 * they never pass through a binary float (which cannot hold 0.1 exactly).
 */

const AMOUNT = /^(\d{1,13})(?:\.(\d{1,2}))?$/;

/**
 * Parses a decimal amount string (`500`, `500.0`, `500.00`) into kobo. Returns undefined for anything
 * else: more than 2 decimals, a sign, an exponent, spaces, zero, or more than PAGA_MAX_AMOUNT_KOBO.
 */
export function parseAmountToKobo(raw: unknown): number | undefined {
  if (typeof raw !== 'string') return undefined;
  const match = AMOUNT.exec(raw);
  if (!match) return undefined;
  const kobo = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return kobo > 0 && kobo <= PAGA_MAX_AMOUNT_KOBO ? kobo : undefined;
}

/** Kobo as a decimal string with two decimals: 50 → "0.50", -12345 → "-123.45". */
export function formatKobo(kobo: number): string {
  if (!Number.isSafeInteger(kobo)) throw new RangeError(`not an integer amount of kobo: ${kobo}`);
  const sign = kobo < 0 ? '-' : '';
  const digits = String(Math.abs(kobo)).padStart(3, '0');
  return `${sign}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** Marks an amount of kobo that `toJsonWithDecimals` writes as a JSON number with two decimals. */
export class JsonMoney {
  constructor(readonly kobo: number) {
    if (!Number.isSafeInteger(kobo)) throw new RangeError(`not an integer amount of kobo: ${kobo}`);
  }
}

export function money(kobo: number): JsonMoney {
  return new JsonMoney(kobo);
}

/**
 * JSON.stringify, except that JsonMoney values become number literals with two decimals
 * (`"amount":500.00`, as Paga's `500.0`-style numbers), built from the integer's digits as text.
 * Supports what the emulator sends: null, booleans, finite numbers, strings, arrays, plain objects.
 */
export function toJsonWithDecimals(value: unknown): string {
  if (value instanceof JsonMoney) return formatKobo(value.kobo);
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('cannot write a non-finite number as JSON');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : toJsonWithDecimals(item))).join(',')}]`;
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const members = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJsonWithDecimals(v)}`);
    return `{${members.join(',')}}`;
  }
  throw new TypeError(`cannot write ${typeof value} as JSON`);
}
