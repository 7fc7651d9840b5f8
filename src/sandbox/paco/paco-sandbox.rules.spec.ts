import { PACO_TEST_CARDS, type PacoState } from './paco-sandbox.constants.js';
import { classify } from './paco-sandbox.jose.js';
import { allows, cardResult, checkCard, expiryValid, get, isPaymentFinal, luhnValid } from './paco-sandbox.rules.js';

const NOW = Date.UTC(2026, 5, 15);

describe('PACO rules', () => {
  it('binds members case-insensitively', () => {
    expect(get({ AmountText: 'x' }, 'amountText')).toBe('x');
    expect(get({ amountText: 'y', AmountText: 'x' }, 'amountText')).toBe('y');
    expect(get(null, 'a')).toBeUndefined();
  });

  it('every test card is Luhn-valid and maps to its result; unknown valid cards approve', () => {
    for (const card of PACO_TEST_CARDS) {
      expect(luhnValid(card.number)).toBe(true);
      expect(cardResult(card.number)).toBe(card.result);
    }
    expect(cardResult('4242424242424242')).toBe('approve');
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('41111')).toBe(false);
  });

  it('checks card expiry (MMYY) against the clock, and CVV', () => {
    expect(expiryValid('0626', NOW)).toBe(true);
    expect(expiryValid('0526', NOW)).toBe(false);
    expect(expiryValid('1325', NOW)).toBe(false);
    expect(checkCard({ cardNumber: '4111 1111 1111 1111', cardExpiryMMYY: '1239', cvvCode: '761' }, NOW)).toEqual({ ok: true, number: '4111111111111111', expiry: '1239' });
    expect(checkCard({ cardNumber: '4111111111111111', cardExpiryMMYY: '1239', cvvCode: '76' }, NOW)).toMatchObject({ ok: false });
    expect(checkCard(undefined, NOW)).toMatchObject({ ok: false });
  });

  it('state machine: void/settle only from A, refund only after settlement, completion only while open', () => {
    const states: PacoState[] = ['pageGenerated', 'challenge', 'pending', 'authorized', 'settled', 'voided', 'refunded', 'failed', 'cancelled'];
    const table = Object.fromEntries(states.map((s) => [s, (['settle', 'void', 'refund', 'complete'] as const).filter((a) => allows(s, a))]));
    expect(table).toEqual({
      pageGenerated: ['complete'], challenge: ['complete'], pending: [], authorized: ['settle', 'void'], settled: ['refund'],
      voided: [], refunded: ['refund'], failed: [], cancelled: [],
    });
    expect(states.filter(isPaymentFinal)).toEqual(['authorized', 'settled', 'voided', 'refunded', 'failed', 'cancelled']);
  });

  it('maps PacoJoseService rejection reasons to PACO errors', () => {
    expect(classify('expired (exp)')).toBe('JWT_EXPIRED');
    expect(classify('replayed message id')).toBe('DUPLICATE_MESSAGE');
    expect(classify('unexpected aud')).toBe('INVALID_CLAIMS');
    expect(classify('CompanyApiKey does not match the issuer')).toBe('INVALID_CLAIMS');
    expect(classify('JWS: ERR_JWS_SIGNATURE_VERIFICATION_FAILED: signature verification failed')).toBe('INVALID_JWS');
    expect(classify('JWE kid does not match')).toBe('INVALID_JWE');
    expect(classify('JWE: decryption failed')).toBe('INVALID_JWE');
  });
});
