import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import express from 'express';
import helmet from 'helmet';
import { send, sendJson, type WireReply as Reply } from '../../../test/helpers/wire.js';
import { ProblemDetailsFilter, problemDetailsErrorHandler } from '../../common/errors/problem-details.filter.js';
import { createValidationPipe } from '../../common/validation/validation.pipe.js';
import { loadConfig } from '../../config/config.loader.js';
import { ConfigModule } from '../../config/config.module.js';
import { CONNECTPAY_SANDBOX_CLIENT, CONNECTPAY_SANDBOX_OTP, CONNECTPAY_SANDBOX_PASSWORD } from '../sandbox-accounts.js';
import { ConnectPaySandboxModule } from './connectpay-sandbox.module.js';

/** The ConnectPay emulator over real HTTP, in a minimal Nest app set up like Gatehouse's. */

const PUBLIC_BASE_URL = 'http://gatehouse.test';
const REDIRECT = `${PUBLIC_BASE_URL}/oauth/connectpay/callback`;
const { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } = CONNECTPAY_SANDBOX_CLIENT;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const JONAS_MAIN = '4399a0ca-9f17-487d-939f-cc234e34ffa7';
const BUSINESS = 'ed92afd4-efe4-4a44-b355-9eac3c1fb587';
const RUTA_MAIN = 'd6d77af1-f5f4-4072-8959-24e4403edf2c';

let app: NestExpressApplication;
let base: string;

