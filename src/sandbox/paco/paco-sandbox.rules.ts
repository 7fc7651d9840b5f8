import { PACO_TEST_CARDS, type PacoResult, type PacoState } from './paco-sandbox.constants.js';

/** Case-insensitive member lookup: PACO samples mix `AmountText` and `amountText` (B.5). */
export function get(value: unknown, name: string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (name in record) return record[name];
  const lower = name.toLowerCase();
  const key = Object.keys(record).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : record[key];
}

export function getString(value: unknown, name: string): string | undefined {
  const found = get(value, name);
  return typeof found === 'string' ? found : undefined;
}

export function luhnValid(number: string): boolean {
  if (!/^\d{12,19}$/.test(number)) return false;
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let digit = number.charCodeAt(number.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** "MMYY" not before the month of `now` (UTC). */
export function expiryValid(mmyy: string, now: number): boolean {
  const match = /^(0[1-9]|1[0-2])(\d{2})$/.exec(mmyy);
  if (!match) return false;
  const date = new Date(now);
  const year = 2000 + Number(match[2]);
  const month = Number(match[1]);
  return year > date.getUTCFullYear() || (year === date.getUTCFullYear() && month >= date.getUTCMonth() + 1);
}

/** What a card number does: a listed test card's result, else approve. */
export function cardResult(number: string): PacoResult {
  return PACO_TEST_CARDS.find((card) => card.number === number)?.result ?? 'approve';
}

export function last4(number: string): string {
  return number.slice(-4);
}

export type CardCheck = { ok: true; number: string; expiry: string } | { ok: false; error: string };

/** Validates `creditCardDetails` (B.5): Luhn number, MMYY expiry in date, 3-4 digit CVV. */
export function checkCard(details: unknown, now: number): CardCheck {
  if (typeof details !== 'object' || details === null) return { ok: false, error: 'creditCardDetails is required' };
  const number = getString(details, 'cardNumber')?.replace(/\s+/g, '') ?? '';
  if (!luhnValid(number)) return { ok: false, error: 'creditCardDetails.cardNumber is not a valid card number' };
  const expiry = getString(details, 'cardExpiryMMYY') ?? '';
  if (!expiryValid(expiry, now)) return { ok: false, error: 'creditCardDetails.cardExpiryMMYY is invalid or expired' };
  const cvv = getString(details, 'cvvCode') ?? '';
  if (!/^\d{3,4}$/.test(cvv)) return { ok: false, error: 'creditCardDetails.cvvCode must be 3 or 4 digits' };
  return { ok: true, number, expiry };
}

export type PacoAction = 'settle' | 'void' | 'refund' | 'complete';

/**
 * The order state machine: which action each state allows. Void only before settlement (A);
 * settlement only of an authorisation (A); refund only after settlement (S, or R while a partial
 * refund leaves something); payer completion only while the page or the challenge is open.
 */
export function allows(state: PacoState, action: PacoAction): boolean {
  switch (action) {
    case 'settle':
    case 'void':
      return state === 'authorized';
    case 'refund':
      return state === 'settled' || state === 'refunded';
    case 'complete':
      return state === 'pageGenerated' || state === 'challenge';
  }
}

/** States that no longer change on their own (notifications are sent when a payment reaches one). */
export function isPaymentFinal(state: PacoState): boolean {
  return state !== 'pageGenerated' && state !== 'challenge' && state !== 'pending';
}
