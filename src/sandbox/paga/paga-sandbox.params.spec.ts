import type { Request } from 'express';
import { acceptsJson, normalizePhone, parseBasicAuth, parseBearer, parseList, parseSecurePath, readParam } from './paga-sandbox.params.js';

describe('parseList', () => {
  it('splits on spaces (what + and %20 decode to), plus signs and commas, dropping empties and repeats', () => {
    expect(parseList('MERCHANT_PAYMENT USER_DETAILS_REQUEST')).toEqual(['MERCHANT_PAYMENT', 'USER_DETAILS_REQUEST']);
    expect(parseList('MERCHANT_PAYMENT+USER_DETAILS_REQUEST')).toEqual(['MERCHANT_PAYMENT', 'USER_DETAILS_REQUEST']);
    expect(parseList('MERCHANT_PAYMENT,USER_DETAILS_REQUEST, MONEY_TRANSFER')).toEqual(['MERCHANT_PAYMENT', 'USER_DETAILS_REQUEST', 'MONEY_TRANSFER']);
    expect(parseList('  A  ,,A B ')).toEqual(['A', 'B']);
  });

  it('is empty for anything but a string (a repeated query parameter is an array)', () => {
    expect(parseList(undefined)).toEqual([]);
    expect(parseList(['A', 'B'])).toEqual([]);
    expect(parseList('')).toEqual([]);
  });
});

describe('readParam', () => {
  const req = (query: Record<string, unknown>, body?: unknown, type = 'application/x-www-form-urlencoded') =>
    ({ query, body, headers: { 'content-type': type } }) as unknown as Request;

  it('reads the query string first, then a form body', () => {
    expect(readParam(req({ code: 'q' }, { code: 'b' }), 'code')).toBe('q');
    expect(readParam(req({}, { code: 'b' }), 'code')).toBe('b');
  });

  it('ignores JSON bodies and repeated parameters', () => {
    expect(readParam(req({}, { code: 'b' }, 'application/json'), 'code')).toBeUndefined();
    expect(readParam(req({ code: ['a', 'b'] }), 'code')).toBeUndefined();
    expect(readParam(req({}, undefined), 'code')).toBeUndefined();
  });
});

describe('parseBasicAuth / parseBearer', () => {
  const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;

  it('reads client id and secret; the secret may contain colons', () => {
    expect(parseBasicAuth(basic('id:se:cret'))).toEqual({ clientId: 'id', clientSecret: 'se:cret' });
    expect(parseBasicAuth(basic('id:'))).toEqual({ clientId: 'id', clientSecret: '' });
  });

  it('rejects what is not Basic id:secret', () => {
    expect(parseBasicAuth(undefined)).toBeUndefined();
    expect(parseBasicAuth(basic('no-colon'))).toBeUndefined();
    expect(parseBasicAuth(basic(':secret'))).toBeUndefined();
    expect(parseBasicAuth('Bearer abc')).toBeUndefined();
    expect(parseBasicAuth('Basic !!!')).toBeUndefined();
  });

  it('reads Bearer tokens only', () => {
    expect(parseBearer('Bearer 25ec15a1-4d9b-4ef1-8ace-e34e0fc50f15')).toBe('25ec15a1-4d9b-4ef1-8ace-e34e0fc50f15');
    expect(parseBearer('bearer abc')).toBe('abc');
    expect(parseBearer('Basic abc')).toBeUndefined();
    expect(parseBearer('Bearer ')).toBeUndefined();
    expect(parseBearer('Bearer a b')).toBeUndefined();
    expect(parseBearer(undefined)).toBeUndefined();
  });
});

describe('acceptsJson', () => {
  it.each([undefined, '', '*/*', 'application/json', 'application/json;charset=UTF-8', 'application/xml, application/json;q=0.5', 'application/*', 'text/html, */*;q=0.1'])(
    'serves JSON for %j',
    (accept) => expect(acceptsJson(accept)).toBe(true),
  );

  it.each(['application/xml', 'text/xml', 'text/html'])('refuses %j', (accept) => expect(acceptsJson(accept)).toBe(false));
});

