import type { NestExpressApplication } from '@nestjs/platform-express';
import { parseAmountToKobo } from './paga-sandbox.money.js';
import { startEmulatorApp } from '../../../test/helpers/emulator-app.js';
import { send, sendJson, type WireReply as Reply } from '../../../test/helpers/wire.js';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { PAGA_SANDBOX_CLIENT, PAGA_SANDBOX_PASSWORD } from '../sandbox-accounts.js';
import { PagaSandboxModule } from './paga-sandbox.module.js';

/** The emulator over real HTTP, in a minimal Nest app set up like Gatehouse's (helmet, parsers, filter, pipe). */

const PUBLIC_BASE_URL = 'http://gatehouse.test';
const REDIRECT = `${PUBLIC_BASE_URL}/oauth/paga/callback`;
const { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } = PAGA_SANDBOX_CLIENT;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let app: NestExpressApplication;
let sandbox: string;
let ws: string;

beforeAll(async () => {
  const emulator = await startEmulatorApp(PagaSandboxModule, { publicBaseUrl: PUBLIC_BASE_URL });
  app = emulator.app;
  sandbox = `${emulator.origin}/sandbox/paga`;
  ws = `${sandbox}/paga-webservices/oauth2`;
});

afterAll(async () => {
  await app?.close();
});

beforeEach(async () => {
  expect((await control('POST', 'reset')).status).toBe(200);
});

// ---- helpers ----

function control(method: string, path: string, json?: unknown): Promise<Reply> {
  return sendJson(`${sandbox}/__control/${path}`, method, json);
}

function basic(id: string = CLIENT_ID, secret: string = CLIENT_SECRET): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

function authorizeUrl(overrides: Record<string, string | undefined> = {}): string {
  const params = { client_id: CLIENT_ID, response_type: 'code', redirect_uri: REDIRECT, state: 'st-1', scope: 'MERCHANT_PAYMENT USER_DETAILS_REQUEST', user_data: 'FIRST_NAME EMAIL', ...overrides };
  const query = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
  return `${ws}/authorization?${query}`;
}

function nonceOf(html: string): string {
  const match = /name="nonce" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no nonce on the page');
  return match[1]!;
}

async function openPage(overrides: Record<string, string | undefined> = {}): Promise<Reply & { nonce: string }> {
  const page = await send(authorizeUrl(overrides));
  expect(page.status).toBe(200);
  return { ...page, nonce: nonceOf(page.text) };
}

function submitForm(fields: Record<string, string>): Promise<Reply> {
  return send(`${ws}/authorization`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
}

function callbackParams(reply: Reply): URLSearchParams {
  expect(reply.status).toBe(302);
  const location = new URL(reply.headers.get('location')!);
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
  return location.searchParams;
}

function tokenCall(params: Record<string, string>, options: { style?: 'query' | 'form'; auth?: string | null } = {}): Promise<Reply> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.auth !== null) headers.authorization = options.auth ?? basic();
  const query = new URLSearchParams(params).toString();
  if (options.style === 'form') {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    return send(`${ws}/token`, { method: 'POST', headers, body: query });
  }
  // As Paga's own libraries do: parameters in the query string of an empty POST with a JSON content type.
  headers['content-type'] = 'application/json';
  return send(`${ws}/token?${query}`, { method: 'POST', headers });
}

/** Authorization code from a scripted approval (next-decision). */
async function codeFor(scope: string, userData = '', username?: string): Promise<string> {
  expect((await control('POST', 'next-decision', { decision: 'approve', ...(username ? { username } : {}) })).status).toBe(200);
  const code = callbackParams(await send(authorizeUrl({ scope, user_data: userData || undefined }))).get('code');
  expect(code).toMatch(/^[A-Za-z0-9]{6}$/);
  return code!;
}

async function connect(scope: string, userData = '', username?: string): Promise<{ access_token: string; refresh_token: string; code: string }> {
  const code = await codeFor(scope, userData, username);
  const reply = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
  expect(reply.status).toBe(200);
  return { ...reply.body, code };
}

function secure(path: string, token: string | undefined, init: { headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return send(`${ws}/secure/${path}`, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...init.headers },
    body: init.body,
  });
}

async function balanceOf(username: string): Promise<string> {
  const users = await control('GET', 'users');
  return users.body.data.find((u: { username: string }) => u.username === username).balance;
}

async function floatOf(clientId = CLIENT_ID): Promise<string> {
  const clients = await control('GET', 'clients');
  return clients.body.data.find((c: { clientId: string }) => c.clientId === clientId).floatBalance;
}

function expectJson(reply: Reply): void {
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
}

// ---- the authorization endpoint ----

