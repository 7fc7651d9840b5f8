import { formatCents, parseCents, parseDecimalToCents, readAmount } from './paysera-sandbox.money.js';

describe('paysera sandbox money', () => {
  it('parses decimal strings to cents without floats', () => {
    expect(parseDecimalToCents('1.00')).toBe(100);
    expect(parseDecimalToCents('12.5')).toBe(1250);
    expect(parseDecimalToCents('0.01')).toBe(1);
    expect(parseDecimalToCents('1234567.89')).toBe(123456789);
    for (const bad of ['1.001', '-1.00', '1e2', ' 1.00', '1.', '.5', '', 1, null]) expect(parseDecimalToCents(bad)).toBeUndefined();
  });

  it('takes cents only as JSON integers', () => {
    expect(parseCents(100)).toBe(100);
    expect(parseCents(1.5)).toBeUndefined();
    expect(parseCents('100')).toBeUndefined();
  });

  it('formats cents', () => {
    expect(formatCents(0)).toBe('0.00');
    expect(formatCents(5)).toBe('0.05');
    expect(formatCents(250000)).toBe('2500.00');
    expect(formatCents(-120)).toBe('-1.20');
  });

  it('needs exactly one of price and price_decimal, positive', () => {
    expect(readAmount({ price: 150 })).toEqual({ ok: true, cents: 150 });
    expect(readAmount({ price_decimal: '1.50' })).toEqual({ ok: true, cents: 150 });
    expect(readAmount({ price: 150, price_decimal: '1.50' }).ok).toBe(false);
    expect(readAmount({}).ok).toBe(false);
    expect(readAmount({ price: 0 }).ok).toBe(false);
    expect(readAmount({ price: 1.5 }).ok).toBe(false);
    expect(readAmount({ max_price: 500 }, 'max_price')).toEqual({ ok: true, cents: 500 });
  });
});
