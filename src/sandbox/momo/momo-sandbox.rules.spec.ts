import {
  checkCallbackUrl,
  checkCurrency,
  isUuidV4,
  parseAccountHolder,
  parseBasicAuth,
  parseBearer,
  parsePaymentRequest,
  parseProviderCallbackHost,
  referenceIdFrom,
} from './momo-sandbox.rules.js';

const V4 = '3f0c2b8e-5d1a-4c6e-9b2f-7a8d9e0f1a2b';

describe('reference ids', () => {
  it('accepts UUID v4 only, in either case, and lower-cases it', () => {
    expect(isUuidV4(V4)).toBe(true);
    expect(isUuidV4(V4.toUpperCase())).toBe(true);
    expect(isUuidV4('6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(false); // v1
    expect(isUuidV4('3f0c2b8e-5d1a-4c6e-cb2f-7a8d9e0f1a2b')).toBe(false); // wrong variant
    expect(referenceIdFrom(V4.toUpperCase())).toEqual({ ok: true, value: V4 });
    expect(referenceIdFrom(undefined)).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: 'X-Reference-Id header is missing.' } });
    expect(referenceIdFrom(`${V4},${V4}`)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });
});

describe('credentials', () => {
  it('reads Basic apiUser:apiKey, splitting at the first colon', () => {
    const header = `Basic ${Buffer.from(`${V4}:abc:def`).toString('base64')}`;
    expect(parseBasicAuth(header)).toEqual({ apiUser: V4, apiKey: 'abc:def' });
    expect(parseBasicAuth(`Basic ${Buffer.from(':key').toString('base64')}`)).toBeUndefined();
    expect(parseBasicAuth('Bearer abc')).toBeUndefined();
    expect(parseBasicAuth(undefined)).toBeUndefined();
  });

  it('requires the word Bearer, case-sensitively as MoMo documents it', () => {
    expect(parseBearer('Bearer a.b.c')).toBe('a.b.c');
    expect(parseBearer('a.b.c')).toBeUndefined();
    expect(parseBearer('Basic abc')).toBeUndefined();
  });
});