describe('authorization page', () => {
  it('renders a login and consent page with the test users, the scopes and user_data in words, and its own CSP', async () => {
    // Raw URL with `+` separators and a comma, as Paga's libraries build it.
    const page = await send(
      `${ws}/authorization?client_id=${CLIENT_ID}&response_type=code&redirect_uri=${encodeURIComponent(REDIRECT)}&state=xyz&scope=MERCHANT_PAYMENT+USER_DETAILS_REQUEST,USER_REQUEST_ACCOUNT_BALANCE&user_data=FIRST_NAME+ACCOUNT_BALANCE`,
    );
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const csp = page.headers.get('content-security-policy')!;
    // No script at all; and no form-action, so that the redirect chain after the POST may leave for the merchant's origin.
    expect(csp).toMatch(/^default-src 'none'; style-src 'nonce-[A-Za-z0-9+/=]+'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'$/);
    expect(csp).not.toContain('form-action');
    expect(page.text).toContain('Pay this merchant from your Paga wallet');
    expect(page.text).toContain('See the profile details listed below');
    expect(page.text).toContain('See your wallet balance');
    expect(page.text).toContain('First name');
    expect(page.text).toContain('Wallet balance');
    expect(page.text).not.toContain('Email address'); // not requested
    for (const shown of ['adaobi', '07030280000', '250,000.00', 'bisi', '150.00', PAGA_SANDBOX_PASSWORD, PAGA_SANDBOX_CLIENT.name, 'gatehouse.test']) expect(page.text).toContain(shown);
    expect(page.text).not.toMatch(/<script|\bsrc=|<link/i);
    expect(nonceOf(page.text).length).toBeGreaterThanOrEqual(32);
  });

  it('approves through the form: 302 to the redirect_uri with a 6-character code and the state', async () => {
    const page = await openPage({ state: 'opaque state/+=' });
    const params = callbackParams(await submitForm({ nonce: page.nonce, username: 'adaobi', password: PAGA_SANDBOX_PASSWORD, decision: 'approve' }));
    expect(params.get('code')).toMatch(/^[A-Za-z0-9]{6}$/);
    expect(params.get('state')).toBe('opaque state/+=');
    expect(params.has('error')).toBe(false);
    // The code is good for tokens.
    expect((await tokenCall({ grant_type: 'authorization_code', code: params.get('code')!, redirect_uri: REDIRECT })).status).toBe(200);
  });

  it('accepts the phone number as the login', async () => {
    const page = await openPage();
    const code = callbackParams(await submitForm({ nonce: page.nonce, username: '08031234567', password: PAGA_SANDBOX_PASSWORD, decision: 'approve' })).get('code')!;
    const tokens = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    expect(tokens.body.scope).toBe('MERCHANT_PAYMENT USER_DETAILS_REQUEST');
    const details = await secure('getUserDetails', tokens.body.access_token);
    expect(details.body.detailsResult.details).toEqual({ FIRST_NAME: 'Chidi', EMAIL: 'chidi.nwosu@example.ng' });
  });

  it('uses each page nonce once: a replayed POST gets the error page, not a second code', async () => {
    const page = await openPage();
    const fields = { nonce: page.nonce, username: 'adaobi', password: PAGA_SANDBOX_PASSWORD, decision: 'approve' };
    expect((await submitForm(fields)).status).toBe(302);
    const replay = await submitForm(fields);
    expect(replay.status).toBe(400);
    expect(replay.headers.get('location')).toBeNull();
    expect(replay.text).toContain('expired or was already used');
    // Without a page at all, there is nothing to approve.
    const forged = await submitForm({ nonce: 'made-up', username: 'adaobi', password: PAGA_SANDBOX_PASSWORD, decision: 'approve' });
    expect(forged.status).toBe(400);
    expect(forged.headers.get('location')).toBeNull();
  });

  it('shows the page again on a wrong password, with a fresh nonce; the old one is spent', async () => {
    const page = await openPage();
    const wrong = await submitForm({ nonce: page.nonce, username: 'adaobi', password: 'not-the-password', decision: 'approve' });
    expect(wrong.status).toBe(200);
    expect(wrong.headers.get('location')).toBeNull();
    expect(wrong.text).toContain('The username or password is incorrect.');
    expect(wrong.text).toContain('value="adaobi"');
    const retry = nonceOf(wrong.text);
    expect(retry).not.toBe(page.nonce);
    expect((await submitForm({ nonce: page.nonce, username: 'adaobi', password: PAGA_SANDBOX_PASSWORD, decision: 'approve' })).status).toBe(400);
    expect(callbackParams(await submitForm({ nonce: retry, username: 'adaobi', password: PAGA_SANDBOX_PASSWORD, decision: 'approve' })).get('code')).toMatch(/^[A-Za-z0-9]{6}$/);
  });

  it('denies: access_denied with a description and the state, and no code', async () => {
    const page = await openPage();
    const params = callbackParams(await submitForm({ nonce: page.nonce, decision: 'deny' }));
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('error_description')).toBe('The user denied access.');
    expect(params.get('state')).toBe('st-1');
    expect(params.has('code')).toBe(false);
  });

  it.each([
    ['an unregistered redirect_uri', { redirect_uri: 'http://evil.test/oauth/paga/callback' }, 'does not match'],
    ['a redirect_uri that only differs by a trailing slash', { redirect_uri: `${REDIRECT}/` }, 'does not match'],
    ['no redirect_uri', { redirect_uri: undefined }, 'redirect_uri parameter is missing'],
    ['an unknown client_id', { client_id: 'A3878DC1-F07D-48E7-AA59-8276C3C26647' }, 'not a registered Paga client'],
  ])('shows an error page, never a redirect, for %s', async (_name, overrides, message) => {
    const reply = await send(authorizeUrl(overrides));
    expect(reply.status).toBe(400);
    expect(reply.headers.get('location')).toBeNull();
    expect(reply.headers.get('content-type')).toMatch(/^text\/html/);
    expect(reply.headers.get('content-security-policy')).toContain("form-action 'none'");
    expect(reply.text).toContain(message);
    expect(reply.text).not.toContain('evil.test');
  });

  it.each([
    [{ response_type: 'token' }, 'unsupported_response_type'],
    [{ scope: undefined }, 'invalid_scope'],
    [{ scope: 'MERCHANT_PAYMENT ADMIN' }, 'invalid_scope'],
    [{ user_data: 'FIRST_NAME PASSWORD' }, 'invalid_request'],
  ])('redirects errors back once the client and redirect_uri are verified: %j → %s', async (overrides, error) => {
    const params = callbackParams(await send(authorizeUrl(overrides)));
    expect(params.get('error')).toBe(error);
    expect(params.get('state')).toBe('st-1');
    expect(params.has('code')).toBe(false);
  });

  it('decides at once, without a page, after next-decision (approve as a named user, then deny)', async () => {
    expect((await control('POST', 'next-decision', { decision: 'approve', username: 'chidi' })).body).toEqual({ queued: 1 });
    const code = callbackParams(await send(authorizeUrl({ user_data: 'USERNAME' }))).get('code')!;
    const tokens = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    expect((await secure('getUserDetails', tokens.body.access_token)).body.detailsResult.details).toEqual({ USERNAME: 'chidi' });

    await control('POST', 'next-decision', { decision: 'deny' });
    expect(callbackParams(await send(authorizeUrl())).get('error')).toBe('access_denied');
    // Used up: the next request shows the page again.
    expect((await send(authorizeUrl())).status).toBe(200);
  });
});