describe('normalizePhone', () => {
  it('reads local and international forms of Nigerian mobile numbers', () => {
    expect(normalizePhone('07030280000')).toBe('07030280000');
    expect(normalizePhone('+2347030280000')).toBe('07030280000');
    expect(normalizePhone('2347030280000')).toBe('07030280000');
    expect(normalizePhone('0703 028 0000')).toBe('07030280000');
  });

  it('rejects other strings', () => {
    for (const raw of ['0703028000', '17030280000', 'adaobi', '', '+44 7030280000']) expect(normalizePhone(raw)).toBeUndefined();
  });
});

describe('parseSecurePath', () => {
  const p4 = { referenceNumber: 'R1', amount: '500.00', merchantCustomerReference: 'cust 1' };

  it('reads the three P4 shapes, with or without /v3', () => {
    for (const prefix of ['merchantPayment/v3', 'merchantPayment']) {
      expect(parseSecurePath(`${prefix}/referenceNumber/R1/amount/500.00/merchantCustomerReference/cust%201`)).toEqual({ operation: 'merchantPayment', params: p4 });
      expect(parseSecurePath(`${prefix}/referenceNumber/R1/amount/500.00/merchantCustomerReference/cust%201/merchantProductCode/P9`)).toEqual({
        operation: 'merchantPayment',
        params: { ...p4, merchantProductCode: 'P9' },
      });
      expect(parseSecurePath(`${prefix}/referenceNumber/R1/amount/500.00/merchantCustomerReference/cust%201/merchantProductCode/P9/currency/NGN`)).toEqual({
        operation: 'merchantPayment',
        params: { ...p4, merchantProductCode: 'P9', currency: 'NGN' },
      });
    }
  });

  it('treats repeated slashes as one', () => {
    expect(parseSecurePath('merchantPayment//referenceNumber/R1//amount/500.00/merchantCustomerReference/cust%201/')).toEqual({ operation: 'merchantPayment', params: p4 });
  });

  it('reads the form variant, money transfer v2, user details (with the PHP suffix) and the balance', () => {
    expect(parseSecurePath('merchantPayment')).toEqual({ operation: 'merchantPayment', params: undefined });
    expect(parseSecurePath('merchantPayment/v3')).toEqual({ operation: 'merchantPayment', params: undefined });
    expect(parseSecurePath('moneyTransfer/v2')).toEqual({ operation: 'moneyTransfer' });
    expect(parseSecurePath('getUserDetails')).toEqual({ operation: 'userDetails' });
    expect(parseSecurePath('getUserDetails/referenceNumber/R1')).toEqual({ operation: 'userDetails' });
    expect(parseSecurePath('accountBalance')).toEqual({ operation: 'accountBalance' });
  });

  it.each([
    'merchantPayment/referenceNumber/R1/amount/5',
    'merchantPayment/amount/5/referenceNumber/R1/merchantCustomerReference/c',
    'merchantPayment/referenceNumber/R1/amount/5/merchantCustomerReference/c/currency/NGN',
    'merchantPayment/referenceNumber/R1/amount/5/merchantCustomerReference/c/merchantProductCode/p/currency/NGN/x/y',
    'merchantPayment/v2/referenceNumber/R1/amount/5/merchantCustomerReference/c',
    'moneyTransfer',
    'moneyTransfer/amount/5/destinationPhoneNumber/070/referenceNumber/R',
    'getUserDetails/x',
    'accountBalance/x',
    'getOneTimeToken/referenceNumber/R',
    'merchantPayment/referenceNumber/%E0%A4%A/amount/5/merchantCustomerReference/c',
    '',
  ])('does not know %j', (rest) => {
    expect(parseSecurePath(rest)).toBeUndefined();
  });
});
