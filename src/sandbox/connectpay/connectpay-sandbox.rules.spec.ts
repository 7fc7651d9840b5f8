import {
  canMovePayment,
  checkRedirectUrl,
  checkScopes,
  formatCents,
  isFinalPaymentStatus,
  isUuidV4,
  isValidIban,
  maskCustomerName,
  parseAmountToCents,
  parseBasicAuth,
  parseIntParam,
  parseIsoDate,
  readFlowId,
} from './connectpay-sandbox.rules.js';

const REDIRECT = 'http://gatehouse.test/oauth/connectpay/callback';

describe('connectpay sandbox rules', () => {
  it('checks scopes: PSD2 only, no mixing, stable order', () => {
    expect(checkScopes('psd2-pis psd2-ais psd2-pis')).toEqual({ ok: true, scopes: ['psd2-ais', 'psd2-pis'] });
    expect(checkScopes('psd2-ais')).toEqual({ ok: true, scopes: ['psd2-ais'] });
    expect(checkScopes('psd2-ais ob-as')).toMatchObject({ ok: false, description: expect.stringMatching(/mixed/) });
    expect(checkScopes('ob-ps:authz-nosca')).toMatchObject({ ok: false, description: expect.stringMatching(/PSD2 scopes only/) });
    expect(checkScopes('psd2-ais email')).toMatchObject({ ok: false, description: 'Unknown scope: email' });
    expect(checkScopes(undefined).ok).toBe(false);
    expect(checkScopes('   ').ok).toBe(false);
  });

  it('checks the redirect_url exactly, without a query string', () => {
    expect(checkRedirectUrl(REDIRECT, [REDIRECT])).toBe('ok');
    expect(checkRedirectUrl(undefined, [REDIRECT])).toBe('missing');
    expect(checkRedirectUrl('callback', [REDIRECT])).toBe('malformed');
    expect(checkRedirectUrl('javascript:alert(1)', [REDIRECT])).toBe('malformed');
    expect(checkRedirectUrl(`${REDIRECT}?`, [REDIRECT])).toBe('has-query');
    expect(checkRedirectUrl(`${REDIRECT}#x`, [REDIRECT])).toBe('has-query');
    expect(checkRedirectUrl(`${REDIRECT}/`, [REDIRECT])).toBe('not-registered');
  });

  it('reads flowid in any casing, once', () => {
    expect(readFlowId({ flowid: 'GetPSD2AuthCode' })).toBe('GetPSD2AuthCode');
    expect(readFlowId({ flowId: 'X' })).toBe('X');
    expect(readFlowId({ flowid: 'a', FLOWID: 'b' })).toBeUndefined();
    expect(readFlowId({ flowid: ['a', 'b'] })).toBeUndefined();
  });

  it('accepts only UUIDv4 nonces', () => {
    expect(isUuidV4('0b5e8a2c-6f3d-4c1a-9e7b-2d4f6a8c0e1b')).toBe(true);
    expect(isUuidV4('6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(false);
    expect(isUuidV4('0b5e8a2c-6f3d-4c1a-ce7b-2d4f6a8c0e1b')).toBe(false);
    expect(isUuidV4(undefined)).toBe(false);
  });

  it('parses Basic credentials', () => {
    expect(parseBasicAuth(`Basic ${Buffer.from('id:se:cret').toString('base64')}`)).toEqual({ clientId: 'id', clientSecret: 'se:cret' });
    expect(parseBasicAuth('Bearer x')).toBeUndefined();
    expect(parseBasicAuth(`Basic ${Buffer.from('nocolon').toString('base64')}`)).toBeUndefined();
  });

  it('masks the customer name like "Mo********co"', () => {
    expect(maskCustomerName('Monaco Trading co')).toBe('Mo*************co');
    expect(maskCustomerName('Rūta')).toBe('R***');
    expect(maskCustomerName('')).toBe('');
  });

  it('keeps money in integer cents and sends decimal strings', () => {
    expect(parseAmountToCents('100.25')).toBe(10_025);
    expect(parseAmountToCents('0.1')).toBe(10);
    expect(parseAmountToCents('7')).toBe(700);
    expect(parseAmountToCents(100.25)).toBeUndefined();
    for (const bad of ['0', '0.00', '-1.00', '1.234', '1e3', ' 1.00', '']) expect(parseAmountToCents(bad)).toBeUndefined();
    expect(formatCents(245_075)).toBe('2450.75');
    expect(formatCents(-1_250)).toBe('-12.50');
    expect(formatCents(5)).toBe('0.05');
    expect(() => formatCents(1.5)).toThrow(RangeError);
  });

  it('validates IBANs by mod-97', () => {
    expect(isValidIban('LT443990000000010001')).toBe(true);
    expect(isValidIban('lt44 3990 0000 0001 0001')).toBe(true);
    expect(isValidIban('LT453990000000010001')).toBe(false);
    expect(isValidIban('GB82WEST12345698765432')).toBe(true);
    expect(isValidIban(42)).toBe(false);
  });

  it('parses dates and integer parameters strictly', () => {
    expect(parseIsoDate('2026-02-28')).toBe(Date.UTC(2026, 1, 28));
    expect(parseIsoDate('2026-02-30')).toBeUndefined();
    expect(parseIsoDate('2026-2-3')).toBeUndefined();
    expect(parseIntParam(undefined, 100, 1, 3000)).toBe(100);
    expect(parseIntParam('3000', 100, 1, 3000)).toBe(3000);
    expect(parseIntParam('3001', 100, 1, 3000)).toBeUndefined();
    expect(parseIntParam('1.5', 100, 1, 3000)).toBeUndefined();
  });

  it('knows the payment status moves', () => {
    expect(canMovePayment('RCVD', 'ACTC')).toBe(true);
    expect(canMovePayment('RCVD', 'ACSC')).toBe(false);
    expect(canMovePayment('ACTC', 'ACSC')).toBe(true);
    expect(canMovePayment('ACSC', 'CANC')).toBe(false);
    expect(['ACSC', 'RJCT', 'CANC'].every((s) => isFinalPaymentStatus(s as 'ACSC'))).toBe(true);
    expect(isFinalPaymentStatus('ACTC')).toBe(false);
  });
});