// ---- the token endpoint ----

describe('token endpoint', () => {
  it('exchanges a code given in the query string for exactly the fields of Paga’s token response', async () => {
    const code = await codeFor('MERCHANT_PAYMENT USER_DETAILS_REQUEST', 'FIRST_NAME LAST_NAME EMAIL');
    // The libraries re-send scope and user_data; that is tolerated.
    const reply = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, scope: 'MERCHANT_PAYMENT', user_data: 'EMAIL' });
    expect(reply.status).toBe(200);
    expectJson(reply);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(reply.body).sort()).toEqual(['access_token', 'authorities', 'expires_in', 'refresh_token', 'scope', 'token_type', 'user_data']);
    expect(reply.body).toEqual({
      access_token: expect.stringMatching(UUID),
      token_type: 'bearer',
      refresh_token: expect.stringMatching(UUID),
      expires_in: 43199,
      scope: 'MERCHANT_PAYMENT USER_DETAILS_REQUEST',
      user_data: 'FIRST_NAME LAST_NAME EMAIL',
      authorities: [],
    });
  });

  it('exchanges a code given in a form body', async () => {
    const code = await codeFor('MERCHANT_PAYMENT');
    const reply = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT }, { style: 'form' });
    expect(reply.status).toBe(200);
    expect(reply.body.access_token).toMatch(UUID);
  });

  it.each([
    ['no Authorization header', null],
    ['a wrong secret', basic(CLIENT_ID, 'wrong-secret')],
    ['an unknown client', basic('nobody', CLIENT_SECRET)],
    ['Bearer instead of Basic', `Bearer ${CLIENT_SECRET}`],
  ])('answers 401 invalid_client for %s, and the code stays usable', async (_name, auth) => {
    const code = await codeFor('MERCHANT_PAYMENT');
    const reply = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT }, { auth });
    expect(reply.status).toBe(401);
    expectJson(reply);
    expect(reply.body).toEqual({ error: 'invalid_client', error_description: 'Bad client credentials' });
    expect(reply.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect((await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT })).status).toBe(200);
  });

  it('refuses a reused code with invalid_grant and revokes the tokens issued from it', async () => {
    const first = await connect('MERCHANT_PAYMENT USER_DETAILS_REQUEST', 'FIRST_NAME');
    expect((await secure('getUserDetails', first.access_token)).status).toBe(200);

    const reuse = await tokenCall({ grant_type: 'authorization_code', code: first.code, redirect_uri: REDIRECT });
    expect(reuse.status).toBe(400);
    expect(reuse.body).toEqual({ error: 'invalid_grant', error_description: 'Authorization code already used; the tokens issued from it are revoked.' });
    expect(reuse.text).not.toContain(first.code);

    const after = await secure('getUserDetails', first.access_token);
    expect(after.status).toBe(401);
    expect(after.body.error).toBe('invalid_token');
    expect((await tokenCall({ grant_type: 'refresh_token', refresh_token: first.refresh_token })).body).toEqual({ error: 'invalid_grant', error_description: 'Invalid refresh token (revoked)' });
  });

  it('refuses an expired code (10 minutes) but not one just inside its lifetime', async () => {
    const late = await codeFor('MERCHANT_PAYMENT');
    const onTime = await codeFor('MERCHANT_PAYMENT');
    await control('POST', 'time/advance', { seconds: 599 });
    expect((await tokenCall({ grant_type: 'authorization_code', code: onTime, redirect_uri: REDIRECT })).status).toBe(200);
    await control('POST', 'time/advance', { seconds: 1 });
    const reply = await tokenCall({ grant_type: 'authorization_code', code: late, redirect_uri: REDIRECT });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ error: 'invalid_grant', error_description: 'Authorization code expired' });
  });

  it('requires the redirect_uri of the authorization request, and burns the code when it differs', async () => {
    const code = await codeFor('MERCHANT_PAYMENT');
    const wrong = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: 'http://gatehouse.test/other' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual({ error: 'invalid_grant', error_description: 'Redirect URI mismatch.' });
    expect((await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT })).body.error).toBe('invalid_grant');

    const missing = await tokenCall({ grant_type: 'authorization_code', code: await codeFor('MERCHANT_PAYMENT') });
    expect(missing.body).toEqual({ error: 'invalid_grant', error_description: 'Redirect URI mismatch.' });
  });

  it('answers unknown codes, missing parameters and other grant types in Spring’s error shape', async () => {
    expect((await tokenCall({ grant_type: 'authorization_code', code: 'Zz9Zz9', redirect_uri: REDIRECT })).body).toEqual({ error: 'invalid_grant', error_description: 'Invalid authorization code' });
    expect((await tokenCall({ grant_type: 'authorization_code', redirect_uri: REDIRECT })).body.error).toBe('invalid_request');
    expect((await tokenCall({ code: 'Zz9Zz9' })).body).toEqual({ error: 'invalid_request', error_description: 'Missing grant type' });
    const password = await tokenCall({ grant_type: 'password', username: 'adaobi', password: PAGA_SANDBOX_PASSWORD });
    expect(password.status).toBe(400);
    expect(password.body).toEqual({ error: 'unsupported_grant_type', error_description: 'Unsupported grant type: password' });
    const get = await send(`${ws}/token?grant_type=authorization_code`, { headers: { authorization: basic() } });
    expect(get.status).toBe(405);
  });

  it('refreshes: a new access token, the same refresh token, and the previous access token stops working', async () => {
    const first = await connect('MERCHANT_PAYMENT USER_DETAILS_REQUEST', 'EMAIL');
    const refreshed = await tokenCall({ grant_type: 'refresh_token', refresh_token: first.refresh_token }, { style: 'form' });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({ token_type: 'bearer', refresh_token: first.refresh_token, expires_in: 43199, scope: 'MERCHANT_PAYMENT USER_DETAILS_REQUEST', user_data: 'EMAIL', authorities: [] });
    expect(refreshed.body.access_token).not.toBe(first.access_token);
    expect((await secure('getUserDetails', first.access_token)).status).toBe(401);
    expect((await secure('getUserDetails', refreshed.body.access_token)).status).toBe(200);

    const widen = await tokenCall({ grant_type: 'refresh_token', refresh_token: first.refresh_token, scope: 'MONEY_TRANSFER' });
    expect(widen.status).toBe(400);
    expect(widen.body.error).toBe('invalid_scope');
    const otherClient = await control('POST', 'clients', { clientId: 'OTHER-CLIENT', clientSecret: 'other-secret', redirectUris: [REDIRECT] });
    expect(otherClient.status).toBe(201);
    const stolen = await tokenCall({ grant_type: 'refresh_token', refresh_token: first.refresh_token }, { auth: basic('OTHER-CLIENT', 'other-secret') });
    expect(stolen.body).toEqual({ error: 'invalid_grant', error_description: 'Invalid refresh token' });
  });

  it('refuses revoked and expired refresh tokens with invalid_grant', async () => {
    const a = await connect('MERCHANT_PAYMENT', '', 'adaobi');
    const c = await connect('MERCHANT_PAYMENT', '', 'chidi');
    expect((await control('POST', 'refresh-tokens/revoke', { username: 'adaobi' })).body).toEqual({ count: 1 });
    expect((await tokenCall({ grant_type: 'refresh_token', refresh_token: a.refresh_token })).body).toEqual({ error: 'invalid_grant', error_description: 'Invalid refresh token (revoked)' });
    expect((await tokenCall({ grant_type: 'refresh_token', refresh_token: c.refresh_token })).status).toBe(200);

    await control('POST', 'time/advance', { seconds: 30 * 24 * 3600 });
    expect((await tokenCall({ grant_type: 'refresh_token', refresh_token: c.refresh_token })).body).toEqual({ error: 'invalid_grant', error_description: 'Invalid refresh token (expired)' });
  });

  it('rotates refresh tokens when the settings say so', async () => {
    expect((await control('PATCH', 'settings', { rotateRefreshTokens: true, accessTokenTtlSeconds: 60 })).body).toMatchObject({ rotateRefreshTokens: true, accessTokenTtlSeconds: 60 });
    const first = await connect('MERCHANT_PAYMENT');
    expect(first).toMatchObject({ expires_in: 60 });
    const rotated = await tokenCall({ grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(rotated.body.refresh_token).toMatch(UUID);
    expect(rotated.body.refresh_token).not.toBe(first.refresh_token);
    expect((await tokenCall({ grant_type: 'refresh_token', refresh_token: first.refresh_token })).body.error).toBe('invalid_grant');
  });
});