beforeAll(async () => {
  const config = loadConfig({ PUBLIC_BASE_URL, LOG_LEVEL: 'silent' }, { dotenv: false });
  const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(config), ConnectPaySandboxModule] }).compile();
  app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: false });
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  app.use(express.json({ type: ['application/json', 'application/*+json'] }));
  app.use(express.urlencoded({ extended: false }));
  app.use(problemDetailsErrorHandler);
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(createValidationPipe());
  await app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/sandbox/connectpay`;
});

afterAll(async () => {
  await app?.close();
});

beforeEach(async () => {
  expect((await control('POST', 'reset')).status).toBe(200);
});

// ---- helpers ----

function control(method: string, path: string, json?: unknown): Promise<Reply> {
  return sendJson(`${base}/__control/${path}`, method, json);
}

function basic(id: string = CLIENT_ID, secret: string = CLIENT_SECRET): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

function authorizeUrl(overrides: Record<string, string | undefined> = {}): string {
  const params = { client_id: CLIENT_ID, flowid: 'GetPSD2AuthCode', nonce: randomUUID(), scope: 'psd2-ais psd2-pis', state: 'st-1', redirect_url: REDIRECT, response_type: 'code', ...overrides };
  const query = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
  return `${base}/auth/v1/oauth2/authorize?${query}`;
}

function pageOf(html: string): string {
  const match = /name="page" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no page nonce on the page');
  return match[1]!;
}

function submitForm(fields: Record<string, string>): Promise<Reply> {
  return send(`${base}/auth/v1/oauth2/authorize`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
}

function callbackParams(reply: Reply): URLSearchParams {
  // 301 as spec 2.4 says, never cached.
  expect(reply.status).toBe(301);
  expect(reply.headers.get('cache-control')).toBe('no-store');
  const location = new URL(reply.headers.get('location')!);
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
  return location.searchParams;
}

function tokenCall(params: Record<string, string>, options: { auth?: string | null; requestId?: string | null; json?: boolean } = {}): Promise<Reply> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.auth !== null) headers.authorization = options.auth ?? basic();
  if (options.requestId !== null) headers['x-request-id'] = options.requestId ?? randomUUID();
  headers['content-type'] = options.json ? 'application/json' : 'application/x-www-form-urlencoded';
  const body = options.json ? JSON.stringify(params) : new URLSearchParams(params).toString();
  return send(`${base}/auth/v1/oauth2/token`, { method: 'POST', headers, body });
}

async function codeFor(person = 'jonas', customer?: string, scope = 'psd2-ais psd2-pis'): Promise<string> {
  expect((await control('POST', 'next-decision', { decision: 'approve', person, ...(customer ? { customer } : {}) })).status).toBe(200);
  const params = callbackParams(await send(authorizeUrl({ scope })));
  expect(params.get('flowid')).toBe('GetPSD2AuthCode');
  expect(params.get('state')).toBe('st-1');
  return params.get('code')!;
}

interface Tokens {
  access_token: string;
  refresh_token: string;
  [key: string]: unknown;
}

async function connect(person = 'jonas', customer?: string, scope?: string): Promise<Tokens> {
  const reply = await tokenCall({ grant_type: 'authorization_code', code: await codeFor(person, customer, scope) });
  expect(reply.status).toBe(200);
  return reply.body;
}

function api(method: string, path: string, token: string | undefined, init: { body?: unknown; requestId?: string | null } = {}): Promise<Reply> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (init.requestId !== null) headers['x-request-id'] = init.requestId ?? randomUUID();
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  return send(`${base}/ob/${path}`, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
}

// ---- the Auth Web App ----

describe('authorization page', () => {
  it('signs in, lets the person choose the customer, and redirects with code, state and flowid', async () => {
    const login = await send(authorizeUrl({ state: 'xyz' }));
    expect(login.status).toBe(200);
    expect(login.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = login.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('form-action');
    expect(login.text).not.toMatch(/<script/i);
    expect(login.text).toContain('See your accounts, their balances and transactions');
    expect(login.text).toContain('Initiate payments from your accounts');

    const wrong = await submitForm({ page: pageOf(login.text), decision: 'login', username: 'jonas', password: 'nope' });
    expect(wrong.status).toBe(200);
    expect(wrong.text).toContain('The username or password is incorrect.');

    // SCA: the password is not enough; a one-time code follows.
    const otp = await submitForm({ page: pageOf(wrong.text), decision: 'login', username: 'jonas', password: CONNECTPAY_SANDBOX_PASSWORD });
    expect(otp.status).toBe(200);
    expect(otp.text).toContain('name="otp"');
    expect(otp.text).not.toContain('value="CUS-2001"');
    const wrongOtp = await submitForm({ page: pageOf(otp.text), decision: 'verify', otp: '000000' });
    expect(wrongOtp.status).toBe(200);
    expect(wrongOtp.text).toContain('The code is not correct. 2 attempts left.');

    const consent = await submitForm({ page: pageOf(wrongOtp.text), decision: 'verify', otp: CONNECTPAY_SANDBOX_OTP });
    expect(consent.status).toBe(200);
    expect(consent.text).toContain('value="CUS-2001"');
    expect(consent.text).toContain('name="scope" value="psd2-ais" checked');
    expect(consent.text).toContain('name="scope" value="psd2-pis" checked');
    expect(consent.text).toContain('value="CUS-2002"');
    expect(consent.text).not.toContain('CUS-2003');

    // A customer the person may not act for is refused on the page.
    const foreign = await submitForm({ page: pageOf(consent.text), decision: 'approve', customer: 'CUS-2003' });
    expect(foreign.status).toBe(200);
    expect(foreign.text).toContain('Choose one of the customers you may act for.');

    const page = pageOf(foreign.text);
    const body = new URLSearchParams({ page, decision: 'approve', customer: 'CUS-2002' });
    body.append('scope', 'psd2-ais');
    body.append('scope', 'psd2-pis');
    const params = callbackParams(await send(`${base}/auth/v1/oauth2/authorize`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() }));
    expect(params.get('code')).toMatch(UUID);
    expect(params.get('state')).toBe('xyz');
    expect(params.get('flowid')).toBe('GetPSD2AuthCode');

    // The page nonce is single use.
    const again = await submitForm({ page, decision: 'approve', customer: 'CUS-2002' });
    expect(again.status).toBe(400);
    expect(again.text).toContain('This page has expired');

    const token = await tokenCall({ grant_type: 'authorization_code', code: params.get('code')! });
    expect(token.body).toMatchObject({ person_id: 'PRS-1001', customer_id: 'CUS-2002', scope: 'psd2-ais psd2-pis' });
  });

  async function signedIn(scope = 'psd2-ais psd2-pis'): Promise<string> {
    const login = await send(authorizeUrl({ scope }));
    const otp = await submitForm({ page: pageOf(login.text), decision: 'login', username: 'jonas', password: CONNECTPAY_SANDBOX_PASSWORD });
    return (await submitForm({ page: pageOf(otp.text), decision: 'verify', otp: CONNECTPAY_SANDBOX_OTP })).text;
  }

  it('grants per scope: a code for only the ticked scopes; none ticked is asked again', async () => {
    const consent = await signedIn();
    const none = await submitForm({ page: pageOf(consent), decision: 'approve', customer: 'CUS-2001' });
    expect(none.status).toBe(200);
    expect(none.text).toContain('Grant at least one permission, or deny.');
    const params = callbackParams(await submitForm({ page: pageOf(none.text), decision: 'approve', customer: 'CUS-2001', scope: 'psd2-ais' }));
    const token = await tokenCall({ grant_type: 'authorization_code', code: params.get('code')! });
    expect(token.body.scope).toBe('psd2-ais');
    const aisOnly = token.body.access_token;
    expect((await api('GET', 'accounts', aisOnly)).status).toBe(200);
    expect((await api('GET', 'payments/PO1', aisOnly)).body.code).toBe('INSUFFICIENT_SCOPE');

    // A ticked scope that was never requested is not granted.
    const aisAsked = await signedIn('psd2-ais');
    const only = await submitForm({ page: pageOf(aisAsked), decision: 'approve', customer: 'CUS-2001', scope: 'psd2-pis' });
    expect(only.status).toBe(200);
    expect(only.text).toContain('Grant at least one permission, or deny.');
  });

  it('three wrong one-time codes end the request with access_denied', async () => {
    const login = await send(authorizeUrl({ state: 'otp' }));
    let page = await submitForm({ page: pageOf(login.text), decision: 'login', username: 'ruta', password: CONNECTPAY_SANDBOX_PASSWORD });
    page = await submitForm({ page: pageOf(page.text), decision: 'verify', otp: '111111' });
    page = await submitForm({ page: pageOf(page.text), decision: 'verify', otp: '222222' });
    expect(page.text).toContain('1 attempt left.');
    const params = callbackParams(await submitForm({ page: pageOf(page.text), decision: 'verify', otp: '333333' }));
    expect(Object.fromEntries(params)).toEqual({ error: 'access_denied', error_description: 'Too many wrong one-time codes.', state: 'otp' });
  });

  it('next-decision can grant a part of the requested scopes', async () => {
    await control('POST', 'next-decision', { decision: 'approve', person: 'jonas', scopes: ['psd2-pis'] });
    const code = callbackParams(await send(authorizeUrl())).get('code')!;
    expect((await tokenCall({ grant_type: 'authorization_code', code })).body.scope).toBe('psd2-pis');
    // Nothing of what was asked: access_denied.
    await control('POST', 'next-decision', { decision: 'approve', scopes: ['psd2-pis'] });
    expect(callbackParams(await send(authorizeUrl({ scope: 'psd2-ais' }))).get('error')).toBe('access_denied');
    expect((await control('POST', 'next-decision', { decision: 'approve', scopes: ['ob-as'] })).status).toBe(400);
  });

  it('denies with error=access_denied and the state, from the page or from next-decision', async () => {
    const login = await send(authorizeUrl());
    const params = callbackParams(await submitForm({ page: pageOf(login.text), decision: 'deny' }));
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('state')).toBe('st-1');
    expect(params.has('code')).toBe(false);

    await control('POST', 'next-decision', { decision: 'deny' });
    const scripted = callbackParams(await send(authorizeUrl({ state: 's2' })));
    expect(scripted.get('error')).toBe('access_denied');
    expect(scripted.get('state')).toBe('s2');
  });

  it('accepts flowId in any casing', async () => {
    await control('POST', 'next-decision', { decision: 'approve' });
    const params = callbackParams(await send(authorizeUrl({ flowid: undefined, flowId: 'GetPSD2AuthCode' })));
    expect(params.get('code')).toMatch(UUID);
  });

  it('refuses mixed, proprietary and unknown scopes with invalid_scope', async () => {
    for (const scope of ['psd2-ais ob-as', 'ob-ps', 'psd2-ais openid', '']) {
      const params = callbackParams(await send(authorizeUrl({ scope })));
      expect(params.get('error')).toBe('invalid_scope');
      expect(params.get('state')).toBe('st-1');
    }
    expect(callbackParams(await send(authorizeUrl({ scope: 'psd2-ais ob-as' }))).get('error_description')).toMatch(/mixed/);
  });

  it('refuses a bad flowid, a missing state, a non-v4 or reused nonce with invalid_request', async () => {
    expect(callbackParams(await send(authorizeUrl({ flowid: 'GetAuthCode' }))).get('error')).toBe('invalid_request');
    expect(callbackParams(await send(authorizeUrl({ state: undefined }))).get('error')).toBe('invalid_request');
    expect(callbackParams(await send(authorizeUrl({ nonce: 'not-a-uuid' }))).get('error')).toBe('invalid_request');
    expect(callbackParams(await send(authorizeUrl({ nonce: '6ba7b810-9dad-11d1-80b4-00c04fd430c8' }))).get('error')).toBe('invalid_request'); // v1
    const nonce = randomUUID();
    expect((await send(authorizeUrl({ nonce }))).status).toBe(200);
    const replay = callbackParams(await send(authorizeUrl({ nonce })));
    expect(replay.get('error')).toBe('invalid_request');
    expect(replay.get('error_description')).toMatch(/already used/);
  });

  it('shows an error page, never a redirect, for an unknown client or a bad redirect_url', async () => {
    for (const overrides of [
      { client_id: 'nobody' },
      { redirect_url: `${REDIRECT}?next=/x` },
      { redirect_url: `${PUBLIC_BASE_URL}/oauth/connectpay/other` },
      { redirect_url: 'https://evil.example/oauth/connectpay/callback' },
      { redirect_url: undefined, redirect_uri: REDIRECT },
    ]) {
      const reply = await send(authorizeUrl(overrides));
      expect(reply.status).toBe(400);
      expect(reply.headers.get('location')).toBeNull();
      expect(reply.headers.get('content-security-policy')).toContain("form-action 'none'");
    }
    expect((await send(authorizeUrl({ redirect_url: `${REDIRECT}?a=1` }))).text).toContain('must not contain a query string');
  });
});

// ---- the token endpoint ----

describe('token endpoint', () => {
  it('exchanges a code once, with refresh_token_expires_in as a string, echoing X-Request-ID', async () => {
    const code = await codeFor('jonas', 'CUS-2001', 'psd2-pis psd2-ais');
    const requestId = randomUUID();
    const reply = await tokenCall({ grant_type: 'authorization_code', code }, { requestId });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('x-request-id')).toBe(requestId);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    expect(reply.body).toEqual({
      token_type: 'Bearer',
      access_token: expect.stringMatching(UUID),
      refresh_token: expect.stringMatching(UUID),
      expires_in: 3600,
      client_customer_name: 'Jo***********is',
      scope: 'psd2-ais psd2-pis',
      refresh_token_expires_in: '2592000',
      person_id: 'PRS-1001',
      customer_id: 'CUS-2001',
    });

    // Reuse: invalid_grant, and what the first exchange issued is revoked.
    const reuse = await tokenCall({ grant_type: 'authorization_code', code });
    expect(reuse.status).toBe(400);
    expect(reuse.body).toMatchObject({ error: 'invalid_grant' });
    expect((await api('GET', 'accounts', reply.body.access_token)).status).toBe(401);
    expect((await tokenCall({ grant_type: 'refresh_token', refresh_token: reply.body.refresh_token })).body.error).toBe('invalid_grant');
  });

  it('needs Basic client auth, X-Request-ID and a form body', async () => {
    const code = await codeFor();
    const noAuth = await tokenCall({ grant_type: 'authorization_code', code }, { auth: null });
    expect(noAuth.status).toBe(401);
    expect(noAuth.body.error).toBe('invalid_client');
    expect(noAuth.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect((await tokenCall({ grant_type: 'authorization_code', code, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }, { auth: null })).status).toBe(401);
    expect((await tokenCall({ grant_type: 'authorization_code', code }, { auth: basic(CLIENT_ID, 'wrong-secret') })).status).toBe(401);
    const noId = await tokenCall({ grant_type: 'authorization_code', code }, { requestId: null });
    expect(noId.status).toBe(400);
    expect(noId.body.error).toBe('invalid_request');
    expect((await tokenCall({ grant_type: 'authorization_code', code }, { requestId: 'abc' })).status).toBe(400);
    expect((await tokenCall({ grant_type: 'authorization_code', code }, { json: true })).status).toBe(400);
    expect((await tokenCall({ grant_type: 'password', code })).body.error).toBe('unsupported_grant_type');
    // None of these used the code up.
    expect((await tokenCall({ grant_type: 'authorization_code', code })).status).toBe(200);
  });

  it('lets a code expire after 24 hours', async () => {
    const fresh = await codeFor();
    await control('POST', 'time/advance', { seconds: 24 * 3600 - 5 });
    expect((await tokenCall({ grant_type: 'authorization_code', code: fresh })).status).toBe(200);
    const code = await codeFor();
    await control('POST', 'time/advance', { seconds: 24 * 3600 + 1 });
    const reply = await tokenCall({ grant_type: 'authorization_code', code });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/expired/) });
  });

  it('rotates both tokens on refresh; the old refresh token then gets invalid_grant', async () => {
    const first = await connect('ruta', 'CUS-2002');
    const second = await tokenCall({ grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(second.status).toBe(200);
    expect(second.body.access_token).not.toBe(first.access_token);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect(second.body).toMatchObject({ refresh_token_expires_in: '2592000', person_id: 'PRS-1002', customer_id: 'CUS-2002' });
    expect((await api('GET', 'accounts', first.access_token)).status).toBe(401);
    expect((await api('GET', 'accounts', second.body.access_token)).status).toBe(200);
    const old = await tokenCall({ grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(old.status).toBe(400);
    expect(old.body.error).toBe('invalid_grant');
  });

  it('revokes a refresh token (and its access token) with 200 and an empty body', async () => {
    const tokens = await connect();
    const reply = await send(`${base}/auth/v1/oauth2/revoke`, {
      method: 'POST',
      headers: { authorization: basic(), 'x-request-id': randomUUID(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.refresh_token, token_type_hint: 'refresh_token' }).toString(),
    });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('');
    expect((await tokenCall({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token })).body.error).toBe('invalid_grant');
    expect((await api('GET', 'accounts', tokens.access_token)).status).toBe(401);
  });

  it('control hooks: expire access tokens, revoke refresh tokens, fail a refresh after consuming it', async () => {
    const tokens = await connect();
    expect((await control('POST', 'tokens/expire', { person: 'jonas' })).body).toEqual({ count: 1 });
    expect((await api('GET', 'accounts', tokens.access_token)).body).toMatchObject({ code: 'UNAUTHORIZED', message: 'The access token has expired.' });

    expect((await control('POST', 'fail-next', { operation: 'token', httpStatus: 503, afterConsume: true })).status).toBe(200);
    const lost = await tokenCall({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(lost.status).toBe(503);
    expect(lost.body.error).toBe('server_error');
    expect((await tokenCall({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token })).body.error).toBe('invalid_grant');

    const other = await connect('ruta');
    expect((await control('POST', 'refresh-tokens/revoke', { customer: 'CUS-2003' })).body).toEqual({ count: 1 });
    expect((await tokenCall({ grant_type: 'refresh_token', refresh_token: other.refresh_token })).status).toBe(400);

    const aged = await connect('jonas', 'CUS-2002');
    expect((await control('POST', 'refresh-tokens/expire', { person: 'jonas', customer: 'CUS-2002' })).body).toEqual({ count: 1 });
    const expired = await tokenCall({ grant_type: 'refresh_token', refresh_token: aged.refresh_token });
    expect(expired.status).toBe(400);
    expect(expired.body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/expired/) });
  });
});

// ---- the PSD2 API ----

describe('PSU binding', () => {
  it('a token for one customer never reads another customer’s accounts, even of the same person', async () => {
    const privateToken = (await connect('jonas', 'CUS-2001')).access_token;
    const businessToken = (await connect('jonas', 'CUS-2002')).access_token;

    const privateAccounts = await api('GET', 'accounts', privateToken);
    expect(privateAccounts.status).toBe(200);
    expect(privateAccounts.body).toMatchObject({ personId: 'PRS-1001', customerId: 'CUS-2001', customerType: 'PRIVATE' });
    expect(privateAccounts.body.accounts.map((a: { accountId: string }) => a.accountId)).not.toContain(BUSINESS);

    const businessAccounts = await api('GET', 'accounts', businessToken);
    expect(businessAccounts.body.accounts.map((a: { iban: string }) => a.iban)).toEqual(['LT923990000000020001']);

    for (const path of [`accounts/${BUSINESS}`, `accounts/${BUSINESS}/balances`, `accounts/${BUSINESS}/transactions`, `accounts/${RUTA_MAIN}/balances`]) {
      const reply = await api('GET', path, privateToken);
      expect(reply.status).toBe(403);
      expect(reply.body).toMatchObject({ code: 'ACCESS_FORBIDDEN', requestId: expect.stringMatching(UUID) });
    }
    expect((await api('GET', `accounts/${randomUUID()}/balances`, privateToken)).status).toBe(404);

    // Another person of the same business customer sees the same business account.
    const rutaBusiness = (await connect('ruta', 'CUS-2002')).access_token;
    expect((await api('GET', `accounts/${BUSINESS}/balances`, rutaBusiness)).status).toBe(200);
    expect((await api('GET', `accounts/${JONAS_MAIN}`, rutaBusiness)).status).toBe(403);

    const journal = await control('GET', 'requests?operation=balances');
    expect(journal.body.data.some((e: { status: number; errorCode?: string }) => e.status === 403 && e.errorCode === 'ACCESS_FORBIDDEN')).toBe(true);
  });

  it('refuses next-decision for a customer the person may not act for', async () => {
    const reply = await control('POST', 'next-decision', { decision: 'approve', person: 'jonas', customer: 'CUS-2003' });
    expect(reply.status).toBe(422);
    expect(reply.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });
});

describe('account information', () => {
  it('lists accounts with balances as decimal strings, and balances of one account', async () => {
    const token = (await connect('jonas', 'CUS-2001', 'psd2-ais')).access_token;
    const plain = await api('GET', 'accounts', token);
    expect(plain.body.accounts[0]).not.toHaveProperty('balances');
    const withBalance = await api('GET', 'accounts?withBalance=true', token);
    expect(withBalance.body.accounts[0]).toMatchObject({
      accountId: JONAS_MAIN,
      iban: 'LT443990000000010001',
      currency: 'EUR',
      balances: [
        { balanceType: 'interimBooked', amount: { value: '2450.75', currency: 'EUR' } },
        { balanceType: 'interimAvailable', amount: { value: '2450.75', currency: 'EUR' } },
      ],
    });
    expect((await api('GET', 'accounts?withBalance=yes', token)).status).toBe(400);
    const balances = await api('GET', `accounts/${JONAS_MAIN}/balances`, token);
    expect(balances.body.balances[0].amount.value).toBe('2450.75');
  });

  it('pages transactions in a date range', async () => {
    const token = (await connect('jonas', 'CUS-2001', 'psd2-ais')).access_token;
    const all = await api('GET', `accounts/${JONAS_MAIN}/transactions`, token);
    expect(all.body).toMatchObject({ totalCount: 5, pageNo: 1, pageSize: 100, sortOrder: 'desc' });
    expect(all.body.transactions[0]).toMatchObject({ amount: { value: '12.50', currency: 'EUR' }, creditDebitIndicator: 'DBIT', status: 'BOOK' });

    const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
    const range = await api('GET', `accounts/${JONAS_MAIN}/transactions?dateFrom=${day(10)}&dateTo=${day(2)}&sortOrder=asc&pageSize=1&pageNo=2`, token);
    expect(range.status).toBe(200);
    expect(range.body).toMatchObject({ totalCount: 2, totalPages: 2, pageNo: 2, pageSize: 1 });
    expect(range.body.transactions).toHaveLength(1);
    expect(range.body.transactions[0]).toMatchObject({ bookingDate: day(3), creditDebitIndicator: 'CRDT', amount: { value: '1850.00' } });

    for (const query of ['dateFrom=2026-02-30', `dateFrom=${day(1)}&dateTo=${day(5)}`, 'pageSize=3001', 'pageNo=0', 'sortOrder=up']) {
      const reply = await api('GET', `accounts/${JONAS_MAIN}/transactions?${query}`, token);
      expect(reply.status).toBe(400);
      expect(reply.body.code).toBe('VALIDATION_ERROR');
    }
  });

  it('requires the scope, a Bearer token and X-Request-ID', async () => {
    const pisOnly = (await connect('jonas', 'CUS-2001', 'psd2-pis')).access_token;
    const reply = await api('GET', 'accounts', pisOnly);
    expect(reply.status).toBe(403);
    expect(reply.body.code).toBe('INSUFFICIENT_SCOPE');
    const noToken = await api('GET', 'accounts', undefined);
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await api('GET', 'accounts', 'not-a-token')).status).toBe(401);
    expect((await api('GET', 'accounts', pisOnly, { requestId: null })).status).toBe(400);
  });
});

describe('payment initiation', () => {
  const body = (overrides: Record<string, unknown> = {}) => ({
    debtorAccount: { iban: 'LT443990000000010001' },
    creditorName: 'UAB Saulės Kepykla',
    creditorAccount: { iban: 'LT923990000000020001' },
    amount: { value: '100.25', currency: 'EUR' },
    remittanceInformation: 'Invoice 42',
    endToEndId: 'E2E-42',
    ...overrides,
  });

  it('creates a payment that moves RCVD → ACTC → ACSC on the clock and books the money', async () => {
    const token = (await connect('jonas', 'CUS-2001')).access_token;
    const created = await api('POST', 'payments', token, { body: body() });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'RCVD', amount: { value: '100.25', currency: 'EUR' }, paymentOrderNo: expect.stringMatching(/^PO\d{14}$/) });
    const no = created.body.paymentOrderNo;
    expect((await api('GET', `accounts/${JONAS_MAIN}/balances`, token)).body.balances[1].amount.value).toBe('2350.50');

    await control('POST', 'time/advance', { seconds: 2 });
    expect((await api('GET', `payments/${no}/status`, token)).body).toMatchObject({ paymentOrderNo: no, status: 'ACTC' });
    await control('POST', 'time/advance', { seconds: 3 });
    expect((await api('GET', `payments/${no}`, token)).body.status).toBe('ACSC');

    const balances = (await api('GET', `accounts/${JONAS_MAIN}/balances`, token)).body.balances;
    expect(balances.map((b: { amount: { value: string } }) => b.amount.value)).toEqual(['2350.50', '2350.50']);
    const business = (await control('GET', 'psus')).body.data[0].customers[1].accounts[0];
    expect(business.balance.value).toBe('48310.55');
    const txs = await api('GET', `accounts/${JONAS_MAIN}/transactions`, token);
    expect(txs.body.transactions[0]).toMatchObject({ paymentOrderNo: no, creditDebitIndicator: 'DBIT', amount: { value: '100.25' } });
  });

  it('moves a payment by the control API and refuses impossible moves', async () => {
    const token = (await connect('jonas', 'CUS-2001')).access_token;
    const no = (await api('POST', 'payments', token, { body: body() })).body.paymentOrderNo;
    const moved = await control('POST', `payments/${no}/status`, { status: 'RJCT', reasonCode: 'AC04' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ status: 'RJCT', reasonCode: 'AC04', autoProgress: false });
    await control('POST', 'time/advance', { seconds: 60 });
    expect((await api('GET', `payments/${no}/status`, token)).body).toMatchObject({ status: 'RJCT', reasonCode: 'AC04' });
    expect((await control('POST', `payments/${no}/status`, { status: 'ACSC' })).status).toBe(409);
    expect((await control('POST', 'payments/PO0/status', { status: 'ACTC' })).status).toBe(404);
    expect((await control('POST', `payments/${no}/status`, { status: 'DONE' })).status).toBe(400);
  });

  it('rejects for lack of funds, validates the body, and binds payments to the customer', async () => {
    const ruta = (await connect('ruta', 'CUS-2003')).access_token;
    const poor = await api('POST', 'payments', ruta, { body: body({ debtorAccount: { iban: 'LT433990000000030001' }, amount: { value: '5.01', currency: 'EUR' } }) });
    expect(poor.status).toBe(201);
    expect(poor.body).toMatchObject({ status: 'RJCT', reasonCode: 'AM04' });

    const jonas = (await connect('jonas', 'CUS-2001')).access_token;
    const number = await api('POST', 'payments', jonas, { body: body({ amount: { value: 100.25, currency: 'EUR' } }) });
    expect(number.status).toBe(400);
    expect(number.body.code).toBe('VALIDATION_ERROR');
    expect((await api('POST', 'payments', jonas, { body: body({ creditorAccount: { iban: 'LT000000000000000000' } }) })).status).toBe(400);
    expect((await api('POST', 'payments', jonas, { body: body({ amount: { value: '1.00', currency: 'USD' } }) })).status).toBe(400);
    // Debtor account of another customer (the business the same person also holds): 403.
    expect((await api('POST', 'payments', jonas, { body: body({ debtorAccount: { iban: 'LT923990000000020001' }, creditorAccount: { iban: 'LT443990000000010001' } }) })).status).toBe(403);
    // Ruta's payment is not readable with Jonas's token; AIS-only tokens cannot initiate.
    expect((await api('GET', `payments/${poor.body.paymentOrderNo}`, jonas)).status).toBe(403);
    const aisOnly = (await connect('jonas', 'CUS-2001', 'psd2-ais')).access_token;
    expect((await api('POST', 'payments', aisOnly, { body: body() })).body.code).toBe('INSUFFICIENT_SCOPE');
    expect((await api('GET', 'payments/PO404', jonas)).status).toBe(404);
  });
});

// ---- control API and journal ----

describe('control API', () => {
  it('keeps a journal without secrets', async () => {
    const tokens = await connect();
    await api('GET', 'accounts', tokens.access_token);
    const journal = await control('GET', 'requests');
    expect(journal.status).toBe(200);
    const text = JSON.stringify(journal.body);
    for (const secret of [tokens.access_token, tokens.refresh_token, CLIENT_SECRET, CONNECTPAY_SANDBOX_PASSWORD]) expect(text).not.toContain(secret);
    const token = journal.body.data.find((e: { operation: string }) => e.operation === 'token');
    expect(token).toMatchObject({ grantType: 'authorization_code', personId: 'PRS-1001', customerId: 'CUS-2001', clientId: CLIENT_ID, requestId: expect.stringMatching(UUID) });
    expect(journal.body.counts).toMatchObject({ authorize: 1, token: 1, accounts: 1 });
    expect(journal.body.data.find((e: { operation: string }) => e.operation === 'authorize').queryKeys).toContain('nonce');
    expect((await control('GET', 'requests?operation=nope')).status).toBe(400);
  });

  it('lists PSUs, forces failures, toggles PSU ids in token responses, and answers unknown paths', async () => {
    const psus = await control('GET', 'psus');
    expect(psus.body.data.map((p: { username: string; customers: { customerId: string }[] }) => [p.username, p.customers.map((c) => c.customerId)])).toEqual([
      ['jonas', ['CUS-2001', 'CUS-2002']],
      ['ruta', ['CUS-2003', 'CUS-2002']],
    ]);

    const tokens = await connect();
    await control('POST', 'fail-next', { operation: 'accounts', httpStatus: 500 });
    const failed = await api('GET', 'accounts', tokens.access_token);
    expect(failed.status).toBe(500);
    expect(failed.body.code).toBe('INTERNAL_ERROR');
    expect((await api('GET', 'accounts', tokens.access_token)).status).toBe(200);
    expect((await control('POST', 'fail-next', { operation: 'accounts' })).status).toBe(400);

    await control('PATCH', 'settings', { includePsuIdsInTokenResponse: false });
    const bare = await connect('ruta');
    expect(bare).not.toHaveProperty('person_id');
    expect((await api('GET', 'accounts', bare.access_token)).body).toMatchObject({ personId: 'PRS-1002', customerId: 'CUS-2003' });

    const unknown = await api('GET', 'nothing', tokens.access_token);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('NOT_FOUND');
    expect((await send(`${base}/auth/v1/oauth2/token`)).status).toBe(405);
    const control404 = await control('GET', 'nothing');
    expect(control404.status).toBe(404);
    expect(control404.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });
});