describe('providerCallbackHost and X-Callback-Url', () => {
  it('takes a host (with an optional port), never a URL', () => {
    expect(parseProviderCallbackHost({ providerCallbackHost: 'Example.COM' })).toEqual({ ok: true, value: 'example.com' });
    expect(parseProviderCallbackHost({ providerCallbackHost: 'localhost:3000' })).toEqual({ ok: true, value: 'localhost:3000' });
    for (const bad of ['http://example.com', 'example.com/cb', '', 'ex ample.com', '-bad.com']) {
      expect(parseProviderCallbackHost({ providerCallbackHost: bad })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    expect(parseProviderCallbackHost(undefined)).toMatchObject({ ok: false });
  });

  it('allows no header, refuses empty or relative URLs (400) and another host (500 INVALID_CALLBACK_URL_HOST)', () => {
    expect(checkCallbackUrl(undefined, 'example.com')).toEqual({ ok: true, value: undefined });
    expect(checkCallbackUrl('http://EXAMPLE.com:8080/cb/1?x=1', 'example.com')).toEqual({ ok: true, value: 'http://example.com:8080/cb/1?x=1' });
    expect(checkCallbackUrl('', 'example.com')).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(checkCallbackUrl('/cb', 'example.com')).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(checkCallbackUrl('ftp://example.com/cb', 'example.com')).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(checkCallbackUrl('http://sub.example.com/cb', 'example.com')).toEqual({
      ok: false,
      error: { code: 'INVALID_CALLBACK_URL_HOST', message: 'Callback URL does not match the configured value.' },
    });
  });

  it('compares the port when providerCallbackHost has one (default ports included)', () => {
    expect(checkCallbackUrl('http://example.com:3000/cb', 'example.com:3000').ok).toBe(true);
    expect(checkCallbackUrl('http://example.com/cb', 'example.com:80').ok).toBe(true);
    expect(checkCallbackUrl('https://example.com/cb', 'example.com:443').ok).toBe(true);
    expect(checkCallbackUrl('http://example.com:3001/cb', 'example.com:3000')).toMatchObject({ ok: false, error: { code: 'INVALID_CALLBACK_URL_HOST' } });
  });
});

describe('parsePaymentRequest', () => {
  const rtp = { amount: '100', currency: 'EUR', externalId: 'o-1', payer: { partyIdType: 'MSISDN', partyId: '46733123450' }, payerMessage: 'm', payeeNote: 'n' };

  it('reads a RequestToPay into cents and its party', () => {
    expect(parsePaymentRequest('requesttopay', rtp)).toEqual({
      ok: true,
      value: { amountCents: 10_000, currency: 'EUR', externalId: 'o-1', party: { partyIdType: 'MSISDN', partyId: '46733123450' }, payerMessage: 'm', payeeNote: 'n' },
    });
  });

  it('reads the payee of a Transfer, not the payer', () => {
    const { payer, ...rest } = rtp;
    expect(parsePaymentRequest('transfer', { ...rest, payee: payer })).toMatchObject({ ok: true, value: { party: payer } });
    expect(parsePaymentRequest('transfer', rtp)).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: 'payee is required.' } });
  });

  it('counts message length in characters: 160 is fine, 161 is not', () => {
    expect(parsePaymentRequest('requesttopay', { ...rtp, payerMessage: 'é'.repeat(160) }).ok).toBe(true);
    expect(parsePaymentRequest('requesttopay', { ...rtp, payerMessage: 'é'.repeat(161) })).toMatchObject({ ok: false, error: { message: 'payerMessage must be at most 160 characters.' } });
  });

  it.each([
    [{ ...rtp, amount: 100 }, 'amount must be a positive decimal string, such as "100" or "12.50".'],
    [{ ...rtp, currency: '' }, 'currency is required.'],
    [{ ...rtp, externalId: 'a b' }, 'externalId must not contain spaces.'],
    [{ ...rtp, externalId: '' }, 'externalId must be a non-empty string.'],
    [{ ...rtp, payer: { partyIdType: 'MSISDN' } }, 'payer.partyId is required.'],
    [{ ...rtp, payer: { partyIdType: 'MSISDN', partyId: '0772123456' } }, 'payer.partyId must be an MSISDN: digits in international format, without "+".'],
    [{ ...rtp, payer: { partyIdType: 'MSISDN', partyId: '1234567' } }, 'payer.partyId must be an MSISDN: digits in international format, without "+".'],
    [{ ...rtp, payeeNote: 'it&s' }, "payeeNote contains unsupported characters (& or ')."],
    [{}, 'The request body must be a non-empty JSON object.'],
    [[rtp], 'The request body must be a non-empty JSON object.'],
  ])('refuses %j', (body, message) => {
    expect(parsePaymentRequest('requesttopay', body)).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message } });
  });

  it('leaves the currency check to checkCurrency: EUR only, else 500 INVALID_CURRENCY', () => {
    expect(parsePaymentRequest('requesttopay', { ...rtp, currency: 'USD' }).ok).toBe(true);
    expect(checkCurrency('EUR').ok).toBe(true);
    expect(checkCurrency('USD')).toEqual({ ok: false, error: { code: 'INVALID_CURRENCY', message: 'Currency not supported.' } });
  });
});

describe('parseAccountHolder', () => {
  it('accepts the type in either case and checks the id by type', () => {
    expect(parseAccountHolder('MSISDN', '46733123450')).toEqual({ ok: true, value: { type: 'msisdn', id: '46733123450' } });
    expect(parseAccountHolder('email', 'NotActive@Email.com')).toEqual({ ok: true, value: { type: 'email', id: 'notactive@email.com' } });
    expect(parseAccountHolder('PARTY_CODE', V4.toUpperCase())).toEqual({ ok: true, value: { type: 'party_code', id: V4 } });
    expect(parseAccountHolder('alias', 'x').ok).toBe(false);
    expect(parseAccountHolder('msisdn', '+46733123450').ok).toBe(false);
    expect(parseAccountHolder('email', 'a@b.com', { msisdnOnly: true }).ok).toBe(false);
  });
});