// ---- secured operations ----

describe('secured operations', () => {
  it('answers 401 invalid_token for a missing, unknown or expired token', async () => {
    const { access_token } = await connect('MERCHANT_PAYMENT USER_DETAILS_REQUEST', 'EMAIL');
    for (const token of [undefined, '3cad5173-7b2a-4626-86be-0ff67804bd59']) {
      const reply = await secure('getUserDetails', token);
      expect(reply.status).toBe(401);
      expectJson(reply);
      expect(reply.body.error).toBe('invalid_token');
      expect(reply.headers.get('www-authenticate')).toContain('Bearer');
      expect(reply.headers.get('www-authenticate')).toContain('error="invalid_token"');
    }
    expect((await control('POST', 'tokens/expire', {})).body).toEqual({ count: 1 });
    const expired = await secure('getUserDetails', access_token);
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({ error: 'invalid_token', error_description: 'Access token expired' });
  });

  it('expires by the clock: valid for expires_in seconds', async () => {
    const { access_token } = await connect('USER_DETAILS_REQUEST', 'EMAIL');
    await control('POST', 'time/advance', { seconds: 43198 });
    expect((await secure('getUserDetails', access_token)).status).toBe(200);
    await control('POST', 'time/advance', { seconds: 1 });
    expect((await secure('getUserDetails', access_token)).status).toBe(401);
  });

  it("expires one user's tokens only when asked to", async () => {
    const a = await connect('USER_DETAILS_REQUEST', 'EMAIL', 'adaobi');
    const c = await connect('USER_DETAILS_REQUEST', 'EMAIL', 'chidi');
    expect((await control('POST', 'tokens/expire', { username: 'chidi' })).body).toEqual({ count: 1 });
    expect((await secure('getUserDetails', a.access_token)).status).toBe(200);
    expect((await secure('getUserDetails', c.access_token)).status).toBe(401);
  });

  it('answers 403 insufficient_scope without moving money', async () => {
    const { access_token } = await connect('USER_DETAILS_REQUEST', 'EMAIL');
    const reply = await secure('merchantPayment/v3/referenceNumber/R1/amount/100/merchantCustomerReference/c1', access_token);
    expect(reply.status).toBe(403);
    expect(reply.body.error).toBe('insufficient_scope');
    expect(reply.headers.get('www-authenticate')).toContain('scope="MERCHANT_PAYMENT"');
    expect(await balanceOf('adaobi')).toBe('250000.00');
    for (const path of ['moneyTransfer/v2?amount=1&referenceNumber=R2&recipientCredential=07030280000', 'accountBalance']) {
      expect((await secure(path, access_token)).status).toBe(403);
    }
    expect(await balanceOf('adaobi')).toBe('250000.00');
  });

  it.each([
    ['v3, three parameters', 'merchantPayment/v3/referenceNumber/{ref}/amount/500/merchantCustomerReference/cust-1'],
    ['v3, with product code', 'merchantPayment/v3/referenceNumber/{ref}/amount/500.0/merchantCustomerReference/cust-1/merchantProductCode/P1'],
    ['v3, with product code and currency', 'merchantPayment/v3/referenceNumber/{ref}/amount/500.00/merchantCustomerReference/cust-1/merchantProductCode/P1/currency/NGN'],
    ['legacy, three parameters', 'merchantPayment/referenceNumber/{ref}/amount/500/merchantCustomerReference/cust-1'],
    ['legacy, with product code', 'merchantPayment/referenceNumber/{ref}/amount/500/merchantCustomerReference/cust-1/merchantProductCode/P1'],
    ['legacy, with product code and currency', 'merchantPayment/referenceNumber/{ref}/amount/500/merchantCustomerReference/cust-1/merchantProductCode/P1/currency/NGN'],
    ['legacy, doubled slash (the Node library)', 'merchantPayment//referenceNumber/{ref}/amount/500/merchantCustomerReference/cust-1/merchantProductCode/P1/currency/NGN'],
  ])('takes a merchant payment on the path shape: %s', async (_name, template) => {
    const { access_token } = await connect('MERCHANT_PAYMENT');
    const before = await floatOf();
    const reply = await secure(template.replace('{ref}', `ref-${Math.random().toString(36).slice(2)}`), access_token);
    expect(reply.status).toBe(200);
    expectJson(reply);
    expect(reply.text).toMatch(
      /^\{"merchantPaymentResult":\{"errorCode":0,"errorMessage":null,"amount":500\.00,"confirmationCode":"[A-Z0-9]{5}","agentCommission":0\.00,"fee":0\.00,"currency":"NGN","exchangeRate":null\}\}$/,
    );
    expect(await balanceOf('adaobi')).toBe('249500.00');
    // Decimal strings compared as kobo, never through floating point.
    expect(parseAmountToKobo(await floatOf())! - parseAmountToKobo(before)!).toBe(50000);
  });

  it('takes a merchant payment with form parameters (P4-form)', async () => {
    const { access_token } = await connect('MERCHANT_PAYMENT');
    const reply = await secure('merchantPayment', access_token, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ referenceNumber: 'F1', amount: '0.29', merchantCustomerReference: 'ada@example.ng' }).toString(),
    });
    expect(reply.text).toContain('"errorCode":0');
    expect(reply.text).toContain('"amount":0.29');
    expect(await balanceOf('adaobi')).toBe('249999.71');
  });

  it('treats repeated slashes anywhere in the path as one', async () => {
    const { access_token } = await connect('USER_DETAILS_REQUEST', 'FIRST_NAME');
    const reply = await send(`${sandbox}//paga-webservices//oauth2/secure//getUserDetails`, { method: 'POST', headers: { authorization: `Bearer ${access_token}` } });
    expect(reply.status).toBe(200);
    expect(reply.body.detailsResult.details).toEqual({ FIRST_NAME: 'Adaobi' });
  });

  it('refuses a duplicate referenceNumber (per client) with a business error, charging once', async () => {
    const { access_token } = await connect('MERCHANT_PAYMENT MONEY_TRANSFER');
    const path = 'merchantPayment/v3/referenceNumber/DUP-1/amount/100/merchantCustomerReference/c1';
    expect((await secure(path, access_token)).body.merchantPaymentResult.errorCode).toBe(0);
    const again = await secure(path, access_token);
    expect(again.status).toBe(200);
    expect(again.body.merchantPaymentResult).toEqual({
      errorCode: 3,
      errorMessage: 'Duplicate referenceNumber: a transaction with this reference already exists.',
      amount: null,
      confirmationCode: null,
      agentCommission: null,
      fee: null,
      currency: null,
      exchangeRate: null,
    });
    // One namespace per client across operations.
    expect((await secure('moneyTransfer/v2?amount=5&referenceNumber=DUP-1&recipientCredential=08031234567', access_token)).body.errorCode).toBe(3);
    expect(await balanceOf('adaobi')).toBe('249900.00');
    expect(await balanceOf('chidi')).toBe('50000.00');
    expect((await control('GET', 'transactions')).body.data).toHaveLength(1);
  });

  it('refuses a payment above the balance with a business error and leaves the balance alone', async () => {
    const { access_token } = await connect('MERCHANT_PAYMENT USER_REQUEST_ACCOUNT_BALANCE', '', 'bisi');
    const reply = await secure('merchantPayment/v3/referenceNumber/NSF-1/amount/150.01/merchantCustomerReference/c1', access_token);
    expect(reply.status).toBe(200);
    expect(reply.body.merchantPaymentResult).toMatchObject({ errorCode: 2, errorMessage: "Insufficient funds in the user's Paga account." });
    expect(await balanceOf('bisi')).toBe('150.00');
    // The exact balance is fine, and the reference of the refused attempt is still free.
    expect((await secure('merchantPayment/v3/referenceNumber/NSF-1/amount/150/merchantCustomerReference/c1', access_token)).body.merchantPaymentResult.errorCode).toBe(0);
    expect(await balanceOf('bisi')).toBe('0.00');
  });

  it.each(['500.001', '-5', '0', '0.00', 'abc', '1e3', '5,00'])('refuses the amount %j with errorCode 1, charging nothing', async (amount) => {
    const { access_token } = await connect('MERCHANT_PAYMENT');
    const reply = await secure(`merchantPayment/v3/referenceNumber/A-1/amount/${encodeURIComponent(amount)}/merchantCustomerReference/c1`, access_token);
    expect(reply.status).toBe(200);
    expect(reply.body.merchantPaymentResult.errorCode).toBe(1);
    expect(await balanceOf('adaobi')).toBe('250000.00');
  });

  it('refuses currencies other than NGN and missing parameters', async () => {
    const { access_token } = await connect('MERCHANT_PAYMENT');
    expect((await secure('merchantPayment/v3/referenceNumber/C-1/amount/5/merchantCustomerReference/c1/merchantProductCode/P/currency/USD', access_token)).body.merchantPaymentResult.errorCode).toBe(6);
    const form = await secure('merchantPayment', access_token, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'referenceNumber=C-2&amount=5' });
    expect(form.body.merchantPaymentResult).toMatchObject({ errorCode: 5, errorMessage: 'Missing or invalid parameter: merchantCustomerReference' });
    expect(await balanceOf('adaobi')).toBe('250000.00');
  });

  it("transfers money to a test user's phone number, paid from the client's float", async () => {
    const { access_token } = await connect('MONEY_TRANSFER');
    const reply = await secure('moneyTransfer/v2?amount=200&referenceNumber=T-1&skipMessaging=true&recipientCredential=%2B2348031234567', access_token);
    expect(reply.status).toBe(200);
    expect(reply.text).toMatch(/^\{"errorCode":0,"errorMessage":null,"transactionId":"[A-Za-z0-9]{5}","amount":200\.00,"fee":0\.00,"currency":"NGN","exchangeRate":null,"externalReferenceNumber":"T-1"\}$/);
    expect(await balanceOf('chidi')).toBe('50200.00');
    expect(await floatOf()).toBe('9999800.00');
    expect(await balanceOf('adaobi')).toBe('250000.00');
  });

  it('refuses transfers to unknown recipients, above the float, or with bad parameters, moving nothing', async () => {
    const { access_token } = await connect('MONEY_TRANSFER');
    expect((await secure('moneyTransfer/v2?amount=1&referenceNumber=T-2&recipientCredential=08000000000', access_token)).body).toMatchObject({ errorCode: 4, transactionId: null, amount: null });
    expect((await secure('moneyTransfer/v2?amount=10000000.01&referenceNumber=T-3&recipientCredential=08031234567', access_token)).body.errorCode).toBe(7);
    expect((await secure('moneyTransfer/v2?amount=1&referenceNumber=T-4&recipientCredential=08031234567&skipMessaging=maybe', access_token)).body.errorCode).toBe(5);
    expect((await secure('moneyTransfer/v2?amount=1.5.0&referenceNumber=T-5&recipientCredential=08031234567', access_token)).body.errorCode).toBe(1);
    expect(await balanceOf('chidi')).toBe('50000.00');
    expect(await floatOf()).toBe('10000000.00');
  });

  it('returns only the user_data the user granted, keyed by its names', async () => {
    const { access_token } = await connect('USER_DETAILS_REQUEST', 'FIRST_NAME LAST_NAME USERNAME EMAIL MOBILE_NUMBER ACCOUNT_BALANCE', 'chidi');
    const full = await secure('getUserDetails/referenceNumber/ignored', access_token);
    expect(full.body).toEqual({
      detailsResult: {
        errorCode: 0,
        errorMessage: null,
        details: { FIRST_NAME: 'Chidi', LAST_NAME: 'Nwosu', USERNAME: 'chidi', EMAIL: 'chidi.nwosu@example.ng', MOBILE_NUMBER: '08031234567', ACCOUNT_BALANCE: '50000.00' },
      },
    });
    const narrow = await connect('USER_DETAILS_REQUEST', 'LAST_NAME', 'chidi');
    expect((await secure('getUserDetails', narrow.access_token)).body.detailsResult.details).toEqual({ LAST_NAME: 'Nwosu' });
  });

  it('answers the emulator-only balance with two-decimal numbers', async () => {
    const { access_token } = await connect('USER_REQUEST_ACCOUNT_BALANCE', '', 'bisi');
    const reply = await secure('accountBalance', access_token);
    expect(reply.text).toBe('{"errorCode":0,"errorMessage":null,"totalBalance":150.00,"availableBalance":150.00,"currency":"NGN"}');
  });

  it('answers Accept: application/xml with 406, moving nothing', async () => {
    const { access_token } = await connect('MERCHANT_PAYMENT');
    const reply = await secure('merchantPayment/v3/referenceNumber/X-1/amount/5/merchantCustomerReference/c1', access_token, { headers: { accept: 'application/xml' } });
    expect(reply.status).toBe(406);
    expectJson(reply);
    expect(reply.body.error).toBe('not_acceptable');
    expect(await balanceOf('adaobi')).toBe('250000.00');
  });

  it("answers unknown paths like Paga's Spring server, after authentication", async () => {
    const { access_token } = await connect('MERCHANT_PAYMENT');
    expect((await secure('getOneTimeToken/referenceNumber/R', undefined)).status).toBe(401);
    const unknown = await secure('getOneTimeToken/referenceNumber/R', access_token);
    expect(unknown.status).toBe(404);
    expectJson(unknown);
    expect(unknown.body).toMatchObject({ status: 404, error: 'Not Found' });
    const get = await send(`${ws}/secure/accountBalance`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(get.status).toBe(405);
    expect((await send(`${ws}/elsewhere`)).body).toMatchObject({ status: 404, error: 'Not Found' });
  });
});

