import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { TokenCipher } from '../src/crypto/token-cipher.service.js';
import { call, createMerchant, expectProblem, startTestApp, type TestApp } from './helpers/test-app.js';

const RETURN_URL = 'https://shop.example/return';
const BOTH = ['psd2-ais', 'psd2-pis'];
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// The emulator's seeded accounts (src/sandbox/sandbox-accounts.ts).
const JONAS_MAIN = { id: '4399a0ca-9f17-487d-939f-cc234e34ffa7', iban: 'LT443990000000010001' }; // CUS-2001, €2,450.75
const JONAS_SAVINGS = { id: 'eb07278c-3d0d-4717-a02e-228e5edb2bcd', iban: 'LT173990000000010002' }; // CUS-2001
const BUSINESS = { id: 'ed92afd4-efe4-4a44-b355-9eac3c1fb587', iban: 'LT923990000000020001' }; // CUS-2002 (Jonas and Rūta)
const RUTA_MAIN = { id: 'd6d77af1-f5f4-4072-8959-24e4403edf2c', iban: 'LT433990000000030001' }; // CUS-2003, €5.00

interface Merchant {
  id: string;
  key: string;
}

interface Decision {
  decision: 'approve' | 'deny';
  person?: string;
  customer?: string;
  scopes?: string[];
}

