import { formatKobo, money, parseAmountToKobo, toJsonWithDecimals } from './paga-sandbox.money.js';

describe('parseAmountToKobo', () => {
  it.each([
    ['500', 50_000],
    ['500.0', 50_000],
    ['500.00', 50_000],
    ['0.1', 10],
    ['0.01', 1],
    ['1234.56', 123_456],
    ['0500.5', 50_050],
    ['9999999999.99', 999_999_999_999],
  ])('reads %s as %d kobo', (raw, kobo) => {
    expect(parseAmountToKobo(raw)).toBe(kobo);
  });

  it('reads amounts whose float value is inexact without rounding errors', () => {
    // 0.29 * 100 === 28.999999999999996 in binary floating point.
    expect(parseAmountToKobo('0.29')).toBe(29);
    expect(parseAmountToKobo('1.15')).toBe(115);
    expect(parseAmountToKobo('4.35')).toBe(435);
  });

  it.each(['', '0', '0.00', '-5', '+5', '5.001', '1e3', ' 5', '5 ', '.5', '5.', 'abc', '5,00', '0x10', 'Infinity', 'NaN', '100000000000000'])(
    'rejects %j',
    (raw) => {
      expect(parseAmountToKobo(raw)).toBeUndefined();
    },
  );

  it('rejects anything that is not a string', () => {
    expect(parseAmountToKobo(500)).toBeUndefined();
    expect(parseAmountToKobo(undefined)).toBeUndefined();
    expect(parseAmountToKobo(['500'])).toBeUndefined();
  });
});

describe('formatKobo', () => {
  it.each([
    [0, '0.00'],
    [1, '0.01'],
    [50, '0.50'],
    [100, '1.00'],
    [50_000, '500.00'],
    [123_456, '1234.56'],
    [-12_345, '-123.45'],
    [-5, '-0.05'],
    [Number.MAX_SAFE_INTEGER, '90071992547409.91'],
  ])('writes %d kobo as %s', (kobo, text) => {
    expect(formatKobo(kobo)).toBe(text);
  });

  it('refuses non-integers', () => {
    expect(() => formatKobo(1.5)).toThrow(RangeError);
    expect(() => formatKobo(Number.NaN)).toThrow(RangeError);
  });
});

describe('toJsonWithDecimals', () => {
  it('writes money as number literals with two decimals', () => {
    const json = toJsonWithDecimals({ errorCode: 0, errorMessage: null, amount: money(50_000), fee: money(0), currency: 'NGN', exchangeRate: null });
    expect(json).toBe('{"errorCode":0,"errorMessage":null,"amount":500.00,"fee":0.00,"currency":"NGN","exchangeRate":null}');
    // Still valid JSON, with the same numeric value.
    expect(JSON.parse(json).amount).toBe(500);
  });

  it('nests, and writes the other JSON values as JSON.stringify does', () => {
    const value = { a: { b: [money(1), money(-250), 'x"y', true, 3, null] }, c: 'ü\n', d: undefined };
    expect(toJsonWithDecimals(value)).toBe('{"a":{"b":[0.01,-2.50,"x\\"y",true,3,null]},"c":"ü\\n"}');
    expect(JSON.parse(toJsonWithDecimals(value))).toEqual({ a: { b: [0.01, -2.5, 'x"y', true, 3, null] }, c: 'ü\n' });
  });

  it('keeps every kobo of large amounts', () => {
    expect(toJsonWithDecimals({ amount: money(999_999_999_999_99) })).toBe('{"amount":999999999999.99}');
  });

  it('refuses values JSON cannot carry faithfully', () => {
    expect(() => toJsonWithDecimals({ x: Number.NaN })).toThrow(TypeError);
    expect(() => toJsonWithDecimals({ x: new Date() })).toThrow(TypeError);
    expect(() => money(0.5)).toThrow(RangeError);
  });
});
