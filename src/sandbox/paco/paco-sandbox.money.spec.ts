import { amountView, decimalToMinor, formatAmountText, formatDecimal, parseAmountText, readAmount } from './paco-sandbox.money.js';
import { get } from './paco-sandbox.rules.js';

describe('PACO amounts', () => {
  it('formats and parses amountText: 12 digits of minor units', () => {
    expect(formatAmountText(1050)).toBe('000000001050');
    expect(formatAmountText(0)).toBe('000000000000');
    expect(formatAmountText(999_999_999_999)).toBe('999999999999');
    expect(() => formatAmountText(1_000_000_000_000)).toThrow(RangeError);
    expect(() => formatAmountText(10.5)).toThrow(RangeError);
    expect(parseAmountText('000000001050')).toBe(1050);
    for (const bad of ['1050', '0000000010.50', '0000000010500', ' 00000001050', 1050, null]) expect(parseAmountText(bad)).toBeUndefined();
  });

  it('turns minor units into decimal text without floats', () => {
    expect(formatDecimal(1050, 2)).toBe('10.50');
    expect(formatDecimal(5, 2)).toBe('0.05');
    expect(formatDecimal(1050, 0)).toBe('1050');
    expect(decimalToMinor(10.5, 2)).toBe(1050);
    expect(decimalToMinor(0.1 + 0.2, 2)).toBeUndefined(); // 0.30000000000000004 is not a 2-place amount
    expect(decimalToMinor('1000.00', 2)).toBe(100000);
    expect(decimalToMinor(10.555, 2)).toBeUndefined();
    expect(decimalToMinor(-1, 2)).toBeUndefined();
    expect(decimalToMinor(1050, 0)).toBe(1050);
  });

  it('reads a request amount in any casing and checks amount against amountText', () => {
    expect(readAmount('a', { AmountText: '000000001050', CurrencyCode: 'thb', DecimalPlaces: 2, Amount: 10.5 }, get)).toEqual({ ok: true, value: { minor: 1050, currency: 'THB', decimalPlaces: 2 } });
    expect(readAmount('a', { amountText: '000000001050', currencyCode: 'THB', amount: 10.51 }, get)).toMatchObject({ ok: false });
    expect(readAmount('a', { amountText: '000000001050', currencyCode: 'JPY', decimalPlaces: 2 }, get)).toMatchObject({ ok: false, error: expect.stringContaining('decimalPlaces must be 0') });
    expect(readAmount('a', { amountText: '000000001050', currencyCode: 'XXX' }, get)).toMatchObject({ ok: false });
    expect(readAmount('a', undefined, get)).toMatchObject({ ok: false });
  });

  it('renders the response amount object in the observed casing', () => {
    expect(amountView(1050, 'NPR', 2)).toEqual({ AmountText: '000000001050', CurrencyCode: 'NPR', DecimalPlaces: 2, Amount: 10.5 });
  });
});
