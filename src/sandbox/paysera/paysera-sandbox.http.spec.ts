import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createVerify } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { startEmulatorApp } from '../../../test/helpers/emulator-app.js';
import { send, sendJson, type WireReply as Reply } from '../../../test/helpers/wire.js';
import { OffsetClock, PayseraMacService, type MacCredentials } from '../../crypto/paysera-mac.service.js';
import { PAYSERA_SANDBOX_CLIENT, PAYSERA_SANDBOX_PASSWORD } from '../sandbox-accounts.js';
import { PayseraSandboxModule } from './paysera-sandbox.module.js';

/** The Paysera emulator over real HTTP, in a minimal Nest app set up like Gatehouse's, signed as a client signs. */

const PUBLIC_BASE_URL = 'http://gatehouse.test';
const REDIRECT = `${PUBLIC_BASE_URL}/oauth/paysera/callback`;
const CLIENT: MacCredentials = { macId: PAYSERA_SANDBOX_CLIENT.clientId, macKey: PAYSERA_SANDBOX_CLIENT.macKey };
const signer = new PayseraMacService();

let app: NestExpressApplication;
let base: string;

interface Received {
  fields: URLSearchParams;
  raw: string;
}
let receiver: Server;
let receiverUrl: string;
let received: Received[] = [];
let waiters: Array<() => void> = [];

