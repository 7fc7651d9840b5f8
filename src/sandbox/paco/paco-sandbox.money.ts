import { PACO_CURRENCIES, PACO_MAX_MINOR } from './paco-sandbox.constants.js';

/*
 * PACO amounts: `amountText` is the minor-unit amount as 12 zero-padded digits, `decimalPlaces` the
 * currency exponent, `amount` the decimal value (B.5). Internally every amount is an integer number
 * of minor units; decimals only ever pass through strings, never through float arithmetic.
 */

const AMOUNT_TEXT = /^\d{12}$/;

/** 1050 → "000000001050". */
export function formatAmountText(minor: number): string {
  if (!Number.isSafeInteger(minor) || minor < 0 || BigInt(minor) > PACO_MAX_MINOR) throw new RangeError('amount out of range');
  return String(minor).padStart(12, '0');
}

/** "000000001050" → 1050; undefined unless exactly 12 digits. */
export function parseAmountText(text: unknown): number | undefined {
  if (typeof text !== 'string' || !AMOUNT_TEXT.test(text)) return undefined;
  return Number(text);
}

/** 1050, 2 → "10.50"; 1050, 0 → "1050". */
export function formatDecimal(minor: number, decimalPlaces: number): string {
  const digits = String(minor).padStart(decimalPlaces + 1, '0');
  if (decimalPlaces === 0) return digits;
  return `${digits.slice(0, -decimalPlaces)}.${digits.slice(-decimalPlaces)}`;
}

/**
 * The minor units a decimal `amount` (number or string) stands for, read from its decimal text:
 * 10.5 → 1050 with 2 places. Undefined when it has more decimals than allowed or is not a plain decimal.
 */
export function decimalToMinor(amount: unknown, decimalPlaces: number): number | undefined {
  if (typeof amount !== 'number' && typeof amount !== 'string') return undefined;
  if (typeof amount === 'number' && (!Number.isFinite(amount) || amount < 0)) return undefined;
  const text = typeof amount === 'number' ? amount.toString() : amount.trim();
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return undefined;
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > decimalPlaces) return undefined;
  const minor = BigInt(match[1]! + fraction.padEnd(decimalPlaces, '0'));
  return minor > PACO_MAX_MINOR ? undefined : Number(minor);
}

export interface PacoAmount {
  minor: number;
  currency: string;
  decimalPlaces: number;
}

/** Result of reading a request's amount object (any member casing). */
export type AmountParse = { ok: true; value: PacoAmount } | { ok: false; error: string };

/**
 * Reads `{amountText, currencyCode, decimalPlaces, amount?}`. amountText is authoritative; `amount`,
 * when sent, must agree with it, and decimalPlaces must be the currency's exponent.
 */
export function readAmount(field: string, value: unknown, get: (o: unknown, k: string) => unknown): AmountParse {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: `${field} is required` };
  const minor = parseAmountText(get(value, 'amountText'));
  if (minor === undefined) return { ok: false, error: `${field}.amountText must be 12 digits` };
  const currency = get(value, 'currencyCode');
  if (typeof currency !== 'string' || !(currency.toUpperCase() in PACO_CURRENCIES)) return { ok: false, error: `${field}.currencyCode is not supported` };
  const exponent = PACO_CURRENCIES[currency.toUpperCase()]!;
  const places = get(value, 'decimalPlaces');
  if (places !== undefined && places !== null && places !== exponent) return { ok: false, error: `${field}.decimalPlaces must be ${exponent} for ${currency.toUpperCase()}` };
  const amount = get(value, 'amount');
  if (amount !== undefined && amount !== null && decimalToMinor(amount, exponent) !== minor) {
    return { ok: false, error: `${field}.amount does not match amountText` };
  }
  return { ok: true, value: { minor, currency: currency.toUpperCase(), decimalPlaces: exponent } };
}

/**
 * The response amount object, in the observed casing. `Amount` is the decimal text turned into a
 * JSON number for the wire (as PACO sends it); nothing is computed with it.
 */
export function amountView(minor: number, currency: string, decimalPlaces: number): Record<string, unknown> {
  return {
    AmountText: formatAmountText(minor),
    CurrencyCode: currency,
    DecimalPlaces: decimalPlaces,
    Amount: Number(formatDecimal(minor, decimalPlaces)),
  };
}