describe('ConnectPay PSD2: a consent bound to one PSU, then AIS and PIS (over HTTP, against the emulator)', () => {
  let t: TestApp;
  let m: Merchant;

  const control = (method: string, path: string, json?: unknown) => call(t.baseUrl, method, `/sandbox/connectpay/__control/${path}`, { json });
  const journal = async (operation: string) => (await control('GET', `requests?operation=${operation}`)).body.data as { status: number; grantType?: string; errorCode?: string; requestId?: string; queryKeys: string[] }[];
  const tokenCalls = async (grant: string) => (await journal('token')).filter((r) => r.grantType === grant).length;
  const calls = async (operation: string) => (await journal(operation)).length;
  const cp = (owner: Merchant, method: string, path: string, json?: unknown) => call(t.baseUrl, method, `/v1/connectpay/consents/${path}`, { token: owner.key, json });
  const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

  async function merchant(name: string): Promise<Merchant> {
    const { merchantId, key } = await createMerchant(t.baseUrl, name, { allowedReturnUrls: [RETURN_URL] });
    return { id: merchantId, key };
  }

  async function createConsent(owner: Merchant, psuReference: string, scopes = BOTH): Promise<{ id: string; authorizationUrl: string }> {
    const reply = await call(t.baseUrl, 'POST', '/v1/consents', { token: owner.key, json: { provider: 'connectpay', psuReference, scopes, returnUrl: RETURN_URL } });
    expect(reply.status).toBe(201);
    expect(reply.body.status).toBe('received');
    return reply.body;
  }

  /** Our redirect to the Auth Web App (decided by next-decision), and its 301 back to our callback. */
  async function authorizeAtConnectPay(authorizationUrl: string, decision: Decision): Promise<URL> {
    expect((await control('POST', 'next-decision', decision)).status).toBe(200);
    const toConnectPay = await fetch(authorizationUrl, { redirect: 'manual' });
    expect(toConnectPay.status).toBe(302);
    const url = new URL(toConnectPay.headers.get('location')!);
    expect(`${url.origin}${url.pathname}`).toBe(`${t.baseUrl}/sandbox/connectpay/auth/v1/oauth2/authorize`);
    const back = await fetch(url, { redirect: 'manual' });
    expect(back.status).toBe(301);
    return new URL(back.headers.get('location')!);
  }

  async function finish(toUs: URL): Promise<URLSearchParams> {
    const res = await fetch(toUs, { redirect: 'manual' });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(RETURN_URL);
    return location.searchParams;
  }

  async function validConsent(owner: Merchant, psuReference: string, decision: Omit<Decision, 'decision'>, scopes = BOTH): Promise<string> {
    const consent = await createConsent(owner, psuReference, scopes);
    const back = await finish(await authorizeAtConnectPay(consent.authorizationUrl, { decision: 'approve', ...decision }));
    expect(Object.fromEntries(back)).toEqual({ consent_id: consent.id, status: 'valid' });
    return consent.id;
  }

  const consentOf = async (owner: Merchant, id: string) => (await call(t.baseUrl, 'GET', `/v1/consents/${id}`, { token: owner.key })).body;
  const payment = (reference: string, overrides: Record<string, unknown> = {}) => ({
    reference,
    amount: { value: 10025, currency: 'EUR' },
    debtorAccount: { iban: JONAS_MAIN.iban },
    creditorName: 'UAB Saulės Kepykla',
    creditorAccount: { iban: BUSINESS.iban },
    remittanceInformation: `Order ${reference}`,
    ...overrides,
  });

  beforeAll(async () => {
    t = await startTestApp();
    m = await merchant('ConnectPay shop');
  });
  afterAll(() => t.close());

  it('AIS+PIS for Person X / Customer A: the redirect, the binding, accounts, balances, transactions, a payment and its status', async () => {
    const consent = await createConsent(m, 'jonas-private');

    // The authorization request is ConnectPay's: flowid, a UUIDv4 nonce, redirect_url without a query, space-separated scopes.
    await control('POST', 'next-decision', { decision: 'approve', person: 'jonas', customer: 'CUS-2001' });
    const toConnectPay = await fetch(consent.authorizationUrl, { redirect: 'manual' });
    const authorize = new URL(toConnectPay.headers.get('location')!);
    const params = Object.fromEntries(authorize.searchParams);
    expect(Object.keys(params).sort()).toEqual(['client_id', 'flowid', 'nonce', 'redirect_url', 'response_type', 'scope', 'state']);
    expect(params).toMatchObject({ flowid: 'GetPSD2AuthCode', scope: 'psd2-ais psd2-pis', response_type: 'code', redirect_url: `${t.baseUrl}/oauth/connectpay/callback` });
    expect(params.nonce).toMatch(UUID_V4);
    const back = await fetch(authorize, { redirect: 'manual' });
    expect(back.status).toBe(301);
    const toUs = new URL(back.headers.get('location')!);
    expect(toUs.searchParams.get('flowid')).toBe('GetPSD2AuthCode');
    expect(Object.fromEntries(await finish(toUs))).toEqual({ consent_id: consent.id, status: 'valid' });

    // One code exchange, with an X-Request-ID; the consent knows its PSU from the token response.
    const exchanges = (await journal('token')).filter((r) => r.grantType === 'authorization_code');
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]!.requestId).toMatch(UUID_V4);
    const read = await consentOf(m, consent.id);
    expect(read).toMatchObject({ status: 'valid', scopes: { granted: BOTH }, providerSubject: { personId: 'PRS-1001', customerId: 'CUS-2001' } });
    expect(Date.parse(read.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000); // the refresh token's 30 days, from a string

    const accounts = await cp(m, 'GET', `${consent.id}/accounts?withBalance=true`);
    expect(accounts.status).toBe(200);
    expect(accounts.body.psu).toEqual({ personId: 'PRS-1001', customerId: 'CUS-2001', customerName: 'Jonas Petraitis', customerType: 'PRIVATE' });
    expect(accounts.body.accounts.map((a: { accountId: string }) => a.accountId)).toEqual([JONAS_MAIN.id, JONAS_SAVINGS.id]);
    expect(accounts.body.accounts[0].balances).toEqual([
      { type: 'interimBooked', amount: { value: 245075, currency: 'EUR' } },
      { type: 'interimAvailable', amount: { value: 245075, currency: 'EUR' } },
    ]);
    expect((await cp(m, 'GET', `${consent.id}/accounts`)).body.accounts[0]).not.toHaveProperty('balances');

    const balances = await cp(m, 'GET', `${consent.id}/accounts/${JONAS_MAIN.id}/balances`);
    expect(balances.body).toMatchObject({ consentId: consent.id, accountId: JONAS_MAIN.id, iban: JONAS_MAIN.iban, balances: [{ amount: { value: 245075 } }, { amount: { value: 245075 } }] });

    const first = await cp(m, 'GET', `${consent.id}/accounts/${JONAS_MAIN.id}/transactions?pageSize=2`);
    expect(first.body).toMatchObject({ page: 1, pageSize: 2, totalCount: 5, totalPages: 3, sortOrder: 'desc' });
    expect(first.body.transactions[0]).toMatchObject({ direction: 'debit', amount: { value: 1250, currency: 'EUR' }, counterpartyName: 'Kavinė Vilnius', bookingDate: day(1) });
    const last = await cp(m, 'GET', `${consent.id}/accounts/${JONAS_MAIN.id}/transactions?pageSize=2&page=3`);
    expect(last.body.transactions).toHaveLength(1);
    const range = await cp(m, 'GET', `${consent.id}/accounts/${JONAS_MAIN.id}/transactions?dateFrom=${day(10)}&dateTo=${day(2)}&sortOrder=asc`);
    expect(range.body).toMatchObject({ totalCount: 2, dateFrom: day(10), dateTo: day(2) });
    expect(range.body.transactions.map((x: { direction: string; amount: { value: number } }) => [x.direction, x.amount.value])).toEqual([
      ['debit', 4999],
      ['credit', 185000],
    ]);
    for (const query of ['dateFrom=2026-02-30', `dateFrom=${day(1)}&dateTo=${day(5)}`, 'pageSize=1001', 'page=0', 'sortOrder=up']) {
      expectProblem(await cp(m, 'GET', `${consent.id}/accounts/${JONAS_MAIN.id}/transactions?${query}`), 400, 'VALIDATION_FAILED');
    }

    // A payment: committed pending, sent once, then settled by a status read.
    const created = await cp(m, 'POST', `${consent.id}/payments`, payment('cp-order-1'));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ provider: 'connectpay', kind: 'charge', status: 'pending', amount: { value: 10025, currency: 'EUR' }, consentId: consent.id });
    expect(created.body.providerReference).toMatch(/^PO\d{14}$/);
    const [sent] = (await control('GET', 'payments')).body.data;
    expect(sent).toMatchObject({ paymentOrderNo: created.body.providerReference, amount: { value: '100.25', currency: 'EUR' }, debtorIban: JONAS_MAIN.iban, customerId: 'CUS-2001' });

    const creates = await calls('createPayment');
    const replay = await cp(m, 'POST', `${consent.id}/payments`, payment('cp-order-1'));
    expect(replay.status).toBe(200);
    expect(replay.body.id).toBe(created.body.id);
    expectProblem(await cp(m, 'POST', `${consent.id}/payments`, payment('cp-order-1', { amount: { value: 1, currency: 'EUR' } })), 422, 'UNPROCESSABLE');
    expect(await calls('createPayment')).toBe(creates);

    const open = await cp(m, 'GET', `${consent.id}/payments/${created.body.id}`);
    expect(open.body).toMatchObject({ id: created.body.id, status: 'pending' });
    await control('POST', 'time/advance', { seconds: 5 });
    const settled = await cp(m, 'GET', `${consent.id}/payments/${created.body.id}`);
    expect(settled.body).toMatchObject({ status: 'succeeded', providerReference: created.body.providerReference });
    const reads = await calls('paymentStatus');
    expect((await cp(m, 'GET', `${consent.id}/payments/${created.body.id}`)).body.status).toBe('succeeded');
    expect(await calls('paymentStatus')).toBe(reads); // final: ConnectPay is not asked again
    const after = await cp(m, 'GET', `${consent.id}/accounts/${JONAS_MAIN.id}/balances`);
    expect(after.body.balances.map((b: { amount: { value: number } }) => b.amount.value)).toEqual([245075 - 10025, 245075 - 10025]);

    // Tokens are encrypted at rest and never shown.
    const ds = t.app.get(DataSource);
    const [row] = await ds.query('SELECT merchant_id, access_token FROM tokens WHERE consent_id = $1', [consent.id]);
    const plain = t.app.get(TokenCipher).decrypt(row.access_token, { merchantId: row.merchant_id, consentId: consent.id, column: 'access_token' });
    expect(row.access_token).not.toContain(plain);
    for (const reply of [accounts, balances, first, created, settled]) expect(reply.text).not.toContain(plain);
  });

  it('the same person’s Customer B is out of reach: ConnectPay’s 403 is mapped, and once Gatehouse knows, it refuses without asking', async () => {
    const shop = await merchant('PSU shop');
    const consentA = await validConsent(shop, 'jonas-private', { person: 'jonas', customer: 'CUS-2001' });

    // Gatehouse does not know yet whose account BUSINESS is: ConnectPay is asked and says no.
    let balanceCalls = await calls('balances');
    const asked = await cp(shop, 'GET', `${consentA}/accounts/${BUSINESS.id}/balances`);
    expectProblem(asked, 403, 'CONSENT_PSU_MISMATCH');
    expect(await calls('balances')).toBe(balanceCalls + 1);
    expect((await journal('balances')).at(-1)).toMatchObject({ status: 403, errorCode: 'ACCESS_FORBIDDEN' });
    expectProblem(await cp(shop, 'GET', `${consentA}/accounts/${BUSINESS.id}/transactions`), 403, 'CONSENT_PSU_MISMATCH');
    const refused = await cp(shop, 'POST', `${consentA}/payments`, payment('b-1', { debtorAccount: { iban: BUSINESS.iban }, creditorAccount: { iban: JONAS_MAIN.iban } }));
    expectProblem(refused, 403, 'CONSENT_PSU_MISMATCH');
    expect((await journal('createPayment')).at(-1)).toMatchObject({ status: 403, errorCode: 'ACCESS_FORBIDDEN' });
    // ConnectPay refused for certain: the reference is spent on a failed payment, never sent again.
    const creates = await calls('createPayment');
    const again = await cp(shop, 'POST', `${consentA}/payments`, payment('b-1', { debtorAccount: { iban: BUSINESS.iban }, creditorAccount: { iban: JONAS_MAIN.iban } }));
    expect(again.body).toMatchObject({ status: 'failed', failure: { code: 'connectpay_ACCESS_FORBIDDEN' } });
    expect(await calls('createPayment')).toBe(creates);

    // The same person's business consent: its account list tells Gatehouse who holds BUSINESS.
    const consentB = await validConsent(shop, 'jonas-business', { person: 'jonas', customer: 'CUS-2002' });
    expect((await consentOf(shop, consentB)).providerSubject).toEqual({ personId: 'PRS-1001', customerId: 'CUS-2002' });
    expect((await cp(shop, 'GET', `${consentB}/accounts`)).body.accounts.map((a: { accountId: string }) => a.accountId)).toEqual([BUSINESS.id]);

    balanceCalls = await calls('balances');
    const transactionCalls = await calls('transactions');
    const known = await cp(shop, 'GET', `${consentA}/accounts/${BUSINESS.id}/balances`);
    expect(expectProblem(known, 403, 'CONSENT_PSU_MISMATCH').detail).toMatch(/ConnectPay was not asked/);
    expectProblem(await cp(shop, 'GET', `${consentA}/accounts/${BUSINESS.id}/transactions`), 403, 'CONSENT_PSU_MISMATCH');
    const early = await cp(shop, 'POST', `${consentA}/payments`, payment('b-2', { debtorAccount: { iban: BUSINESS.iban }, creditorAccount: { iban: JONAS_MAIN.iban } }));
    expectProblem(early, 403, 'CONSENT_PSU_MISMATCH');
    expect(await calls('balances')).toBe(balanceCalls);
    expect(await calls('transactions')).toBe(transactionCalls);
    expect(await calls('createPayment')).toBe(creates);
    expect(await t.app.get(DataSource).query(`SELECT 1 FROM payments WHERE merchant_id = $1 AND reference = 'b-2'`, [shop.id])).toEqual([]);

    // Each consent still works for its own customer.
    expect((await cp(shop, 'GET', `${consentB}/accounts/${BUSINESS.id}/balances`)).status).toBe(200);
    expect((await cp(shop, 'GET', `${consentA}/accounts/${JONAS_MAIN.id}/balances`)).status).toBe(200);
    expectProblem(await cp(shop, 'GET', `${consentB}/accounts/${JONAS_MAIN.id}/balances`), 403, 'CONSENT_PSU_MISMATCH');
  });

  it('a psuReference names one PSU: a consent for another customer of the same person under it is rejected and revoked', async () => {
    const shop = await merchant('Reference shop');
    await validConsent(shop, 'jonas', { person: 'jonas', customer: 'CUS-2001' });
    const revokes = await calls('revoke');
    const consent = await createConsent(shop, 'jonas');
    const back = await finish(await authorizeAtConnectPay(consent.authorizationUrl, { decision: 'approve', person: 'jonas', customer: 'CUS-2002' }));
    expect(Object.fromEntries(back)).toEqual({ consent_id: consent.id, status: 'rejected', error: 'psu_mismatch' });
    expect(await calls('revoke')).toBe(revokes + 1);
    expect(await consentOf(shop, consent.id)).toMatchObject({ status: 'rejected', providerSubject: null, lastError: expect.stringMatching(/^psu_mismatch: .*customerId=CUS-2002/) });
    expect(await t.app.get(DataSource).query('SELECT 1 FROM tokens WHERE consent_id = $1', [consent.id])).toEqual([]);
    // The same customer again is fine.
    await validConsent(shop, 'jonas', { person: 'jonas', customer: 'CUS-2001' });
  });

  it('without PSU ids in the token response, the first account call binds the consent (and a contradiction ends it)', async () => {
    const shop = await merchant('Learning shop');
    await control('PATCH', 'settings', { includePsuIdsInTokenResponse: false });
    try {
      const accountCalls = await calls('accounts');
      const ais = await validConsent(shop, 'ruta', { person: 'ruta', customer: 'CUS-2003' });
      expect(await calls('accounts')).toBe(accountCalls + 1);
      expect((await consentOf(shop, ais)).providerSubject).toEqual({ personId: 'PRS-1002', customerId: 'CUS-2003' });

      // PIS only: nothing can tell the PSU; the consent is valid and unbound.
      const pis = await validConsent(shop, 'ruta-pis', { person: 'ruta', customer: 'CUS-2003' }, ['psd2-pis']);
      expect((await consentOf(shop, pis)).providerSubject).toBeNull();

      // The account call fails during the callback (with its retries): valid, unbound; the first use
      // binds it, and this one is the other customer of a reference already bound: the consent ends, revoked.
      await control('POST', 'fail-next', { operation: 'accounts', httpStatus: 503, times: 3 });
      const late = await validConsent(shop, 'ruta', { person: 'ruta', customer: 'CUS-2002' });
      expect((await consentOf(shop, late)).providerSubject).toBeNull();
      const revokes = await calls('revoke');
      expectProblem(await cp(shop, 'GET', `${late}/accounts/${BUSINESS.id}/balances`), 403, 'CONSENT_PSU_MISMATCH');
      expect(await consentOf(shop, late)).toMatchObject({ status: 'terminatedByTpp', lastError: expect.stringMatching(/^psu_mismatch/) });
      expect(await calls('revoke')).toBe(revokes + 1);
      expectProblem(await cp(shop, 'GET', `${late}/accounts`), 409, 'CONSENT_NOT_ACTIVE');
    } finally {
      await control('PATCH', 'settings', { includePsuIdsInTokenResponse: true });
    }
  });

  it('deny all -> rejected with the error, and no code exchange', async () => {
    const consent = await createConsent(m, 'deny-me');
    const exchanges = await tokenCalls('authorization_code');
    const toUs = await authorizeAtConnectPay(consent.authorizationUrl, { decision: 'deny' });
    expect(toUs.searchParams.get('error')).toBe('access_denied');
    expect(Object.fromEntries(await finish(toUs))).toEqual({ consent_id: consent.id, status: 'rejected', error: 'access_denied' });
    expect(await tokenCalls('authorization_code')).toBe(exchanges);
    expect(await consentOf(m, consent.id)).toMatchObject({ status: 'rejected', lastError: expect.stringContaining('access_denied') });
  });

  it('AIS granted, PIS not: the consent says so, and a payment is refused before ConnectPay is called', async () => {
    const id = await validConsent(m, 'jonas-private', { person: 'jonas', customer: 'CUS-2001', scopes: ['psd2-ais'] });
    expect((await consentOf(m, id)).scopes).toEqual({ requested: BOTH, granted: ['psd2-ais'] });
    const creates = await calls('createPayment');
    const refused = await cp(m, 'POST', `${id}/payments`, payment('ais-only-1'));
    expect(expectProblem(refused, 403, 'CONSENT_SCOPE_MISSING').detail).toMatch(/psd2-pis/);
    expect(await calls('createPayment')).toBe(creates);
    expect(await t.app.get(DataSource).query(`SELECT 1 FROM payments WHERE reference = 'ais-only-1'`)).toEqual([]);
    expect((await cp(m, 'GET', `${id}/accounts`)).status).toBe(200);

    const pisOnly = await validConsent(m, 'jonas-private', { person: 'jonas', customer: 'CUS-2001' }, ['psd2-pis']);
    expectProblem(await cp(m, 'GET', `${pisOnly}/accounts`), 403, 'CONSENT_SCOPE_MISSING');
  });

  it('mixed PSD2 and other scopes are refused at creation, before any redirect', async () => {
    const authorizes = await calls('authorize');
    const reply = await call(t.baseUrl, 'POST', '/v1/consents', { token: m.key, json: { provider: 'connectpay', psuReference: 'mix', scopes: ['psd2-ais', 'ob-as'], returnUrl: RETURN_URL } });
    const problem = expectProblem(reply, 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual(expect.arrayContaining([{ field: 'scopes', message: expect.stringMatching(/cannot be mixed with other scopes \(ob-as\)/) }]));
    expect(await calls('authorize')).toBe(authorizes);
  });

  it('an expired access token is refreshed once for 20 parallel calls; the rotated pair is stored and used', async () => {
    const id = await validConsent(m, 'jonas-private', { person: 'jonas', customer: 'CUS-2001' });
    const ds = t.app.get(DataSource);
    const [before] = await ds.query('SELECT refresh_token FROM tokens WHERE consent_id = $1', [id]);
    const expiresBefore = Date.parse((await consentOf(m, id)).expiresAt);
    expect((await control('POST', 'tokens/expire', { person: 'jonas', customer: 'CUS-2001' })).body.count).toBeGreaterThanOrEqual(1);
    const refreshes = await tokenCalls('refresh_token');
    const replies = await Promise.all(Array.from({ length: 20 }, () => cp(m, 'GET', `${id}/accounts`)));
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(await tokenCalls('refresh_token')).toBe(refreshes + 1);
    const [after] = await ds.query('SELECT refresh_token FROM tokens WHERE consent_id = $1', [id]);
    expect(after.refresh_token).not.toBe(before.refresh_token);
    // The rotated refresh token's 30 days count from now: the consent lasts longer.
    expect(Date.parse((await consentOf(m, id)).expiresAt)).toBeGreaterThan(expiresBefore);

    // The new refresh token is the one that works next time (the old one is spent at ConnectPay).
    await control('POST', 'tokens/expire', { person: 'jonas', customer: 'CUS-2001' });
    expect((await cp(m, 'GET', `${id}/accounts`)).status).toBe(200);
    expect(await tokenCalls('refresh_token')).toBe(refreshes + 2);
    const mine = (await journal('token')).filter((r) => r.grantType === 'refresh_token').slice(refreshes);
    expect(mine.map((r) => r.status)).toEqual([200, 200]);
  });

  it('an expired refresh token ends the consent: expired, tokens destroyed, 409 after', async () => {
    const id = await validConsent(m, 'ruta', { person: 'ruta', customer: 'CUS-2003' });
    await control('POST', 'tokens/expire', { customer: 'CUS-2003' });
    await control('POST', 'refresh-tokens/expire', { customer: 'CUS-2003' });
    expectProblem(await cp(m, 'GET', `${id}/accounts`), 409, 'CONSENT_NOT_ACTIVE');
    expect((await journal('token')).at(-1)).toMatchObject({ grantType: 'refresh_token', status: 400 });
    expect(await consentOf(m, id)).toMatchObject({ status: 'expired', lastError: expect.stringContaining('invalid_grant') });
    expect(await t.app.get(DataSource).query('SELECT 1 FROM tokens WHERE consent_id = $1', [id])).toEqual([]);
    expectProblem(await cp(m, 'POST', `${id}/payments`, payment('late-1', { debtorAccount: { iban: RUTA_MAIN.iban } })), 409, 'CONSENT_NOT_ACTIVE');
  });

  it('a rejection for lack of funds is a failed payment with its reason', async () => {
    const id = await validConsent(m, 'ruta', { person: 'ruta', customer: 'CUS-2003' });
    const poor = await cp(m, 'POST', `${id}/payments`, payment('poor-1', { amount: { value: 501, currency: 'EUR' }, debtorAccount: { iban: RUTA_MAIN.iban } }));
    expect(poor.status).toBe(201);
    expect(poor.body).toMatchObject({ status: 'failed', failure: { code: 'connectpay_AM04', message: 'Insufficient funds' }, providerReference: expect.stringMatching(/^PO/) });
  });

  it('an unknown outcome stays pending and is never sent twice', async () => {
    const id = await validConsent(m, 'jonas-private', { person: 'jonas', customer: 'CUS-2001' });
    await control('POST', 'fail-next', { operation: 'createPayment', httpStatus: 503 });
    const creates = await calls('createPayment');
    expectProblem(await cp(m, 'POST', `${id}/payments`, payment('lost-1')), 502, 'PROVIDER_ERROR');
    const replay = await cp(m, 'POST', `${id}/payments`, payment('lost-1'));
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ status: 'pending', providerReference: null, lastError: expect.stringMatching(/^PROVIDER_ERROR/) });
    expect((await cp(m, 'GET', `${id}/payments/${replay.body.id}`)).body.status).toBe('pending');
    expect(await calls('createPayment')).toBe(creates + 1);
  });

  it('validates payments: EUR only, IBAN check digits, distinct accounts', async () => {
    const id = await validConsent(m, 'jonas-private', { person: 'jonas', customer: 'CUS-2001' });
    const bad = await cp(m, 'POST', `${id}/payments`, payment('v-1', { amount: { value: 100, currency: 'USD' }, debtorAccount: { iban: 'LT453990000000010001' } }));
    expect(expectProblem(bad, 400, 'VALIDATION_FAILED').errors.map((e: { field: string }) => e.field).sort()).toEqual(['amount.currency', 'debtorAccount.iban']);
    expectProblem(await cp(m, 'POST', `${id}/payments`, payment('v-2', { creditorAccount: { iban: JONAS_MAIN.iban } })), 400, 'VALIDATION_FAILED');
    expectProblem(await cp(m, 'POST', `${id}/payments`, payment('v-3', { amount: { value: 10.5, currency: 'EUR' } })), 400, 'VALIDATION_FAILED');
    expectProblem(await cp(m, 'GET', `${id}/accounts/..%2Fx/balances`), 400, 'VALIDATION_FAILED');
  });

  it('withdrawing the consent revokes it at ConnectPay', async () => {
    const id = await validConsent(m, 'jonas-private', { person: 'jonas', customer: 'CUS-2001' });
    const ds = t.app.get(DataSource);
    const [row] = await ds.query('SELECT merchant_id, access_token FROM tokens WHERE consent_id = $1', [id]);
    const accessToken = t.app.get(TokenCipher).decrypt(row.access_token, { merchantId: row.merchant_id, consentId: id, column: 'access_token' });
    const revokes = await calls('revoke');
    const withdrawn = await call(t.baseUrl, 'DELETE', `/v1/consents/${id}`, { token: m.key });
    expect(withdrawn.body.status).toBe('terminatedByTpp');
    expect(await calls('revoke')).toBe(revokes + 1);
    expect((await journal('revoke')).at(-1)!.status).toBe(200);
    const stale = await fetch(`${t.baseUrl}/sandbox/connectpay/ob/accounts`, { headers: { authorization: `Bearer ${accessToken}`, 'x-request-id': randomUUID() } });
    expect(stale.status).toBe(401);
  });

  it('another merchant gets 404 for the consent and everything under it', async () => {
    const other = await merchant('Other shop');
    const id = await validConsent(m, 'jonas-private', { person: 'jonas', customer: 'CUS-2001' });
    const paid = await cp(m, 'POST', `${id}/payments`, payment('mine-1'));
    for (const [method, path, json] of [
      ['GET', `${id}/accounts`],
      ['GET', `${id}/accounts/${JONAS_MAIN.id}/balances`],
      ['GET', `${id}/accounts/${JONAS_MAIN.id}/transactions`],
      ['POST', `${id}/payments`, payment('theirs-1')],
      ['GET', `${id}/payments/${paid.body.id}`],
    ] as const) {
      expectProblem(await cp(other, method, path, json), 404, 'NOT_FOUND');
    }
    // A payment is found only under its own consent.
    const sibling = await validConsent(m, 'jonas-private', { person: 'jonas', customer: 'CUS-2001' });
    expectProblem(await cp(m, 'GET', `${sibling}/payments/${paid.body.id}`), 404, 'NOT_FOUND');
  });
});