beforeAll(async () => {
  const emulator = await startEmulatorApp(PayseraSandboxModule, { publicBaseUrl: PUBLIC_BASE_URL });
  app = emulator.app;
  base = `${emulator.origin}/sandbox/paysera`;
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ raw, fields: new URLSearchParams(raw) });
      res.end('OK');
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/callbacks/paysera`;
});

afterAll(async () => {
  await app?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

beforeEach(async () => {
  received = [];
  expect((await control('POST', 'reset')).status).toBe(200);
});

// ---- helpers ----

function control(method: string, path: string, json?: unknown): Promise<Reply> {
  return sendJson(`${base}/__control/${path}`, method, json);
}

interface SignedOptions {
  body?: string;
  contentType?: string;
  ts?: number;
  nonce?: string;
  mutate?: (authorization: string) => string;
  signer?: PayseraMacService;
}

/** A request signed exactly as a Paysera client signs it (host and port of the URL, body hash of the bytes sent). */
function signed(method: string, path: string, credentials: MacCredentials, options: SignedOptions = {}): Promise<Reply> {
  const url = `${base}${path}`;
  const signature = (options.signer ?? signer).sign({ method, url, body: options.body }, credentials, { ts: options.ts, nonce: options.nonce });
  const headers: Record<string, string> = { authorization: options.mutate ? options.mutate(signature.authorization) : signature.authorization };
  if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  return send(url, { method, headers, body: options.body });
}

function json(method: string, path: string, credentials: MacCredentials, body: unknown): Promise<Reply> {
  return signed(method, path, credentials, { body: JSON.stringify(body) });
}

function tokenCall(params: Record<string, string>, credentials: MacCredentials = CLIENT): Promise<Reply> {
  return signed('POST', '/oauth/v1/token', credentials, { body: new URLSearchParams(params).toString(), contentType: 'application/x-www-form-urlencoded' });
}

function authorizeUrl(overrides: Record<string, string> = {}): string {
  const params = { response_type: 'code', client_id: CLIENT.macId, scope: 'user_info balance initiate_transfers', redirect_uri: REDIRECT, state: 'st-1', ...overrides };
  return `${base}/oauth?${new URLSearchParams(params)}`;
}

function callbackParams(reply: Reply): URLSearchParams {
  expect(reply.status).toBe(302);
  const location = new URL(reply.headers.get('location')!);
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
  return location.searchParams;
}

async function connect(scope = 'user_info balance initiate_transfers', user?: string): Promise<{ creds: MacCredentials; refresh: string; body: any }> {
  expect((await control('POST', 'next-decision', { decision: 'approve', ...(user ? { user } : {}) })).status).toBe(200);
  const code = callbackParams(await send(authorizeUrl({ scope }))).get('code')!;
  const reply = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
  expect(reply.status).toBe(200);
  return { creds: { macId: reply.body.access_token, macKey: reply.body.mac_key }, refresh: reply.body.refresh_token, body: reply.body };
}

function nextCallback(count = 1, timeoutMs = 3000): Promise<Received[]> {
  return new Promise((resolve, reject) => {
    const check = () => (received.length >= count ? resolve(received.slice(0, count)) : waiters.push(check));
    const timer = setTimeout(() => reject(new Error(`only ${received.length} callbacks`)), timeoutMs);
    timer.unref();
    check();
  });
}

async function newTransaction(body: Record<string, unknown> = {}): Promise<Reply> {
  return json('POST', '/rest/v1/transaction', CLIENT, { payments: [{ description: 'Order 1', price_decimal: '12.50', currency: 'EUR' }], callback_uri: receiverUrl, ...body });
}

async function user(email: string): Promise<any> {
  return (await control('GET', 'users')).body.data.find((u: { email: string }) => u.email === email);
}

// ---- OAuth ----

describe('OAuth authorization page', () => {
  it('renders a login and consent page with scopes in words, test users and a strict CSP, then issues a code on a form POST', async () => {
    const page = await send(authorizeUrl());
    expect(page.status).toBe(200);
    expect(page.text).toContain('See your wallet balance');
    expect(page.text).toContain('jonas@example.lt');
    expect(page.text).not.toContain('<script');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('form-action');
    const nonce = /name="nonce" value="([^"]+)"/.exec(page.text)![1]!;
    const form = (fields: Record<string, string>) =>
      send(`${base}/oauth`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
    const wrong = await form({ nonce, email: 'jonas@example.lt', password: 'nope', decision: 'approve' });
    expect(wrong.status).toBe(200);
    expect(wrong.text).toContain('incorrect');
    const retryNonce = /name="nonce" value="([^"]+)"/.exec(wrong.text)![1]!;
    const params = callbackParams(await form({ nonce: retryNonce, email: 'jonas@example.lt', password: PAYSERA_SANDBOX_PASSWORD, decision: 'approve' }));
    expect(params.get('state')).toBe('st-1');
    expect(params.get('code')).toBeTruthy();
    expect((await form({ nonce: retryNonce, decision: 'approve' })).status).toBe(400); // single use
  });

  it('denies via the page and via next-decision with access_denied and the state', async () => {
    const page = await send(authorizeUrl());
    const nonce = /name="nonce" value="([^"]+)"/.exec(page.text)![1]!;
    const denied = await send(`${base}/oauth`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `nonce=${nonce}&decision=deny` });
    expect(callbackParams(denied).get('error')).toBe('access_denied');
    await control('POST', 'next-decision', { decision: 'deny' });
    const params = callbackParams(await send(authorizeUrl()));
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('state')).toBe('st-1');
  });

  it('shows a page (no redirect) for an unknown client or redirect_uri, and redirects scope errors', async () => {
    expect((await send(authorizeUrl({ client_id: 'nobody' }))).status).toBe(400);
    expect((await send(authorizeUrl({ redirect_uri: 'http://evil.test/cb' }))).status).toBe(400);
    expect(callbackParams(await send(authorizeUrl({ scope: 'balance root' }))).get('error')).toBe('invalid_scope');
  });
});

describe('token endpoint', () => {
  it('issues MAC credentials exactly as A.8 shows them, single-use codes', async () => {
    await control('POST', 'next-decision', { decision: 'approve' });
    const code = callbackParams(await send(authorizeUrl())).get('code')!;
    const reply = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.body).sort()).toEqual(['access_token', 'expires_in', 'mac_algorithm', 'mac_key', 'refresh_token', 'token_type']);
    expect(reply.body).toMatchObject({ token_type: 'mac', mac_algorithm: 'hmac-sha-256', expires_in: 3600 });
    const again = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    expect(again).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('needs the client MAC signature and the matching redirect_uri', async () => {
    await control('POST', 'next-decision', { decision: 'approve' });
    const code = callbackParams(await send(authorizeUrl())).get('code')!;
    const unsigned = await send(`${base}/oauth/v1/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=authorization_code&code=${code}` });
    expect(unsigned).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    const wrongKey = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT }, { macId: CLIENT.macId, macKey: 'x'.repeat(32) });
    expect(wrongKey).toMatchObject({ status: 401, body: { error: 'unauthorized', error_description: 'Invalid MAC signature' } });
    const mismatch = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: `${REDIRECT}/x` });
    expect(mismatch).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('refreshes with rotation and answers Paysera’s invalid_grant messages', async () => {
    const { refresh } = await connect();
    const first = await tokenCall({ grant_type: 'refresh_token', refresh_token: refresh });
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).not.toBe(refresh);
    expect((await tokenCall({ grant_type: 'refresh_token', refresh_token: refresh })).body).toEqual({ error: 'invalid_grant', error_description: 'Refresh token status invalid' });
    expect((await tokenCall({ grant_type: 'refresh_token', refresh_token: 'nope' })).body).toEqual({ error: 'invalid_grant', error_description: 'No such refresh token' });
    await control('POST', 'time/advance', { seconds: 91 * 24 * 3600 });
    expect((await tokenCall({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token })).body).toEqual({ error: 'invalid_grant', error_description: 'Refresh token expired' });
  });

  it('withdraws a user’s grants via control: access tokens 401 unauthorized, refresh "Refresh token status invalid"', async () => {
    const { creds, refresh } = await connect();
    const other = await connect('balance', 'egle@example.lt');
    expect((await control('POST', 'tokens/revoke', { user: 'jonas@example.lt' })).body).toEqual({ count: 1 });
    expect(await signed('GET', '/rest/v1/user/me', creds)).toMatchObject({ status: 401, body: { error: 'unauthorized', error_description: 'Invalid MAC credentials' } });
    expect((await tokenCall({ grant_type: 'refresh_token', refresh_token: refresh })).body.error_description).toBe('Refresh token status invalid');
    expect((await signed('GET', '/rest/v1/wallet/me/balance', other.creds)).status).toBe(200);
  });

  it('revokes refresh tokens via control, and access tokens via DELETE /oauth/v1/token', async () => {
    const { creds, refresh } = await connect();
    expect((await control('POST', 'refresh-tokens/revoke', {})).body).toEqual({ count: 1 });
    expect((await tokenCall({ grant_type: 'refresh_token', refresh_token: refresh })).body.error_description).toBe('Refresh token status invalid');
    const revoked = await signed('DELETE', `/oauth/v1/token?access_token=${encodeURIComponent(creds.macId)}`, CLIENT);
    expect(revoked.status).toBe(200);
    expect((await signed('GET', '/rest/v1/user/me', creds)).status).toBe(401);
  });
});

// ---- MAC checks (A.6) ----

describe('MAC verification', () => {
  it('rejects each failure with the A.6 code and description', async () => {
    const { creds } = await connect();
    const path = '/rest/v1/wallet/me/balance';
    expect((await send(`${base}${path}`)).body).toEqual({ error: 'unauthorized', error_description: 'Missing or malformed MAC authorization header' });
    expect((await signed('GET', path, { macId: 'unknown', macKey: 'k' })).body.error_description).toBe('Invalid MAC credentials');
    expect((await signed('GET', path, { ...creds, macKey: 'wrong' })).body).toEqual({ error: 'unauthorized', error_description: 'Invalid MAC signature' });
    const now = Math.floor(Date.now() / 1000);
    expect((await signed('GET', path, creds, { ts: now + 301 }))).toMatchObject({ status: 401, body: { error: 'invalid_timestamp', error_description: 'Timestamp is in future' } });
    expect((await signed('GET', path, creds, { ts: now - 301 })).body).toEqual({ error: 'invalid_timestamp', error_description: 'Timestamp lifetime exceeded' });
    const nonce = 'a nonce, with = and spaces';
    expect((await signed('GET', path, creds, { ts: now, nonce })).status).toBe(200);
    expect((await signed('GET', path, creds, { ts: now, nonce })).body).toEqual({ error: 'unauthorized', error_description: 'Nonce already used' });
  });

  it('checks the body hash against the raw bytes (also for bytes a JSON parser would normalise)', async () => {
    const body = '{ "payments" : [ {"description":"Tea","price":150,"currency":"EUR"} ] }';
    const okReply = await signed('POST', '/rest/v1/transaction', CLIENT, { body });
    expect(okReply.status).toBe(200);
    const tampered = await signed('POST', '/rest/v1/transaction', CLIENT, { body, mutate: (h) => h.replace(/ext="[^"]*"/, 'ext="body_hash=AAAA"') });
    expect(tampered.body).toEqual({ error: 'unauthorized', error_description: 'Body hash does not match' });
    const url = `${base}/rest/v1/transaction`;
    const sig = signer.sign({ method: 'POST', url, body }, CLIENT);
    const swapped = await send(url, { method: 'POST', headers: { authorization: sig.authorization, 'content-type': 'application/json' }, body: body.replace('150', '151') });
    expect(swapped.body.error_description).toBe('Body hash does not match');
  });

  it('reports an expired token as 401 invalid_grant "Token has expired"', async () => {
    const { creds } = await connect();
    expect((await control('POST', 'tokens/expire', { user: 'jonas@example.lt' })).body).toEqual({ count: 1 });
    expect(await signed('GET', '/rest/v1/user/me', creds)).toMatchObject({ status: 401, body: { error: 'invalid_grant', error_description: 'Token has expired' } });
  });

  it('lets a client recover from clock skew via GET /rest/v1/server (unsigned) and one retry', async () => {
    const { creds } = await connect();
    await control('POST', 'clock-skew', { seconds: 900 });
    const failed = await signed('GET', '/rest/v1/user/me', creds);
    expect(failed.body.error).toBe('invalid_timestamp');
    const server = await send(`${base}/rest/v1/server`);
    expect(server.status).toBe(200);
    expect(server.body.time).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 899);
    const clock = new OffsetClock();
    clock.syncTo(server.body.time);
    const synced = new PayseraMacService({ clock: clock.now });
    expect((await signed('GET', '/rest/v1/user/me', creds, { signer: synced })).status).toBe(200);
  });

  it('accepts the legacy /wallet prefix', async () => {
    expect((await signed('GET', '/wallet/rest/v1/wallet/2000001/balance', CLIENT)).status).toBe(200);
  });
});

// ---- wallet API ----

describe('wallet API', () => {
  it('serves user/me and the balance in cents and decimals, with scope checks and token kinds', async () => {
    const { creds } = await connect();
    const me = await signed('GET', '/rest/v1/user/me', creds);
    expect(me.body).toMatchObject({ id: 1000001, email: 'jonas@example.lt', wallets: [2000001] });
    expect(me.headers.get('paysera-correlation-id')).toBeTruthy();
    expect((await signed('GET', '/rest/v1/wallet/me/balance', creds)).body).toEqual({ EUR: { at_disposal: 250000, reserved: 0, at_disposal_decimal: '2500.00', reserved_decimal: '0.00' } });
    expect((await signed('GET', '/rest/v1/user/me', CLIENT)).status).toBe(403);
    const narrow = await connect('balance', 'egle@example.lt');
    expect(await signed('GET', '/rest/v1/user/me', narrow.creds)).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    expect((await signed('GET', '/rest/v1/wallet/2000001/balance', narrow.creds)).status).toBe(403);
  });

  it('runs a transaction: create → reserve (user) → confirm (client), with signed callbacks verifiable with /publickey', async () => {
    const { creds } = await connect();
    const created = await newTransaction();
    expect(created.body).toMatchObject({ status: 'new', payments: [{ price: 1250, price_decimal: '12.50', currency: 'EUR', status: 'new' }] });
    const key = created.body.transaction_key as string;
    const reserved = await signed('PUT', `/rest/v1/transaction/${key}/reserve`, creds);
    expect(reserved.body).toMatchObject({ status: 'reserved', wallet: 2000001 });
    expect(await user('jonas@example.lt')).toMatchObject({ atDisposal: 248750, reserved: 1250 });
    expect((await signed('PUT', `/rest/v1/transaction/${key}/confirm`, creds)).status).toBe(403); // client call
    const confirmed = await signed('PUT', `/rest/v1/transaction/${key}/confirm`, CLIENT);
    expect(confirmed.body).toMatchObject({ status: 'confirmed', payments: [{ status: 'confirmed' }] });
    expect(await user('jonas@example.lt')).toMatchObject({ atDisposal: 248750, reserved: 0 });
    expect((await signed('DELETE', `/rest/v1/transaction/${key}`, CLIENT))).toMatchObject({ status: 409, body: { error: 'invalid_state' } });
    expect((await signed('GET', `/rest/v1/transaction/${key}`, CLIENT)).body.status).toBe('confirmed');

    const events = await nextCallback(2);
    const publicKey = (await send(`${base}/publickey`)).text;
    expect(publicKey).toContain('BEGIN PUBLIC KEY');
    for (const e of events) {
      const raw = e.fields.get('event')!;
      expect(createVerify('sha256').update(raw).verify(publicKey, e.fields.get('sign')!, 'base64')).toBe(true);
    }
    expect(events.map((e) => JSON.parse(e.fields.get('event')!).type)).toEqual(['reserved', 'confirmed']);
    expect(JSON.parse(events[0]!.fields.get('event')!)).toMatchObject({ object: 'transaction', data: { transaction_key: key } });
  });

  it('refuses wrong transitions, insufficient funds and bad amounts; revoking a reservation releases it', async () => {
    const poor = await connect('initiate_transfers', 'tomas@example.lt');
    const key = (await newTransaction({ callback_uri: false })).body.transaction_key;
    expect((await signed('PUT', `/rest/v1/transaction/${key}/confirm`, CLIENT)).body.error).toBe('invalid_state');
    expect(await signed('PUT', `/rest/v1/transaction/${key}/reserve`, poor.creds)).toMatchObject({ status: 409, body: { error_description: 'Not enough funds in the wallet' } });
    const rich = await connect();
    expect((await signed('PUT', `/rest/v1/transaction/${key}/reserve`, rich.creds)).body.status).toBe('reserved');
    expect((await signed('PUT', `/rest/v1/transaction/${key}/reserve`, rich.creds)).body.error).toBe('invalid_state');
    expect((await signed('DELETE', `/rest/v1/transaction/${key}`, CLIENT)).body.status).toBe('revoked');
    expect(await user('jonas@example.lt')).toMatchObject({ atDisposal: 250000, reserved: 0 });
    for (const payment of [{ price: 1.5 }, { price_decimal: '1.005' }, { price: 100, price_decimal: '1.00' }, { price: '100' }]) {
      const bad = await json('POST', '/rest/v1/transaction', CLIENT, { payments: [{ description: 'x', currency: 'EUR', ...payment }] });
      expect(bad).toMatchObject({ status: 400, body: { error: 'invalid_parameters' } });
    }
    expect((await signed('GET', '/rest/v1/transaction/nope', CLIENT)).status).toBe(404);
  });

  it('creates, gets and cancels a standalone payment', async () => {
    const created = await json('POST', '/rest/v1/payment', CLIENT, { description: 'Tea', price: 300, currency: 'EUR' });
    expect(created.body).toMatchObject({ status: 'new', price_decimal: '3.00' });
    expect((await signed('GET', `/rest/v1/payment/${created.body.id}`, CLIENT)).body.id).toBe(created.body.id);
    expect((await signed('DELETE', `/rest/v1/payment/${created.body.id}`, CLIENT)).body.status).toBe('canceled');
    expect((await signed('DELETE', `/rest/v1/payment/${created.body.id}`, CLIENT)).status).toBe(409);
  });

  it('handles allowances: create (user), reserve from the allowance (client), limits, cancel', async () => {
    const { creds } = await connect();
    const allowance = await json('POST', '/rest/v1/allowance', creds, { description: 'Subscriptions', currency: 'EUR', max_price: 2000, valid_for: 3600 });
    expect(allowance.body).toMatchObject({ status: 'active', max_price: 2000, max_price_decimal: '20.00', wallet: 2000001 });
    expect((await signed('GET', '/rest/v1/allowance/active/me', creds)).body.id).toBe(allowance.body.id);
    const key = (await newTransaction({ auto_confirm: true, callback_uri: false })).body.transaction_key;
    expect((await signed('PUT', `/rest/v1/transaction/${key}/reserve/2000001`, CLIENT)).body).toMatchObject({ status: 'confirmed', type: 'automatic' });
    expect((await signed('GET', `/rest/v1/allowance/${allowance.body.id}`, CLIENT)).body.used_price).toBe(1250);
    const tooMuch = (await newTransaction({ callback_uri: false })).body.transaction_key;
    expect((await signed('PUT', `/rest/v1/transaction/${tooMuch}/reserve/2000001`, CLIENT)).body.error_description).toBe('The amount exceeds the allowance');
    expect((await signed('DELETE', `/rest/v1/allowance/${allowance.body.id}`, CLIENT)).body.status).toBe('deleted');
    expect((await signed('DELETE', `/rest/v1/allowance/${allowance.body.id}`, CLIENT)).status).toBe(409);
    expect((await signed('PUT', `/rest/v1/transaction/${tooMuch}/reserve/2000001`, CLIENT)).body.error_description).toBe('The wallet has no active allowance for this client');
    expect((await json('POST', '/rest/v1/allowance', CLIENT, { currency: 'EUR', max_price: 100 })).status).toBe(403);
  });
});

// ---- the transaction confirmation page (A.1 {auth}/wallet/confirm/{key}) ----

describe('transaction confirmation page', () => {
  const pageUrl = (key: string) => `${base}/wallet/confirm/${encodeURIComponent(key)}`;
  const nonceOf = (html: string) => /name="nonce" value="([^"]+)"/.exec(html)![1]!;
  const submit = (key: string, fields: Record<string, string>) =>
    send(pageUrl(key), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

  it('shows who asks for how much; the payer logs in and pays: reserved (callback), then to redirect_uri', async () => {
    const created = await newTransaction({ redirect_uri: 'https://shop.example/back' });
    const key = created.body.transaction_key as string;
    const page = await send(pageUrl(key));
    expect(page.status).toBe(200);
    expect(page.text).toContain('12.50 EUR');
    expect(page.text).toContain('Order 1');
    expect(page.text).not.toContain('<script');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const wrong = await submit(key, { nonce: nonceOf(page.text), email: 'egle@example.lt', password: 'nope', decision: 'approve' });
    expect(wrong.status).toBe(200);
    expect(wrong.text).toContain('incorrect');
    const paid = await submit(key, { nonce: nonceOf(wrong.text), email: 'egle@example.lt', password: PAYSERA_SANDBOX_PASSWORD, decision: 'approve' });
    expect(paid.status).toBe(302);
    expect(paid.headers.get('location')).toBe('https://shop.example/back');
    expect((await signed('GET', `/rest/v1/transaction/${key}`, CLIENT)).body).toMatchObject({ status: 'reserved', wallet: 2000002, type: 'page' });
    expect(await user('egle@example.lt')).toMatchObject({ atDisposal: 12000 - 1250, reserved: 1250 });
    const [event] = await nextCallback(1);
    expect(JSON.parse(event!.fields.get('event')!)).toMatchObject({ object: 'transaction', type: 'reserved', data: { transaction_key: key } });
    // The page is single use and the transaction is no longer waiting.
    expect((await submit(key, { nonce: nonceOf(wrong.text), decision: 'approve' })).status).toBe(400);
    expect((await send(pageUrl(key))).status).toBe(409);
  });

  it('confirms at once with auto_confirm; a decline rejects; missing funds keep it waiting', async () => {
    const auto = (await newTransaction({ auto_confirm: true, callback_uri: false })).body.transaction_key as string;
    const page = await send(pageUrl(auto));
    const paid = await submit(auto, { nonce: nonceOf(page.text), email: 'jonas@example.lt', password: PAYSERA_SANDBOX_PASSWORD, decision: 'approve' });
    expect(paid.status).toBe(200);
    expect((await signed('GET', `/rest/v1/transaction/${auto}`, CLIENT)).body.status).toBe('confirmed');

    const declined = (await newTransaction()).body.transaction_key as string;
    const deny = await submit(declined, { nonce: nonceOf((await send(pageUrl(declined))).text), decision: 'deny' });
    expect(deny.status).toBe(200);
    expect((await signed('GET', `/rest/v1/transaction/${declined}`, CLIENT)).body.status).toBe('rejected');
    expect(JSON.parse((await nextCallback(1))[0]!.fields.get('event')!).type).toBe('rejected');

    const poor = (await newTransaction({ callback_uri: false })).body.transaction_key as string;
    const refused = await submit(poor, { nonce: nonceOf((await send(pageUrl(poor))).text), email: 'tomas@example.lt', password: PAYSERA_SANDBOX_PASSWORD, decision: 'approve' });
    expect(refused.status).toBe(200);
    expect(refused.text).toContain('Not enough funds');
    expect((await signed('GET', `/rest/v1/transaction/${poor}`, CLIENT)).body.status).toBe('new');
    expect((await send(pageUrl('no-such-key'))).status).toBe(404);
  });
});

// ---- control ----

describe('control API', () => {
  it('drops and duplicates callbacks on request', async () => {
    const { creds } = await connect();
    await control('POST', 'callbacks', { mode: 'duplicate' });
    const key = (await newTransaction()).body.transaction_key;
    await signed('PUT', `/rest/v1/transaction/${key}/reserve`, creds);
    const [a, b] = await nextCallback(2);
    expect(a!.raw).toBe(b!.raw);
    await control('POST', 'callbacks', { mode: 'drop' });
    await signed('DELETE', `/rest/v1/transaction/${key}`, CLIENT);
    const log = (await control('GET', 'callbacks')).body.data;
    expect(log.at(-1)).toMatchObject({ type: 'revoked', outcome: 'dropped' });
    expect((await control('POST', 'callbacks', { mode: 'delay' })).status).toBe(400);
  });

  it('forces the next failure of an operation', async () => {
    await control('POST', 'fail-next', { operation: 'transaction.create', httpStatus: 503, error: 'service_unavailable' });
    expect((await newTransaction()).status).toBe(503);
    expect((await newTransaction()).status).toBe(200);
  });

  it('keeps a journal without secrets', async () => {
    const { creds, refresh, body } = await connect();
    await signed('GET', '/rest/v1/user/me', creds);
    await send(authorizeUrl());
    const journal = await control('GET', 'requests');
    const text = journal.text;
    for (const secret of [creds.macId, creds.macKey, refresh, body.mac_key, CLIENT.macKey, PAYSERA_SANDBOX_PASSWORD, 'MAC id=']) expect(text).not.toContain(secret);
    expect(journal.body.data.map((e: { operation: string }) => e.operation)).toEqual(['authorize', 'token', 'user.get', 'authorize']);
    expect((await control('GET', 'requests?operation=token')).body.data[0]).toMatchObject({ grantType: 'authorization_code', credential: 'client', userId: 1000001 });
    expect((await control('GET', 'requests?operation=bogus')).status).toBe(400);
  });

  it('validates control bodies as problem+json', async () => {
    const reply = await control('POST', 'next-decision', { decision: 'maybe' });
    expect(reply.status).toBe(400);
    expect(reply.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await control('POST', 'next-decision', { decision: 'approve', user: 'ghost@example.lt' })).status).toBe(404);
  });
});
