import { DataSource } from 'typeorm';
import { TokenCipher } from '../src/crypto/token-cipher.service.js';
import { call, createMerchant, expectProblem, startTestApp, type TestApp } from './helpers/test-app.js';

const RETURN_URL = 'https://shop.example/return';
const ALL_SCOPES = ['MERCHANT_PAYMENT', 'MONEY_TRANSFER', 'USER_DETAILS_REQUEST'];
const USER_DATA = ['FIRST_NAME', 'EMAIL', 'ACCOUNT_BALANCE'];

interface Merchant {
  id: string;
  key: string;
}

describe('Paga Connect: consent, then acting on the user’s behalf (over HTTP, against the emulator)', () => {
  let t: TestApp;
  let m: Merchant;
  let other: Merchant;

  const control = (method: string, path: string, json?: unknown) => call(t.baseUrl, method, `/sandbox/paga/__control/${path}`, { json });
  const tokenCalls = async (grant: string) =>
    ((await control('GET', 'requests?operation=token')).body.data as { grantType?: string }[]).filter((r) => r.grantType === grant).length;

  async function merchant(name: string): Promise<Merchant> {
    const { merchantId, key } = await createMerchant(t.baseUrl, name, { allowedReturnUrls: [RETURN_URL] });
    return { id: merchantId, key };
  }

  async function createConsent(owner: Merchant, scopes = ALL_SCOPES, userData = USER_DATA, psuReference = 'customer-1') {
    const reply = await call(t.baseUrl, 'POST', '/v1/consents', { token: owner.key, json: { provider: 'paga', psuReference, scopes, userData, returnUrl: RETURN_URL } });
    expect(reply.status).toBe(201);
    return reply.body as { id: string; status: string; authorizationUrl: string };
  }

  /** Follows our authorize redirect to the emulator; returns the emulator's redirect to our callback. */
  async function authorizeAtPaga(authorizationUrl: string, decision: 'approve' | 'deny', username = 'adaobi'): Promise<URL> {
    await control('POST', 'next-decision', { decision, username });
    const toPaga = await fetch(authorizationUrl, { redirect: 'manual' });
    expect(toPaga.status).toBe(302);
    const pagaUrl = new URL(toPaga.headers.get('location')!);
    expect(pagaUrl.pathname).toBe('/sandbox/paga/paga-webservices/oauth2/authorization');
    expect(pagaUrl.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const back = await fetch(pagaUrl, { redirect: 'manual' });
    expect(back.status).toBe(302);
    return new URL(back.headers.get('location')!);
  }

  async function callback(url: URL): Promise<Response> {
    return fetch(url, { redirect: 'manual' });
  }

  async function validConsent(owner: Merchant, scopes = ALL_SCOPES, userData = USER_DATA, username = 'adaobi'): Promise<string> {
    const consent = await createConsent(owner, scopes, userData);
    const res = await callback(await authorizeAtPaga(consent.authorizationUrl, 'approve', username));
    expect(res.status).toBe(303);
    return consent.id;
  }

  beforeAll(async () => {
    t = await startTestApp();
    m = await merchant('Paga merchant');
    other = await merchant('Other merchant');
  });
  afterAll(() => t.close());

  it('full flow: consent -> approve -> 303 to the merchant -> valid -> charge, transfer, details, balance -> withdraw', async () => {
    const consent = await createConsent(m);
    expect(consent.status).toBe('received');
    expect(consent.authorizationUrl).toBe(`${t.baseUrl}/oauth/paga/authorize/${consent.id}`);

    const toUs = await authorizeAtPaga(consent.authorizationUrl, 'approve');
    expect(`${toUs.origin}${toUs.pathname}`).toBe(`${t.baseUrl}/oauth/paga/callback`);
    expect(toUs.searchParams.get('code')).toMatch(/^[A-Za-z0-9]{6}$/);
    const back = await callback(toUs);
    expect(back.status).toBe(303);
    expect(back.headers.get('cache-control')).toBe('no-store');
    expect(back.headers.get('referrer-policy')).toBe('no-referrer');
    const location = new URL(back.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(RETURN_URL);
    expect(Object.fromEntries(location.searchParams)).toEqual({ consent_id: consent.id, status: 'valid' });

    const read = await call(t.baseUrl, 'GET', `/v1/consents/${consent.id}`, { token: m.key });
    expect(read.body).toMatchObject({ status: 'valid', scopes: { granted: ALL_SCOPES }, userData: { granted: USER_DATA } });
    expect(read.body.history.map((h: { to: string }) => h.to)).toEqual(['received', 'valid']);
    expect(read.body.authorizationUrl).toBeUndefined();

    const before = (await control('GET', 'users')).body.data.find((u: { username: string }) => u.username === 'adaobi').balance;
    const charge = await call(t.baseUrl, 'POST', `/v1/paga/consents/${consent.id}/payments`, {
      token: m.key,
      json: { reference: 'order-1', amount: { value: 150050, currency: 'NGN' }, customerReference: 'customer-1' },
    });
    expect(charge.status).toBe(200);
    expect(charge.body).toMatchObject({ status: 'succeeded', kind: 'charge', amount: { value: 150050, currency: 'NGN' }, providerReference: expect.any(String) });
    const after = (await control('GET', 'users')).body.data.find((u: { username: string }) => u.username === 'adaobi').balance;
    expect(decimalToKobo(before) - decimalToKobo(after)).toBe(150050);

    // The same reference again is the same payment: Paga is not called a second time.
    const payments = (await control('GET', 'requests?operation=merchantPayment')).body.data.length;
    const replay = await call(t.baseUrl, 'POST', `/v1/paga/consents/${consent.id}/payments`, {
      token: m.key,
      json: { reference: 'order-1', amount: { value: 150050, currency: 'NGN' }, customerReference: 'customer-1' },
    });
    expect(replay.body.id).toBe(charge.body.id);
    expect((await control('GET', 'requests?operation=merchantPayment')).body.data.length).toBe(payments);
    const reused = await call(t.baseUrl, 'POST', `/v1/paga/consents/${consent.id}/payments`, {
      token: m.key,
      json: { reference: 'order-1', amount: { value: 99, currency: 'NGN' }, customerReference: 'customer-1' },
    });
    expectProblem(reused, 422, 'UNPROCESSABLE');

    const transfer = await call(t.baseUrl, 'POST', `/v1/paga/consents/${consent.id}/transfers`, {
      token: m.key,
      json: { reference: 'payout-1', amount: { value: 2000, currency: 'NGN' }, recipientPhone: '08031234567' },
    });
    expect(transfer.body).toMatchObject({ status: 'succeeded', kind: 'transfer', amount: { value: 2000, currency: 'NGN' } });

    const user = await call(t.baseUrl, 'GET', `/v1/paga/consents/${consent.id}/user`, { token: m.key });
    expect(user.status).toBe(200);
    expect(Object.keys(user.body.details).sort()).toEqual(['ACCOUNT_BALANCE', 'EMAIL', 'FIRST_NAME']);
    expect(user.body.details.FIRST_NAME).toBe('Adaobi');

    const balance = await call(t.baseUrl, 'GET', `/v1/paga/consents/${consent.id}/balance`, { token: m.key });
    expect(balance.body).toMatchObject({ source: 'user-details', available: { value: decimalToKobo(after), currency: 'NGN' } });

    // Tokens are stored encrypted and never shown.
    const ds = t.app.get(DataSource);
    const [row] = await ds.query('SELECT merchant_id, access_token, refresh_token FROM tokens WHERE consent_id = $1', [consent.id]);
    const plain = t.app.get(TokenCipher).decrypt(row.access_token, { merchantId: row.merchant_id, consentId: consent.id, column: 'access_token' });
    expect(plain).toMatch(/^[0-9a-f-]{36}$/);
    expect(row.access_token).not.toContain(plain);
    for (const reply of [read, charge, transfer, user, balance]) expect(reply.text).not.toContain(plain);

    const withdrawn = await call(t.baseUrl, 'DELETE', `/v1/consents/${consent.id}`, { token: m.key });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.status).toBe('terminatedByTpp');
    expect(await ds.query('SELECT 1 FROM tokens WHERE consent_id = $1', [consent.id])).toEqual([]);
    expectProblem(
      await call(t.baseUrl, 'GET', `/v1/paga/consents/${consent.id}/user`, { token: m.key }),
      409,
      'CONSENT_NOT_ACTIVE',
    );
  });

  it('a business refusal (insufficient funds) records a failed payment and moves no money', async () => {
    const id = await validConsent(m, ALL_SCOPES, USER_DATA, 'bisi');
    const before = (await control('GET', 'users')).body.data.find((u: { username: string }) => u.username === 'bisi').balance;
    const charge = await call(t.baseUrl, 'POST', `/v1/paga/consents/${id}/payments`, {
      token: m.key,
      json: { reference: 'order-big', amount: { value: 10_000_000, currency: 'NGN' }, customerReference: 'bisi' },
    });
    expect(charge.status).toBe(200);
    expect(charge.body).toMatchObject({ status: 'failed', failure: { code: expect.stringMatching(/^paga_[1-9]/), message: expect.any(String) } });
    const after = (await control('GET', 'users')).body.data.find((u: { username: string }) => u.username === 'bisi').balance;
    expect(after).toBe(before);
  });

  it('denied at Paga -> rejected, 303 with the error, and no token call', async () => {
    const consent = await createConsent(m);
    const tokensBefore = await tokenCalls('authorization_code');
    const toUs = await authorizeAtPaga(consent.authorizationUrl, 'deny');
    expect(toUs.searchParams.get('error')).toBe('access_denied');
    const back = await callback(toUs);
    expect(back.status).toBe(303);
    const location = new URL(back.headers.get('location')!);
    expect(Object.fromEntries(location.searchParams)).toEqual({ consent_id: consent.id, status: 'rejected', error: 'access_denied' });
    expect(await tokenCalls('authorization_code')).toBe(tokensBefore);
    const read = await call(t.baseUrl, 'GET', `/v1/consents/${consent.id}`, { token: m.key });
    expect(read.body).toMatchObject({ status: 'rejected', lastError: expect.stringContaining('access_denied') });
  });

  it('wrong, missing and replayed state: 400, and the code is never exchanged', async () => {
    const consent = await createConsent(m);
    const toUs = await authorizeAtPaga(consent.authorizationUrl, 'approve');
    const exchanges = await tokenCalls('authorization_code');

    const wrong = new URL(toUs);
    wrong.searchParams.set('state', 'x'.repeat(43));
    expectProblem(await call(t.baseUrl, 'GET', `${wrong.pathname}${wrong.search}`), 400, 'INVALID_OAUTH_STATE');
    const missing = new URL(toUs);
    missing.searchParams.delete('state');
    expectProblem(await call(t.baseUrl, 'GET', `${missing.pathname}${missing.search}`), 400, 'INVALID_OAUTH_STATE');
    expect(await tokenCalls('authorization_code')).toBe(exchanges);

    // Two racing callbacks with the same state: exactly one wins.
    const [a, b] = await Promise.all([callback(toUs), callback(toUs)]);
    expect([a.status, b.status].sort()).toEqual([303, 400]);
    expect(await tokenCalls('authorization_code')).toBe(exchanges + 1);
    const replay = await callback(toUs);
    expect(replay.status).toBe(400);
    expect(await tokenCalls('authorization_code')).toBe(exchanges + 1);
    expect((await call(t.baseUrl, 'GET', `/v1/consents/${consent.id}`, { token: m.key })).body.status).toBe('valid');
  });

  it('an expired access token is refreshed once for 20 parallel calls', async () => {
    const id = await validConsent(m);
    await control('POST', 'tokens/expire', {});
    const refreshes = await tokenCalls('refresh_token');
    const replies = await Promise.all(Array.from({ length: 20 }, () => call(t.baseUrl, 'GET', `/v1/paga/consents/${id}/user`, { token: m.key })));
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(await tokenCalls('refresh_token')).toBe(refreshes + 1);
  });

  it('a refused refresh moves the consent to expired and destroys its tokens', async () => {
    const id = await validConsent(m);
    await control('POST', 'tokens/expire', {});
    await control('POST', 'refresh-tokens/revoke', {});
    expectProblem(await call(t.baseUrl, 'GET', `/v1/paga/consents/${id}/user`, { token: m.key }), 409, 'CONSENT_NOT_ACTIVE');
    const read = await call(t.baseUrl, 'GET', `/v1/consents/${id}`, { token: m.key });
    expect(read.body).toMatchObject({ status: 'expired', lastError: expect.stringContaining('invalid_grant') });
    expect(await t.app.get(DataSource).query('SELECT 1 FROM tokens WHERE consent_id = $1', [id])).toEqual([]);
  });

  it('refuses what the consent does not grant, before calling Paga', async () => {
    const id = await validConsent(m, ['USER_DETAILS_REQUEST'], ['FIRST_NAME']);
    const calls = (await control('GET', 'requests')).body.data.length;
    const charge = await call(t.baseUrl, 'POST', `/v1/paga/consents/${id}/payments`, {
      token: m.key,
      json: { reference: 'order-noscope', amount: { value: 100, currency: 'NGN' }, customerReference: 'c' },
    });
    expectProblem(charge, 403, 'CONSENT_SCOPE_MISSING');
    expectProblem(await call(t.baseUrl, 'GET', `/v1/paga/consents/${id}/balance`, { token: m.key }), 403, 'CONSENT_SCOPE_MISSING');
    expect((await control('GET', 'requests')).body.data.length).toBe(calls);
  });

  it('validates consent requests: return URL allow-list, scopes, provider', async () => {
    const bad = await call(t.baseUrl, 'POST', '/v1/consents', {
      token: m.key,
      json: { provider: 'paga', psuReference: 'c', scopes: ['MERCHANT_PAYMENT', 'FLY'], returnUrl: 'https://evil.example/return' },
    });
    const problem = expectProblem(bad, 400, 'VALIDATION_FAILED');
    expect(problem.errors.map((e: { field: string }) => e.field).sort()).toEqual(['returnUrl', 'scopes[1]']);
    const unknown = await call(t.baseUrl, 'POST', '/v1/consents', { token: m.key, json: { provider: 'nope', psuReference: 'c', scopes: ['X'], returnUrl: RETURN_URL } });
    expect(expectProblem(unknown, 400, 'VALIDATION_FAILED').errors[0].field).toBe('provider');
  });

  it('another merchant gets 404 for the consent and everything under it', async () => {
    const id = await validConsent(m);
    for (const [method, path] of [
      ['GET', `/v1/consents/${id}`],
      ['DELETE', `/v1/consents/${id}`],
      ['GET', `/v1/paga/consents/${id}/user`],
      ['GET', `/v1/paga/consents/${id}/balance`],
    ] as const) {
      expectProblem(await call(t.baseUrl, method, path, { token: other.key }), 404, 'NOT_FOUND');
    }
    expect((await call(t.baseUrl, 'GET', `/v1/consents/${id}`, { token: m.key })).body.status).toBe('valid');
    const list = await call(t.baseUrl, 'GET', '/v1/consents', { token: other.key });
    expect(list.body.data).toEqual([]);
  });

  it('lists consents with filters and cursor paging', async () => {
    const owner = await merchant('Lister');
    const ids = [];
    for (const ref of ['a', 'b', 'c']) ids.push((await createConsent(owner, ['USER_DETAILS_REQUEST'], [], ref)).id);
    const first = await call(t.baseUrl, 'GET', '/v1/consents?limit=2&provider=paga', { token: owner.key });
    expect(first.body.data.map((c: { id: string }) => c.id)).toEqual(ids.slice(0, 2));
    const second = await call(t.baseUrl, 'GET', `/v1/consents?limit=2&cursor=${first.body.nextCursor}`, { token: owner.key });
    expect(second.body).toMatchObject({ data: [{ id: ids[2] }], nextCursor: null });
    const byRef = await call(t.baseUrl, 'GET', '/v1/consents?psuReference=b&status=received', { token: owner.key });
    expect(byRef.body.data.map((c: { id: string }) => c.id)).toEqual([ids[1]]);
  });
});

function decimalToKobo(value: string): number {
  const [whole, fraction = ''] = value.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}
