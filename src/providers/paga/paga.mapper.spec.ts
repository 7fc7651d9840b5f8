import { AppError } from '../../common/errors/app-error.js';
import { fromPagaAmount, mapMerchantPayment, mapMoneyTransfer, mapUserDetails, tokenSetFromPaga, toPagaAmount } from './paga.mapper.js';

describe('Paga mapper', () => {
  it('writes kobo as decimal naira and reads it back without floating point', () => {
    expect(toPagaAmount(50050)).toBe('500.50');
    expect(toPagaAmount(1)).toBe('0.01');
    expect(toPagaAmount(9_007_199_254_740_991)).toBe('90071992547409.91');
    for (const [text, kobo] of [['500', 50000], ['500.5', 50050], ['500.50', 50050], ['500.500', 50050], ['0.07', 7]] as const) {
      expect(fromPagaAmount(text)).toBe(kobo);
    }
  });

  it('refuses amounts it cannot represent exactly', () => {
    expect(() => toPagaAmount(0)).toThrow(AppError);
    expect(() => toPagaAmount(1.5)).toThrow(AppError);
    for (const bad of ['500.505', 'abc', '', '1e3', null]) {
      expect(() => fromPagaAmount(bad)).toThrow(expect.objectContaining({ code: 'PROVIDER_ERROR' }));
    }
  });

  it('reads token responses, with expires_in as a string and + or space separators', () => {
    expect(tokenSetFromPaga({ access_token: 'a', refresh_token: 'r', token_type: 'Bearer', expires_in: '43199', scope: 'MERCHANT_PAYMENT USER_DETAILS_REQUEST', user_data: 'FIRST_NAME+EMAIL' })).toEqual({
      accessToken: 'a',
      refreshToken: 'r',
      tokenType: 'bearer',
      expiresIn: 43199,
      scope: ['MERCHANT_PAYMENT', 'USER_DETAILS_REQUEST'],
      userData: ['FIRST_NAME', 'EMAIL'],
    });
    expect(() => tokenSetFromPaga({ token_type: 'bearer' })).toThrow(expect.objectContaining({ code: 'PROVIDER_ERROR' }));
  });

  it('counts only an explicit errorCode 0 as success', () => {
    expect(mapMerchantPayment({ merchantPaymentResult: { errorCode: '0', amount: '500.0', fee: '0.0', confirmationCode: 'X4B7Q', currency: 'NGN' } })).toMatchObject({
      ok: true,
      amountMinor: 50000,
      feeMinor: 0,
      confirmationCode: 'X4B7Q',
    });
    expect(mapMerchantPayment({ merchantPaymentResult: { errorCode: '2', errorMessage: 'Insufficient funds' } })).toMatchObject({ ok: false, errorCode: '2', amountMinor: null });
    expect(mapMoneyTransfer({})).toMatchObject({ ok: false, errorCode: 'unknown' });
  });

  it('returns only the user data the user granted, whatever the key casing', () => {
    const body = { detailsResult: { errorCode: '0', details: { firstName: 'Ada', LAST_NAME: 'Obi', EMAIL: 'ada@example.ng' } } };
    expect(mapUserDetails(body, ['FIRST_NAME', 'EMAIL']).details).toEqual({ FIRST_NAME: 'Ada', EMAIL: 'ada@example.ng' });
  });
});