// ---- the control API ----

describe('control API', () => {
  it('fails the next call with an HTTP status, once', async () => {
    const { access_token } = await connect('MERCHANT_PAYMENT');
    expect((await control('POST', 'fail-next', { operation: 'merchantPayment', httpStatus: 503, errorMessage: 'Down for maintenance' })).status).toBe(200);
    const failed = await secure('merchantPayment/v3/referenceNumber/F-1/amount/5/merchantCustomerReference/c1', access_token);
    expect(failed.status).toBe(503);
    expect(failed.body).toEqual({ error: 'server_error', error_description: 'Down for maintenance' });
    expect(await balanceOf('adaobi')).toBe('250000.00');
    expect((await secure('merchantPayment/v3/referenceNumber/F-1/amount/5/merchantCustomerReference/c1', access_token)).body.merchantPaymentResult.errorCode).toBe(0);
  });

  it('fails the next call with a business errorCode after authentication, moving nothing', async () => {
    const { access_token } = await connect('MONEY_TRANSFER');
    await control('POST', 'fail-next', { operation: 'moneyTransfer', errorCode: 42, errorMessage: 'Limit reached' });
    // An unauthenticated call does not use it up.
    expect((await secure('moneyTransfer/v2?amount=5&referenceNumber=B-1&recipientCredential=08031234567', undefined)).status).toBe(401);
    const failed = await secure('moneyTransfer/v2?amount=5&referenceNumber=B-1&recipientCredential=08031234567', access_token);
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ errorCode: 42, errorMessage: 'Limit reached', transactionId: null });
    expect(await balanceOf('chidi')).toBe('50000.00');
    expect((await secure('moneyTransfer/v2?amount=5&referenceNumber=B-1&recipientCredential=08031234567', access_token)).body.errorCode).toBe(0);
  });

  it('fails or slows the token endpoint', async () => {
    const code = await codeFor('MERCHANT_PAYMENT');
    await control('POST', 'fail-next', { operation: 'token', httpStatus: 500 });
    const failed = await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    expect(failed.status).toBe(500);
    expect(failed.body.error).toBe('server_error');
    await control('POST', 'fail-next', { operation: 'token', delayMs: 300 });
    const started = Date.now();
    expect((await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT })).status).toBe(200); // the failed call did not consume the code
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    const bad = await control('POST', 'fail-next', { operation: 'token', errorCode: 3 });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('journals the wire requests without secrets, filterable by operation, with counts', async () => {
    const page = await openPage();
    const code = callbackParams(await submitForm({ nonce: page.nonce, username: 'adaobi', password: PAGA_SANDBOX_PASSWORD, decision: 'approve' })).get('code')!;
    const tokens = (await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT })).body;
    const refreshed = (await tokenCall({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, { style: 'form' })).body;
    await secure('merchantPayment/v3/referenceNumber/J-1/amount/5/merchantCustomerReference/c1', refreshed.access_token);
    await secure('getUserDetails', 'not-a-token');
    await control('GET', 'users'); // the control API is not journaled

    const all = await control('GET', 'requests');
    expect(all.status).toBe(200);
    expect(all.body.counts).toEqual({ authorization: 2, token: 2, merchantPayment: 1, userDetails: 1 });
    for (const secret of [tokens.access_token, tokens.refresh_token, refreshed.access_token, code, page.nonce, CLIENT_SECRET, PAGA_SANDBOX_PASSWORD, basic().slice(6), 'not-a-token']) {
      expect(all.text).not.toContain(secret);
    }
    const token = await control('GET', 'requests?operation=token');
    expect(token.body.data).toEqual([
      expect.objectContaining({ method: 'POST', path: '/sandbox/paga/paga-webservices/oauth2/token', queryKeys: ['grant_type', 'code', 'redirect_uri'], grantType: 'authorization_code', clientId: CLIENT_ID, username: 'adaobi', status: 200 }),
      expect.objectContaining({ queryKeys: [], grantType: 'refresh_token', status: 200, tokenHash: expect.stringMatching(/^[0-9a-f]{16}$/) }),
    ]);
    const payment = (await control('GET', 'requests?operation=merchantPayment')).body.data[0];
    expect(payment).toMatchObject({ status: 200, username: 'adaobi', errorCode: 0, tokenHash: token.body.data[1].tokenHash });
    expect((await control('GET', 'requests?operation=userDetails')).body.data[0]).toMatchObject({ status: 401 });
    expect((await control('GET', 'requests?operation=nonsense')).status).toBe(400);
  });

  it('lists users with decimal balances, and reset restores them and forgets tokens', async () => {
    const users = await control('GET', 'users');
    expect(users.body.password).toBe(PAGA_SANDBOX_PASSWORD);
    expect(users.body.data).toEqual(
      expect.arrayContaining([
        { username: 'adaobi', phone: '07030280000', firstName: 'Adaobi', lastName: 'Okeke', email: 'adaobi.okeke@example.ng', balance: '250000.00', currency: 'NGN' },
        expect.objectContaining({ username: 'bisi', balance: '150.00' }),
      ]),
    );
    const { access_token } = await connect('MERCHANT_PAYMENT');
    await secure('merchantPayment/v3/referenceNumber/R-1/amount/1000/merchantCustomerReference/c1', access_token);
    expect(await balanceOf('adaobi')).toBe('249000.00');
    expect((await control('POST', 'reset')).body).toEqual({ reset: true });
    expect(await balanceOf('adaobi')).toBe('250000.00');
    expect((await control('GET', 'requests')).body.data).toEqual([]);
    expect((await secure('merchantPayment/v3/referenceNumber/R-1/amount/1000/merchantCustomerReference/c1', access_token)).status).toBe(401);
  });

  it('registers another client with its own redirect URIs, updates it, and validates the body', async () => {
    const created = await control('POST', 'clients', { clientId: 'ACME-1', clientSecret: 'acme-secret', name: 'Acme Stores', redirectUris: ['http://localhost:4000/cb'], floatBalance: '100.50' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ clientId: 'ACME-1', name: 'Acme Stores', redirectUris: ['http://localhost:4000/cb'], floatBalance: '100.50', created: true });
    const page = await send(authorizeUrl({ client_id: 'ACME-1', redirect_uri: 'http://localhost:4000/cb' }));
    expect(page.status).toBe(200);
    expect(page.text).toContain('Acme Stores');
    // The sandbox client's URI is not Acme's.
    expect((await send(authorizeUrl({ client_id: 'ACME-1' }))).status).toBe(400);

    const updated = await control('POST', 'clients', { clientId: 'ACME-1', clientSecret: 'acme-secret-2', redirectUris: ['http://localhost:4000/cb', 'http://localhost:4001/cb'] });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ created: false, floatBalance: '100.50', name: 'Acme Stores' });
    expect((await tokenCall({ grant_type: 'refresh_token', refresh_token: 'x' }, { auth: basic('ACME-1', 'acme-secret') })).status).toBe(401);
    expect((await tokenCall({ grant_type: 'refresh_token', refresh_token: 'x' }, { auth: basic('ACME-1', 'acme-secret-2') })).status).toBe(400);

    for (const body of [
      { clientId: 'B', clientSecret: 'secret-12', redirectUris: ['not a url'] },
      { clientId: 'B', clientSecret: 'secret-12', redirectUris: [] },
      { clientId: 'B:x', clientSecret: 'secret-12', redirectUris: ['http://x.test/cb'] },
      { clientId: 'B', clientSecret: 'secret-12', redirectUris: ['http://x.test/cb'], admin: true },
    ]) {
      const reply = await control('POST', 'clients', body);
      expect(reply.status).toBe(400);
      expect(reply.body.code).toBe('VALIDATION_FAILED');
    }
    expect((await control('GET', 'clients')).body.data.map((c: { clientId: string }) => c.clientId)).toEqual([CLIENT_ID, 'ACME-1']);
  });

  it('validates its bodies and refuses unknown users with problem+json', async () => {
    const unknownUser = await control('POST', 'next-decision', { decision: 'approve', username: 'nobody' });
    expect(unknownUser.status).toBe(404);
    expect(unknownUser.body.code).toBe('NOT_FOUND');
    expect((await control('POST', 'next-decision', { decision: 'maybe' })).body.code).toBe('VALIDATION_FAILED');
    expect((await control('POST', 'fail-next', { operation: 'refund' })).body.code).toBe('VALIDATION_FAILED');
    expect((await control('POST', 'tokens/expire', { username: 'nobody' })).status).toBe(404);
    expect((await control('PATCH', 'settings', { accessTokenTtlSeconds: 0 })).status).toBe(400);
    expect((await control('GET', 'settings')).body).toEqual({ accessTokenTtlSeconds: 43199, refreshTokenTtlSeconds: 2592000, codeTtlSeconds: 600, loginPageTtlSeconds: 600, rotateRefreshTokens: false });
    // Nothing was queued by the refused calls: the next authorization shows the page.
    expect((await send(authorizeUrl())).status).toBe(200);
  });

  it('works without a body where every field is optional', async () => {
    await connect('MERCHANT_PAYMENT');
    const reply = await send(`${sandbox}/__control/tokens/expire`, { method: 'POST' });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ count: 1 });
  });

  it('is documented in Swagger under "Sandbox: Paga", and the wire routes are not', () => {
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
    const paths = Object.keys(document.paths);
    expect(paths).toEqual(expect.arrayContaining(['/sandbox/paga/__control/next-decision', '/sandbox/paga/__control/fail-next', '/sandbox/paga/__control/requests', '/sandbox/paga/__control/clients']));
    expect(paths.filter((p) => p.includes('paga-webservices') || !p.includes('__control'))).toEqual([]);
    expect(document.paths['/sandbox/paga/__control/fail-next']!.post!.tags).toEqual(['Sandbox: Paga']);
  });
});
