import { generateKeyPairSync, sign as rsaSign } from 'node:crypto';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TokenCipher } from '../src/crypto/token-cipher.service.js';
import { PayseraMacService } from '../src/crypto/paysera-mac.service.js';
import { PayseraClient } from '../src/providers/paysera/paysera.client.js';
import { PAYSERA_CONFIG, type PayseraConfig } from '../src/providers/paysera/paysera.config.js';
import { PAYSERA_SANDBOX_CLIENT, PAYSERA_SANDBOX_PASSWORD } from '../src/sandbox/sandbox-accounts.js';
import { ADMIN_TOKEN, call, createMerchant, expectProblem, type Reply, startTestApp, type TestApp } from './helpers/test-app.js';

const RETURN_URL = 'https://shop.example/return';
const FULL = ['user_info', 'balance', 'initiate_transfers'];

interface Merchant {
  id: string;
  key: string;
}

describe('Paysera over HTTP against the emulator: MAC consent, signed calls, transactions, allowances, signed callbacks', () => {
  let t: TestApp;
  let m: Merchant;
  let other: Merchant;
  let n = 0;

  const control = (method: string, path: string, json?: unknown) => call(t.baseUrl, method, `/sandbox/paysera/__control/${path}`, { json });
  const journal = async (operation?: string) =>
    (await control('GET', `requests${operation ? `?operation=${operation}` : ''}`)).body.data as Array<{ operation: string; status: number; error?: string; grantType?: string; credential?: string }>;
  const wallet = async (email: string) => ((await control('GET', 'users')).body.data as Array<{ email: string; atDisposal: number; reserved: number }>).find((u) => u.email === email)!;
  const db = () => t.app.get(DataSource);
  const ref = (prefix: string) => `${prefix}-${++n}`;

  async function merchant(name: string): Promise<Merchant> {
    const { merchantId, key } = await createMerchant(t.baseUrl, name, { allowedReturnUrls: [RETURN_URL] });
    return { id: merchantId, key };
  }

  /** The whole consent: our authorize redirect, Paysera's page decided by next-decision, our callback. */
  async function connect(owner: Merchant, scopes = FULL, user = 'jonas@example.lt'): Promise<{ id: string; toPaysera: URL }> {
    const consent = await call(t.baseUrl, 'POST', '/v1/consents', { token: owner.key, json: { provider: 'paysera', psuReference: `psu-${++n}`, scopes, returnUrl: RETURN_URL } });
    expect(consent.status).toBe(201);
    await control('POST', 'next-decision', { decision: 'approve', user });
    const toPaysera = await fetch(consent.body.authorizationUrl, { redirect: 'manual' });
    expect(toPaysera.status).toBe(302);
    const payseraUrl = new URL(toPaysera.headers.get('location')!);
    const back = await fetch(payseraUrl, { redirect: 'manual' });
    expect(back.status).toBe(302);
    const done = await fetch(back.headers.get('location')!, { redirect: 'manual' });
    expect(done.status).toBe(303);
    expect(Object.fromEntries(new URL(done.headers.get('location')!).searchParams)).toEqual({ consent_id: consent.body.id, status: 'valid' });
    return { id: consent.body.id, toPaysera: payseraUrl };
  }

  function createTransaction(owner: Merchant, body: Record<string, unknown> = {}): Promise<Reply> {
    return call(t.baseUrl, 'POST', '/v1/paysera/transactions', {
      token: owner.key,
      json: { reference: ref('order'), amount: { value: 1250, currency: 'EUR' }, description: 'Order with tea', ...body },
    });
  }

  const act = (owner: Merchant, id: string, action: 'reserve' | 'confirm' | 'revoke', json: unknown = {}) =>
    call(t.baseUrl, 'POST', `/v1/paysera/transactions/${id}/${action}`, { token: owner.key, json });

  /** The payer on Paysera's confirmation page: log in, then pay or decline. */
  async function onConfirmationPage(redirectUrl: string, email: string, decision: 'approve' | 'deny'): Promise<Response> {
    const page = await fetch(redirectUrl);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Confirm payment');
    const nonce = /name="nonce" value="([^"]+)"/.exec(html)![1]!;
    const action = /<form method="post" action="([^"]+)"/.exec(html)![1]!;
    return fetch(new URL(action, redirectUrl), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ nonce, email, password: PAYSERA_SANDBOX_PASSWORD, decision }).toString(),
    });
  }

  /** The stored status, straight from the ledger (no read from Paysera), once it satisfies `done`. */
  async function storedStatus(paymentId: string, done: (status: string) => boolean, ms = 15_000): Promise<string> {
    const end = Date.now() + ms;
    for (;;) {
      const [row] = (await db().query('SELECT status FROM payments WHERE id = $1', [paymentId])) as { status: string }[];
      if (done(row!.status)) return row!.status;
      if (Date.now() > end) throw new Error(`payment ${paymentId} stayed ${row!.status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function callbacksFor(key: string, count: number, ms = 15_000): Promise<Array<{ type: string; outcome: string; status?: number }>> {
    const end = Date.now() + ms;
    for (;;) {
      const log = ((await control('GET', 'callbacks')).body.data as Array<{ id: string; type: string; outcome: string; status?: number }>).filter((c) => c.id === key);
      if (log.length >= count) return log;
      if (Date.now() > end) throw new Error(`only ${log.length} callbacks for ${key}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    t = await startTestApp();
    m = await merchant('Paysera shop');
    other = await merchant('Other shop');
  });
  afterAll(() => t?.close());

  it('connect a wallet -> profile, balance -> create a transaction, reserve and confirm it -> signed callbacks verified -> final', async () => {
    const { id: consentId, toPaysera } = await connect(m);
    // The authorization request A.8 describes, at {auth}/oauth.
    expect(`${toPaysera.origin}${toPaysera.pathname}`).toBe(`${t.baseUrl}/sandbox/paysera/oauth`);
    expect(Object.fromEntries(toPaysera.searchParams)).toEqual({
      response_type: 'code',
      client_id: PAYSERA_SANDBOX_CLIENT.clientId,
      scope: FULL.join(' '),
      redirect_uri: `${t.baseUrl}/oauth/paysera/callback`,
      state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    // The token request went to /oauth/v1/token, MAC-signed with the client's credentials.
    expect((await journal('token')).at(-1)).toMatchObject({ status: 200, grantType: 'authorization_code', credential: 'client' });

    // MAC credentials are stored encrypted: the access token (MAC id) and the MAC key.
    const [row] = await db().query('SELECT merchant_id, access_token, extra_secret, token_type FROM tokens WHERE consent_id = $1', [consentId]);
    expect(row.token_type).toBe('mac');
    const cipher = t.app.get(TokenCipher);
    const macKey = cipher.decrypt(row.extra_secret, { merchantId: row.merchant_id, consentId, column: 'extra_secret' });
    const macId = cipher.decrypt(row.access_token, { merchantId: row.merchant_id, consentId, column: 'access_token' });
    expect(macKey).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(row.extra_secret).not.toContain(macKey);

    const profile = await call(t.baseUrl, 'GET', `/v1/paysera/consents/${consentId}/user`, { token: m.key });
    expect(profile.status).toBe(200);
    expect(profile.body).toEqual({ consentId, userId: '1000001', email: 'jonas@example.lt', phone: '+37060000001', displayName: 'Jonas Petraitis', type: 'natural', wallets: ['2000001'] });
    const balance = await call(t.baseUrl, 'GET', `/v1/paysera/consents/${consentId}/balance`, { token: m.key });
    const before = await wallet('jonas@example.lt');
    expect(balance.body).toEqual({ consentId, balances: [{ currency: 'EUR', atDisposal: { value: before.atDisposal, currency: 'EUR' }, reserved: { value: before.reserved, currency: 'EUR' } }] });
    expect((await journal()).filter((r) => r.operation === 'user.get' || r.operation === 'wallet.balance').every((r) => r.credential === 'user')).toBe(true);

    const created = await createTransaction(m, { consentId, amount: { value: 1999, currency: 'EUR' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ provider: 'paysera', kind: 'charge', status: 'requires_action', amount: { value: 1999, currency: 'EUR' }, consentId, paysera: { status: 'new', walletId: null } });
    const key = created.body.providerReference as string;
    expect(created.body.nextAction).toEqual({ type: 'redirect', redirectUrl: `${t.baseUrl}/sandbox/paysera/wallet/confirm/${key}` });
    expect((await journal('transaction.create')).at(-1)).toMatchObject({ status: 200, credential: 'client' });

    // Idempotent by reference: the same payment, no second transaction at Paysera.
    const creates = (await journal('transaction.create')).length;
    const replay = await call(t.baseUrl, 'POST', '/v1/paysera/transactions', {
      token: m.key,
      json: { reference: `order-${n}`, amount: { value: 1999, currency: 'EUR' }, description: 'Order with tea', consentId },
    });
    expect(replay.body.id).toBe(created.body.id);
    expect((await journal('transaction.create')).length).toBe(creates);

    const reserved = await act(m, created.body.id, 'reserve', { source: 'consent' });
    expect(reserved.status).toBe(200);
    expect(reserved.body).toMatchObject({ status: 'pending', paysera: { status: 'reserved', walletId: '2000001' } });
    expect(reserved.body.nextAction).toBeUndefined();
    expect(await wallet('jonas@example.lt')).toMatchObject({ atDisposal: before.atDisposal - 1999, reserved: before.reserved + 1999 });

    const confirmed = await act(m, created.body.id, 'confirm');
    expect(confirmed.body).toMatchObject({ status: 'succeeded', paysera: { status: 'confirmed' } });
    expect(await wallet('jonas@example.lt')).toMatchObject({ atDisposal: before.atDisposal - 1999, reserved: before.reserved });

    // Paysera's signed callbacks reached Gatehouse, were verified (200) and recorded once each.
    const sent = await callbacksFor(key, 2);
    expect(sent.map((c) => [c.type, c.outcome, c.status])).toEqual([
      ['reserved', 'delivered', 200],
      ['confirmed', 'delivered', 200],
    ]);
    const recorded = await db().query('SELECT type FROM paysera_callbacks WHERE object_id = $1 ORDER BY received_at', [key]);
    expect(recorded.map((r: { type: string }) => r.type).sort()).toEqual(['confirmed', 'reserved']);
    const final = await call(t.baseUrl, 'GET', `/v1/paysera/transactions/${created.body.id}`, { token: m.key });
    expect(final.body).toMatchObject({ status: 'succeeded', providerReference: key });
    expect((await act(m, created.body.id, 'confirm')).body.status).toBe('succeeded'); // idempotent
    expectProblem(await act(m, created.body.id, 'revoke'), 409, 'CONFLICT');

    // No secret in any answer.
    for (const reply of [profile, balance, created, reserved, confirmed, final]) {
      for (const secret of [macKey, macId, PAYSERA_SANDBOX_CLIENT.macKey]) expect(reply.text).not.toContain(secret);
    }
  });

  it('the payer accepts on Paysera’s confirmation page; the signed callback alone makes the payment final', async () => {
    const created = await createTransaction(m, { autoConfirm: true, redirectUrl: RETURN_URL });
    expect(created.body.status).toBe('requires_action');
    const before = await wallet('egle@example.lt');
    const accepted = await onConfirmationPage(created.body.nextAction.redirectUrl, 'egle@example.lt', 'approve');
    expect(accepted.status).toBe(302);
    expect(accepted.headers.get('location')).toBe(RETURN_URL);
    // Nobody asked Paysera: the callbacks (reserved, then confirmed) move the stored payment.
    expect(await storedStatus(created.body.id, (s) => s === 'succeeded')).toBe('succeeded');
    expect(await wallet('egle@example.lt')).toMatchObject({ atDisposal: before.atDisposal - 1250 });
    const read = await call(t.baseUrl, 'GET', `/v1/paysera/transactions/${created.body.id}`, { token: m.key });
    expect(read.body).toMatchObject({ status: 'succeeded', paysera: { status: 'confirmed', walletId: '2000002' } });
  });

  it('a payer who declines on the page: failed (paysera_rejected), by callback', async () => {
    const created = await createTransaction(m);
    const declined = await onConfirmationPage(created.body.nextAction.redirectUrl, 'egle@example.lt', 'deny');
    expect(declined.status).toBe(200);
    expect(await storedStatus(created.body.id, (s) => s !== 'requires_action')).toBe('failed');
    const read = await call(t.baseUrl, 'GET', `/v1/paysera/transactions/${created.body.id}`, { token: m.key });
    expect(read.body).toMatchObject({ status: 'failed', failure: { code: 'paysera_rejected' }, paysera: { status: 'rejected' } });
  });

  it('revoking a reserved payment releases the money; insufficient funds are Paysera’s refusal and move nothing', async () => {
    const { id: consentId } = await connect(m, FULL, 'jonas@example.lt');
    const created = await createTransaction(m, { consentId });
    const before = await wallet('jonas@example.lt');
    expect((await act(m, created.body.id, 'reserve')).body.status).toBe('pending');
    const revoked = await act(m, created.body.id, 'revoke');
    expect(revoked.body).toMatchObject({ status: 'canceled', paysera: { status: 'revoked' } });
    expect(await wallet('jonas@example.lt')).toEqual(before);
    expectProblem(await act(m, created.body.id, 'confirm'), 409, 'CONFLICT');

    const poor = await connect(m, FULL, 'tomas@example.lt');
    const big = await createTransaction(m, { consentId: poor.id, amount: { value: 50_000, currency: 'EUR' } });
    const refused = expectProblem(await act(m, big.body.id, 'reserve'), 422, 'PROVIDER_REJECTED');
    expect(refused.detail).toContain('Not enough funds');
    expect((await call(t.baseUrl, 'GET', `/v1/paysera/transactions/${big.body.id}`, { token: m.key })).body.status).toBe('requires_action');
  });

  it('allowances: create with the user’s token, pay from it with client credentials, cancel (and hear it by callback)', async () => {
    const { id: consentId } = await connect(m, FULL, 'jonas@example.lt');
    const allowance = await call(t.baseUrl, 'POST', `/v1/paysera/consents/${consentId}/allowances`, {
      token: m.key,
      json: { reference: ref('allow'), maxAmount: { value: 5000, currency: 'EUR' }, description: 'Subscription', validForSeconds: 3600 },
    });
    expect(allowance.status).toBe(201);
    expect(allowance.body).toMatchObject({ status: 'active', maxAmount: { value: 5000, currency: 'EUR' }, walletId: '2000001', consentId, providerReference: expect.stringMatching(/^\d+$/) });
    expect(allowance.body.validUntil).toEqual(expect.any(String));

    const created = await createTransaction(m, { consentId, amount: { value: 3000, currency: 'EUR' } });
    const reserved = await act(m, created.body.id, 'reserve', { source: 'allowance' });
    expect(reserved.body).toMatchObject({ status: 'pending', paysera: { status: 'reserved' } });
    expect((await journal('transaction.reserve')).at(-1)).toMatchObject({ status: 200, credential: 'client' });
    expect((await act(m, created.body.id, 'confirm')).body.status).toBe('succeeded');
    expect((await call(t.baseUrl, 'GET', `/v1/paysera/allowances/${allowance.body.id}`, { token: m.key })).body.usedAmount).toEqual({ value: 3000, currency: 'EUR' });

    const tooMuch = await createTransaction(m, { consentId, amount: { value: 2500, currency: 'EUR' } });
    expect(expectProblem(await act(m, tooMuch.body.id, 'reserve', { source: 'allowance' }), 422, 'PROVIDER_REJECTED').detail).toContain('exceeds the allowance');

    const canceled = await call(t.baseUrl, 'DELETE', `/v1/paysera/allowances/${allowance.body.id}`, { token: m.key });
    expect(canceled.body.status).toBe('canceled');
    await callbacksFor(allowance.body.providerReference, 1);
    expectProblem(await act(m, tooMuch.body.id, 'reserve', { source: 'allowance' }), 409, 'CONFLICT');
    for (const [method, path] of [
      ['GET', `/v1/paysera/allowances/${allowance.body.id}`],
      ['DELETE', `/v1/paysera/allowances/${allowance.body.id}`],
    ] as const) {
      expectProblem(await call(t.baseUrl, method, path, { token: other.key }), 404, 'NOT_FOUND');
    }
  });

  it('an expired access token is refreshed once (new MAC credentials), then the call goes through', async () => {
    const { id } = await connect(m);
    await control('POST', 'tokens/expire', {});
    const refreshes = (await journal('token')).filter((r) => r.grantType === 'refresh_token').length;
    const replies = await Promise.all(Array.from({ length: 5 }, () => call(t.baseUrl, 'GET', `/v1/paysera/consents/${id}/user`, { token: m.key })));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect((await journal('token')).filter((r) => r.grantType === 'refresh_token').length).toBe(refreshes + 1);
    expect((await journal('user.get')).some((r) => r.status === 401 && r.error === 'invalid_grant')).toBe(true);
  });

  it('a revoked token (the user withdrew the app at Paysera): refresh refused with invalid_grant -> consent expired', async () => {
    const { id } = await connect(m, FULL, 'egle@example.lt');
    expect((await control('POST', 'tokens/revoke', { user: 'egle@example.lt' })).body.count).toBeGreaterThanOrEqual(1);
    expectProblem(await call(t.baseUrl, 'GET', `/v1/paysera/consents/${id}/balance`, { token: m.key }), 409, 'CONSENT_NOT_ACTIVE');
    const consent = await call(t.baseUrl, 'GET', `/v1/consents/${id}`, { token: m.key });
    expect(consent.body).toMatchObject({ status: 'expired', lastError: expect.stringContaining('Refresh token status invalid') });
    expect(await db().query('SELECT 1 FROM tokens WHERE consent_id = $1', [id])).toEqual([]);
  });

  it('withdrawing the consent revokes the access token at Paysera', async () => {
    const { id } = await connect(m);
    const withdrawn = await call(t.baseUrl, 'DELETE', `/v1/consents/${id}`, { token: m.key });
    expect(withdrawn.body.status).toBe('terminatedByTpp');
    expect((await journal('token.revoke')).at(-1)).toMatchObject({ status: 200, credential: 'client' });
  });

  it('a timestamp outside Paysera’s window: the client reads the server time, keeps the offset and retries once', async () => {
    const { id } = await connect(m);
    await control('POST', 'clock-skew', { seconds: 900 });
    const seen = (await journal()).length;
    expect((await call(t.baseUrl, 'GET', `/v1/paysera/consents/${id}/balance`, { token: m.key })).status).toBe(200);
    expect((await journal()).slice(seen).map((r) => [r.operation, r.status, r.error])).toEqual([
      ['wallet.balance', 401, 'invalid_timestamp'],
      ['server', 200, undefined],
      ['wallet.balance', 200, undefined],
    ]);
    // The offset is kept: the next call is right the first time, also for client calls.
    const kept = (await journal()).length;
    expect((await createTransaction(m)).status).toBe(201);
    expect((await journal()).slice(kept).map((r) => [r.operation, r.status])).toEqual([['transaction.create', 200]]);
    // And when Paysera's clock comes back, the client follows it back.
    await control('POST', 'clock-skew', { seconds: 0 });
    expect((await call(t.baseUrl, 'GET', `/v1/paysera/consents/${id}/user`, { token: m.key })).status).toBe(200);
    expect(t.app.get(PayseraClient).clockOffset).toBeLessThanOrEqual(1);
  });

  it('the emulator refuses a tampered body, a wrong MAC key and a replayed nonce; the client reports them as provider errors', async () => {
    const config = t.app.get<PayseraConfig>(PAYSERA_CONFIG);
    const mac = t.app.get(PayseraMacService);
    const client = { macId: config.clientId, macKey: config.macKey };
    const url = `${config.apiBaseUrl}/rest/v1/transaction`;
    const body = JSON.stringify({ payments: [{ description: 'Tea', price: 150, currency: 'EUR' }], callback_uri: false });
    const signature = mac.sign({ method: 'POST', url, body }, client);
    const tampered = await fetch(url, { method: 'POST', headers: { authorization: signature.authorization, 'content-type': 'application/json' }, body: body.replace('150', '15000') });
    expect(tampered.status).toBe(401);
    expect(await tampered.json()).toEqual({ error: 'unauthorized', error_description: 'Body hash does not match' });

    const wrongKey = new PayseraClient({ ...config, macKey: 'x'.repeat(32) }, mac);
    await expect(wrongKey.getTransaction('anything')).rejects.toMatchObject({ code: 'PROVIDER_ERROR', message: expect.stringContaining('Invalid MAC signature') });
    const sameNonce = new PayseraClient(config, new PayseraMacService({ nonce: () => 'always-the-same-nonce' }));
    const created = await createTransaction(m);
    await expect(sameNonce.getTransaction(created.body.providerReference)).resolves.toMatchObject({ status: 'new' });
    await expect(sameNonce.getTransaction(created.body.providerReference)).rejects.toMatchObject({ code: 'PROVIDER_ERROR', message: expect.stringContaining('Nonce already used') });
    // Gatehouse's own client draws a fresh nonce per request: the same call twice in one second is fine.
    const real = t.app.get(PayseraClient);
    await real.getTransaction(created.body.providerReference);
    await real.getTransaction(created.body.providerReference);
  });

  it('a callback with a bad signature is refused (401), logged without its content, and changes nothing', async () => {
    const created = await createTransaction(m);
    const key = created.body.providerReference as string;
    const event = JSON.stringify({ object: 'transaction', type: 'confirmed', data: { transaction_key: key, status: 'confirmed', payments: [{ price: 1250, price_decimal: '12.50', currency: 'EUR' }] } });
    const forger = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = rsaSign('sha256', Buffer.from(event), forger.privateKey).toString('base64');
    const warn = jest.spyOn(Logger.prototype, 'warn');
    try {
      for (const body of [new URLSearchParams({ event, sign: forged }), new URLSearchParams({ event }), new URLSearchParams({ event, sign: 'not base64!' })]) {
        const reply = await call(t.baseUrl, 'POST', '/callbacks/paysera', { body: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
        expectProblem(reply, 401, 'INVALID_SIGNATURE');
      }
      const logged = JSON.stringify(warn.mock.calls);
      expect(logged).toContain('Paysera callback refused');
      expect(logged).not.toContain(key);
      expect(logged).not.toContain('confirmed');
    } finally {
      warn.mockRestore();
    }
    expect((await db().query('SELECT status FROM payments WHERE id = $1', [created.body.id]))[0].status).toBe('requires_action');
    expect(await db().query('SELECT 1 FROM paysera_callbacks WHERE object_id = $1', [key])).toEqual([]);
  });

  it('duplicated callbacks are applied once', async () => {
    await control('POST', 'callbacks', { mode: 'duplicate' });
    try {
      const created = await createTransaction(m, { autoConfirm: true });
      const key = created.body.providerReference as string;
      await onConfirmationPage(created.body.nextAction.redirectUrl, 'jonas@example.lt', 'approve');
      const sent = await callbacksFor(key, 4);
      expect(sent.map((c) => c.status)).toEqual([200, 200, 200, 200]);
      expect(await storedStatus(created.body.id, (s) => s === 'succeeded')).toBe('succeeded');
      const recorded = await db().query('SELECT type FROM paysera_callbacks WHERE object_id = $1', [key]);
      expect(recorded.map((r: { type: string }) => r.type).sort()).toEqual(['confirmed', 'reserved']);
    } finally {
      await control('POST', 'callbacks', { mode: 'deliver' });
    }
  });

  it('refuses what the consent does not grant before calling Paysera, and bad input with 400', async () => {
    const { id } = await connect(m, ['balance'], 'egle@example.lt');
    const calls = (await journal()).length;
    expectProblem(await call(t.baseUrl, 'GET', `/v1/paysera/consents/${id}/user`, { token: m.key }), 403, 'CONSENT_SCOPE_MISSING');
    const created = await createTransaction(m, { consentId: id });
    expect((await journal()).length).toBe(calls + 1); // only the transaction
    expectProblem(await act(m, created.body.id, 'reserve'), 403, 'CONSENT_SCOPE_MISSING');
    expectProblem(
      await call(t.baseUrl, 'POST', `/v1/paysera/consents/${id}/allowances`, { token: m.key, json: { reference: ref('a'), maxAmount: { value: 100, currency: 'EUR' } } }),
      403,
      'CONSENT_SCOPE_MISSING',
    );
    expect((await call(t.baseUrl, 'GET', `/v1/paysera/consents/${id}/balance`, { token: m.key })).status).toBe(200);

    const fields = async (body: Record<string, unknown>) => expectProblem(await createTransaction(m, body), 400, 'VALIDATION_FAILED').errors.map((e: { field: string }) => e.field);
    expect(await fields({ amount: { value: 1250, currency: 'USD' } })).toEqual(['amount.currency']);
    expect(await fields({ amount: { value: 12.5, currency: 'EUR' } })).toEqual(['amount.value']);
    expect(await fields({ redirectUrl: 'https://evil.example/return' })).toEqual(['redirectUrl']);
    expect(await fields({ description: 'line\nbreak' })).toEqual(['description']);
    const reference = ref('order');
    await createTransaction(m, { reference });
    expectProblem(await createTransaction(m, { reference, amount: { value: 1, currency: 'EUR' } }), 422, 'UNPROCESSABLE');
  });

  it('another merchant gets 404 for the consent routes and the payment', async () => {
    const { id } = await connect(m);
    const created = await createTransaction(m, { consentId: id });
    for (const [method, path] of [
      ['GET', `/v1/paysera/consents/${id}/user`],
      ['GET', `/v1/paysera/consents/${id}/balance`],
      ['POST', `/v1/paysera/consents/${id}/allowances`],
      ['GET', `/v1/paysera/transactions/${created.body.id}`],
      ['POST', `/v1/paysera/transactions/${created.body.id}/reserve`],
      ['POST', `/v1/paysera/transactions/${created.body.id}/confirm`],
      ['POST', `/v1/paysera/transactions/${created.body.id}/revoke`],
    ] as const) {
      const json = path.endsWith('allowances') ? { reference: 'x', maxAmount: { value: 100, currency: 'EUR' } } : method === 'POST' ? {} : undefined;
      expectProblem(await call(t.baseUrl, method, path, { token: other.key, json }), 404, 'NOT_FOUND');
    }
    expectProblem(await createTransaction(other, { consentId: id }), 404, 'NOT_FOUND');
    expect((await call(t.baseUrl, 'GET', `/v1/paysera/transactions/${created.body.id}`, { token: m.key })).body.status).toBe('requires_action');
  });
});

describe('Paysera configuration', () => {
  const production = { GATEHOUSE_MODE: 'production', TOKEN_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}` };

  it('sends integer cents (price) when PAYSERA_AMOUNT_FORMAT=cents', async () => {
    const t = await startTestApp({ PAYSERA_AMOUNT_FORMAT: 'cents' });
    try {
      const { key } = await createMerchant(t.baseUrl, 'Cents shop', { scopes: ['payments', 'read'] });
      const payment = await call(t.baseUrl, 'POST', '/v1/paysera/transactions', { token: key, json: { reference: 'c-1', amount: { value: 101, currency: 'EUR' }, description: 'Gum' } });
      expect(payment.body).toMatchObject({ status: 'requires_action', amount: { value: 101, currency: 'EUR' } });
      // Paysera's own view of it: 101 cents, "1.01".
      const client = t.app.get(PayseraClient);
      expect((await client.getTransaction(payment.body.providerReference)).payments).toEqual([expect.objectContaining({ price: '101', price_decimal: '1.01' })]);
    } finally {
      await t.close();
    }
  });

  it('in production: half configured stops the boot naming what is missing; unconfigured, Paysera is off', async () => {
    await expect(startTestApp({ ...production, PAYSERA_API_BASE_URL: 'https://wallet.paysera.com' })).rejects.toThrow(/PAYSERA_AUTH_BASE_URL[\s\S]*PAYSERA_CLIENT_ID[\s\S]*PAYSERA_MAC_KEY/);
    const t = await startTestApp(production);
    try {
      const merchant = await call(t.baseUrl, 'POST', '/admin/merchants', { token: ADMIN_TOKEN, json: { name: 'Prod', allowedReturnUrls: ['https://shop.example/r'] } });
      const key = (await call(t.baseUrl, 'POST', `/admin/merchants/${merchant.body.id}/api-keys`, { token: ADMIN_TOKEN, json: { scopes: ['consents', 'payments', 'read'] } })).body.key;
      expectProblem(await call(t.baseUrl, 'POST', '/v1/paysera/transactions', { token: key, json: { reference: 'p-1', amount: { value: 100, currency: 'EUR' }, description: 'x' } }), 503, 'SERVICE_UNAVAILABLE');
      const consent = await call(t.baseUrl, 'POST', '/v1/consents', { token: key, json: { provider: 'paysera', psuReference: 'x', scopes: ['balance'], returnUrl: 'https://shop.example/r' } });
      expect(expectProblem(consent, 400, 'VALIDATION_FAILED').errors[0].field).toBe('provider');
      expect(await t.app.get(DataSource).query(`SELECT 1 FROM payments WHERE provider = 'paysera' AND reference = 'p-1'`)).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
