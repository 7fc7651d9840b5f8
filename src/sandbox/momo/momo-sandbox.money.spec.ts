import { formatCents, parseAmountToCents } from './momo-sandbox.money.js';

describe('parseAmountToCents', () => {
  it.each([
    ['100', 10_000],
    ['5.0', 500],
    ['12.50', 1250],
    ['12.5', 1250],
    ['0.01', 1],
    ['007', 700],
    ['1.500', 150],
    ['1000000000000.00', 100_000_000_000_000],
  ])('reads %s as %i cents', (raw, cents) => {
    expect(parseAmountToCents(raw)).toBe(cents);
  });

  it.each([
    ['a JSON number', 100],
    ['a float', 12.5],
    ['zero', '0'],
    ['zero with decimals', '0.00'],
    ['a negative amount', '-5'],
    ['a plus sign', '+5'],
    ['an exponent', '1e3'],
    ['a leading dot', '.5'],
    ['a trailing dot', '5.'],
    ['a third non-zero decimal', '1.005'],
    ['spaces', ' 5'],
    ['a comma', '5,00'],
    ['an empty string', ''],
    ['more than the maximum', '1000000000000.01'],
    ['null', null],
  ])('refuses %s', (_name, raw) => {
    expect(parseAmountToCents(raw)).toBeUndefined();
  });

  it('accepts zero only when asked (balances)', () => {
    expect(parseAmountToCents('0', { allowZero: true })).toBe(0);
    expect(parseAmountToCents('0.00', { allowZero: true })).toBe(0);
    expect(parseAmountToCents('-1', { allowZero: true })).toBeUndefined();
  });
});

describe('formatCents', () => {
  it.each([
    [500, '5'],
    [1250, '12.5'],
    [1205, '12.05'],
    [1, '0.01'],
    [0, '0'],
    [100_000_000_000_000, '1000000000000'],
  ])('writes %i cents as %s', (cents, text) => {
    expect(formatCents(cents)).toBe(text);
  });

  it('refuses negative and fractional cents', () => {
    expect(() => formatCents(-1)).toThrow(RangeError);
    expect(() => formatCents(1.5)).toThrow(RangeError);
  });

  it('round-trips what it parses', () => {
    for (const raw of ['0.1', '0.99', '19.9', '123456789.01']) expect(formatCents(parseAmountToCents(raw)!)).toBe(raw);
  });
});
