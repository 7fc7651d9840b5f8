import { randomUUID } from 'node:crypto';
import { startEmulatorApp } from '../../../test/helpers/emulator-app.js';
import { send, sendJson, type WireReply as Reply } from '../../../test/helpers/wire.js';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { MOMO_SANDBOX_SUBSCRIPTION_KEYS, type MomoSandboxProduct } from '../sandbox-accounts.js';
import { MomoSandboxModule } from './momo-sandbox.module.js';

/** The MoMo emulator over real HTTP, in a minimal Nest app set up like Gatehouse's, with a real callback receiver. */

type Product = MomoSandboxProduct;
const KEYS = MOMO_SANDBOX_SUBSCRIPTION_KEYS;
const HEX32 = /^[0-9a-f]{32}$/;
const GATEWAY_INVALID_KEY = { statusCode: 401, message: 'Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.' };
const GATEWAY_MISSING_KEY = { statusCode: 401, message: 'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.' };
const GATEWAY_BAD_TOKEN = { statusCode: 401, message: 'Access denied due to invalid or expired access token.' };
const GATEWAY_NOT_FOUND = { statusCode: 404, message: 'Resource not found' };

let app: NestExpressApplication;
let momo: string;

// ---- the callback receiver (Gatehouse's side, as MoMo reaches it) ----

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  text: string;
  at: number;
}
let receiver: Server;
let receiverPort: number;
let received: Received[] = [];
let receiverStatus = 200;

beforeAll(async () => {
  const emulator = await startEmulatorApp(MomoSandboxModule);
  app = emulator.app;
  momo = `${emulator.origin}/sandbox/momo`;

  receiver = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, text, at: Date.now() });
      res.statusCode = receiverStatus;
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverPort = (receiver.address() as AddressInfo).port;
});

afterAll(async () => {
  await app?.close();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
});

beforeEach(async () => {
  expect((await control('POST', 'reset')).status).toBe(200);
  received = [];
  receiverStatus = 200;
});

// ---- helpers ----

function control(method: string, path: string, json?: unknown): Promise<Reply> {
  return sendJson(`${momo}/__control/${path}`, method, json);
}

function basic(apiUser: string, apiKey: string): string {
  return `Basic ${Buffer.from(`${apiUser}:${apiKey}`).toString('base64')}`;
}

function callbackUrl(referenceId: string, host = '127.0.0.1'): string {
  return `http://${host}:${receiverPort}/momo/callbacks/rtp/${referenceId}?hint=x`;
}

interface Account {
  apiUser: string;
  apiKey: string;
  token: string;
}

async function provision(product: Product, providerCallbackHost = '127.0.0.1', key: string = KEYS[product].primary): Promise<{ apiUser: string; apiKey: string }> {
  const apiUser = randomUUID();
  const created = await send(`${momo}/v1_0/apiuser`, {
    method: 'POST',
    headers: { 'ocp-apim-subscription-key': key, 'x-reference-id': apiUser, 'content-type': 'application/json' },
    body: JSON.stringify({ providerCallbackHost }),
  });
  expect(created.status).toBe(201);
  const apiKey = await send(`${momo}/v1_0/apiuser/${apiUser}/apikey`, { method: 'POST', headers: { 'ocp-apim-subscription-key': key } });
  expect(apiKey.status).toBe(201);
  return { apiUser, apiKey: apiKey.body.apiKey };
}

function tokenCall(product: Product, auth: string | null, key: string | null = KEYS[product].primary, path = `${product}/token/`): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (auth !== null) headers.authorization = auth;
  if (key !== null) headers['ocp-apim-subscription-key'] = key;
  return send(`${momo}/${path}`, { method: 'POST', headers });
}

async function account(product: Product, providerCallbackHost?: string): Promise<Account> {
  const { apiUser, apiKey } = await provision(product, providerCallbackHost);
  const token = await tokenCall(product, basic(apiUser, apiKey));
  expect(token.status).toBe(200);
  return { apiUser, apiKey, token: token.body.access_token };
}

function productHeaders(product: Product, token: string, extra: Record<string, string | undefined> = {}): Record<string, string> {
  const headers: Record<string, string | undefined> = {
    authorization: `Bearer ${token}`,
    'ocp-apim-subscription-key': KEYS[product].primary,
    'x-target-environment': 'sandbox',
    'content-type': 'application/json',
    ...extra,
  };
  return Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined));
}

function rtpBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { amount: '12.50', currency: 'EUR', externalId: 'order-123', payer: { partyIdType: 'MSISDN', partyId: '46733123499' }, payerMessage: 'Pay for order 123', payeeNote: 'Order 123', ...overrides };
}

function transferBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { amount: '100', currency: 'EUR', externalId: 'payout-1', payee: { partyIdType: 'MSISDN', partyId: '46733123499' }, payerMessage: 'Payout', payeeNote: 'Payout 1', ...overrides };
}

function post(product: Product, path: string, token: string, body: unknown, headers: Record<string, string | undefined> = {}): Promise<Reply> {
  return send(`${momo}/${product}/v1_0/${path}`, { method: 'POST', headers: productHeaders(product, token, headers), body: typeof body === 'string' ? body : JSON.stringify(body) });
}

function requestToPay(acc: Account, body: unknown = rtpBody(), headers: Record<string, string | undefined> = {}, referenceId: string = randomUUID()): Promise<Reply & { referenceId: string }> {
  return post('collection', 'requesttopay', acc.token, body, { 'x-reference-id': referenceId, ...headers }).then((r) => ({ ...r, referenceId }));
}

function transfer(acc: Account, body: unknown = transferBody(), headers: Record<string, string | undefined> = {}, referenceId: string = randomUUID()): Promise<Reply & { referenceId: string }> {
  return post('disbursement', 'transfer', acc.token, body, { 'x-reference-id': referenceId, ...headers }).then((r) => ({ ...r, referenceId }));
}

function get(product: Product, path: string, token: string, headers: Record<string, string | undefined> = {}): Promise<Reply> {
  return send(`${momo}/${product}/v1_0/${path}`, { headers: productHeaders(product, token, { 'content-type': undefined, ...headers }) });
}

function rtpStatus(acc: Account, referenceId: string): Promise<Reply> {
  return get('collection', `requesttopay/${referenceId}`, acc.token);
}

function transferStatus(acc: Account, referenceId: string): Promise<Reply> {
  return get('disbursement', `transfer/${referenceId}`, acc.token);
}

async function advance(seconds: number): Promise<Reply> {
  const reply = await control('POST', 'time/advance', { seconds });
  expect(reply.status).toBe(200);
  return reply;
}

async function transactions(): Promise<any[]> {
  return (await control('GET', 'transactions')).body.data;
}

async function balance(product: Product): Promise<string> {
  return (await control('GET', 'balances')).body.data.find((b: { product: string }) => b.product === product).availableBalance;
}

function expectMomoError(reply: Reply, status: number, code: string, message?: string): void {
  expect(reply.status).toBe(status);
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
  expect(Object.keys(reply.body).sort()).toEqual(['code', 'message']);
  expect(reply.body.code).toBe(code);
  if (message !== undefined) expect(reply.body.message).toBe(message);
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// ---- provisioning ----

describe('provisioning (/v1_0/apiuser)', () => {
  it('creates an API user (201, empty body), reads it back, and issues a 32-hex API key', async () => {
    const apiUser = randomUUID();
    const created = await send(`${momo}/v1_0/apiuser`, {
      method: 'POST',
      headers: { 'ocp-apim-subscription-key': KEYS.collection.primary, 'x-reference-id': apiUser, 'content-type': 'application/json' },
      body: JSON.stringify({ providerCallbackHost: 'Gatehouse.Example.com' }),
    });
    expect(created.status).toBe(201);
    expect(created.text).toBe('');
    expect(created.headers.get('content-length')).toBe('0');

    const read = await send(`${momo}/v1_0/apiuser/${apiUser}`, { headers: { 'ocp-apim-subscription-key': KEYS.collection.primary } });
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ providerCallbackHost: 'gatehouse.example.com', targetEnvironment: 'sandbox' });

    const key = await send(`${momo}/v1_0/apiuser/${apiUser}/apikey`, { method: 'POST', headers: { 'ocp-apim-subscription-key': KEYS.collection.primary } });
    expect(key.status).toBe(201);
    expect(Object.keys(key.body)).toEqual(['apiKey']);
    expect(key.body.apiKey).toMatch(HEX32);
    expect((await control('GET', 'apiusers')).body.data).toEqual([
      { apiUser, product: 'collection', providerCallbackHost: 'gatehouse.example.com', targetEnvironment: 'sandbox', hasApiKey: true, createdAt: expect.any(String) },
    ]);
  });

  it('rotates the API key: a second apikey call invalidates the first', async () => {
    const { apiUser, apiKey } = await provision('collection');
    const second = await send(`${momo}/v1_0/apiuser/${apiUser}/apikey`, { method: 'POST', headers: { 'ocp-apim-subscription-key': KEYS.collection.primary } });
    expect(second.body.apiKey).not.toBe(apiKey);
    expect((await tokenCall('collection', basic(apiUser, apiKey))).status).toBe(401);
    expect((await tokenCall('collection', basic(apiUser, second.body.apiKey))).status).toBe(200);
  });

  it('answers 409 RESOURCE_ALREADY_EXIST for a reused X-Reference-Id', async () => {
    const { apiUser } = await provision('collection');
    const again = await send(`${momo}/v1_0/apiuser`, {
      method: 'POST',
      headers: { 'ocp-apim-subscription-key': KEYS.disbursement.primary, 'x-reference-id': apiUser.toUpperCase(), 'content-type': 'application/json' },
      body: JSON.stringify({ providerCallbackHost: 'other.test' }),
    });
    expectMomoError(again, 409, 'RESOURCE_ALREADY_EXIST', 'Duplicated reference id. Creation of resource failed.');
    expect((await control('GET', 'apiusers')).body.data).toHaveLength(1);
  });

  it.each([
    ['no X-Reference-Id', { 'x-reference-id': undefined }, { providerCallbackHost: 'a.test' }],
    ['a UUID that is not version 4', { 'x-reference-id': '6ba7b810-9dad-11d1-80b4-00c04fd430c8' }, { providerCallbackHost: 'a.test' }],
    ['no providerCallbackHost', {}, {}],
    ['a URL as providerCallbackHost', {}, { providerCallbackHost: 'https://a.test/callbacks' }],
    ['a number as providerCallbackHost', {}, { providerCallbackHost: 42 }],
  ])('answers 400 BAD_REQUEST for %s, creating nothing', async (_name, headers, body) => {
    const reply = await send(`${momo}/v1_0/apiuser`, {
      method: 'POST',
      headers: Object.fromEntries(
        Object.entries({ 'ocp-apim-subscription-key': KEYS.collection.primary, 'x-reference-id': randomUUID(), 'content-type': 'application/json', ...headers }).filter((e): e is [string, string] => e[1] !== undefined),
      ),
      body: JSON.stringify(body),
    });
    expectMomoError(reply, 400, 'BAD_REQUEST');
    expect((await control('GET', 'apiusers')).body.data).toEqual([]);
  });

  it('requires a subscription key: the gateway answers 401 for a missing or wrong one', async () => {
    const missing = await send(`${momo}/v1_0/apiuser`, { method: 'POST', headers: { 'x-reference-id': randomUUID(), 'content-type': 'application/json' }, body: '{"providerCallbackHost":"a.test"}' });
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual(GATEWAY_MISSING_KEY);
    const wrong = await send(`${momo}/v1_0/apiuser/${randomUUID()}`, { headers: { 'ocp-apim-subscription-key': '0'.repeat(32) } });
    expect(wrong.body).toEqual(GATEWAY_INVALID_KEY);
    expect((await control('GET', 'apiusers')).body.data).toEqual([]);
  });

  it('answers 404 RESOURCE_NOT_FOUND for an unknown API user and 400 for a non-UUID id', async () => {
    const headers = { 'ocp-apim-subscription-key': KEYS.collection.primary };
    expectMomoError(await send(`${momo}/v1_0/apiuser/${randomUUID()}/apikey`, { method: 'POST', headers }), 404, 'RESOURCE_NOT_FOUND', 'Requested resource was not found.');
    expectMomoError(await send(`${momo}/v1_0/apiuser/${randomUUID()}`, { headers }), 404, 'RESOURCE_NOT_FOUND');
    expectMomoError(await send(`${momo}/v1_0/apiuser/not-a-uuid`, { headers }), 400, 'BAD_REQUEST');
  });
});

// ---- token ----

describe('token (/{product}/token/)', () => {
  it('issues a JWT-looking access token with token_type "access_token" and expires_in 3600', async () => {
    const { apiUser, apiKey } = await provision('collection');
    const reply = await tokenCall('collection', basic(apiUser, apiKey));
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(reply.body)).toEqual(['access_token', 'token_type', 'expires_in']);
    expect(reply.body).toMatchObject({ token_type: 'access_token', expires_in: 3600 });
    const [head, payload, signature] = reply.body.access_token.split('.');
    expect(JSON.parse(Buffer.from(head, 'base64url').toString())).toEqual({ typ: 'JWT', alg: 'R256' });
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    expect(claims).toEqual({ clientId: apiUser, expires: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/), sessionId: expect.any(String) });
    expect(claims.exp).toBeUndefined();
    expect(signature.length).toBeGreaterThan(40);
  });

  it('accepts the secondary key and the subscription-key query parameter', async () => {
    const { apiUser, apiKey } = await provision('disbursement');
    expect((await tokenCall('disbursement', basic(apiUser, apiKey), KEYS.disbursement.secondary)).status).toBe(200);
    expect((await tokenCall('disbursement', basic(apiUser, apiKey), null, `disbursement/token/?subscription-key=${KEYS.disbursement.primary}`)).status).toBe(200);
  });

  it.each([
    ['no subscription key', null, GATEWAY_MISSING_KEY],
    ['a wrong subscription key', 'f'.repeat(32), GATEWAY_INVALID_KEY],
    ["the other product's key", KEYS.disbursement.primary, GATEWAY_INVALID_KEY],
  ])('answers the gateway 401 for %s', async (_name, key, body) => {
    const { apiUser, apiKey } = await provision('collection');
    const reply = await tokenCall('collection', basic(apiUser, apiKey), key);
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual(body);
  });

  it.each([
    ['a wrong API key', (u: string) => basic(u, '0'.repeat(32))],
    ['an unknown API user', () => basic(randomUUID(), '0'.repeat(32))],
    ['no Authorization header', () => null],
    ['Bearer instead of Basic', () => 'Bearer abc'],
  ])('answers 401 {"error":"login_failed"} for %s', async (_name, auth) => {
    const { apiUser } = await provision('collection');
    const reply = await tokenCall('collection', auth(apiUser));
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual({ error: 'login_failed' });
  });

  it('refuses an API user that has no API key yet', async () => {
    const apiUser = randomUUID();
    await send(`${momo}/v1_0/apiuser`, {
      method: 'POST',
      headers: { 'ocp-apim-subscription-key': KEYS.collection.primary, 'x-reference-id': apiUser, 'content-type': 'application/json' },
      body: '{"providerCallbackHost":"a.test"}',
    });
    expect((await tokenCall('collection', basic(apiUser, ''))).body).toEqual({ error: 'login_failed' });
  });

  it('needs the trailing slash and POST (else the gateway 404), and refuses a body (400)', async () => {
    const { apiUser, apiKey } = await provision('collection');
    const noSlash = await tokenCall('collection', basic(apiUser, apiKey), KEYS.collection.primary, 'collection/token');
    expect(noSlash.status).toBe(404);
    expect(noSlash.body).toEqual(GATEWAY_NOT_FOUND);
    const getToken = await send(`${momo}/collection/token/`, { headers: { authorization: basic(apiUser, apiKey), 'ocp-apim-subscription-key': KEYS.collection.primary } });
    expect(getToken.body).toEqual(GATEWAY_NOT_FOUND);
    const withBody = await send(`${momo}/collection/token/`, {
      method: 'POST',
      headers: { authorization: basic(apiUser, apiKey), 'ocp-apim-subscription-key': KEYS.collection.primary, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expectMomoError(withBody, 400, 'BAD_REQUEST');
    // Neither 404 is a token call: no operation matched.
    const journal = (await control('GET', 'requests?product=collection')).body.data.slice(-3);
    expect(journal.map((e: { operation: string; status: number }) => [e.operation, e.status])).toEqual([
      ['unknown', 404],
      ['unknown', 404],
      ['token', 400],
    ]);
  });

  it('expires tokens after expires_in virtual seconds (configurable), with the gateway 401 body', async () => {
    expect((await control('PATCH', 'settings', { tokenLifetimeSeconds: 60 })).body.tokenLifetimeSeconds).toBe(60);
    const acc = await account('collection');
    expect((await tokenCall('collection', basic(acc.apiUser, acc.apiKey))).body.expires_in).toBe(60);
    await advance(59);
    expect((await get('collection', 'account/balance', acc.token)).status).toBe(200);
    await advance(1);
    const expired = await get('collection', 'account/balance', acc.token);
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual(GATEWAY_BAD_TOKEN);
  });

  it('ties an API user to the product whose key created it (§1)', async () => {
    const acc = await account('collection');
    // The collection user gets a disbursement token…
    const crossToken = await tokenCall('disbursement', basic(acc.apiUser, acc.apiKey));
    expect(crossToken.status).toBe(200);
    // …but every disbursement call with it is refused.
    const denied = await get('disbursement', 'account/balance', crossToken.body.access_token);
    expectMomoError(denied, 500, 'NOT_ALLOWED_TARGET_ENVIRONMENT', 'Access to target environment is forbidden.');
    expect(Object.keys(denied.body)).toEqual(['message', 'code']); // as measured: message first
    // A collection token is not a disbursement token.
    expect((await get('disbursement', 'account/balance', acc.token, { 'ocp-apim-subscription-key': KEYS.disbursement.primary })).body).toEqual(GATEWAY_BAD_TOKEN);
  });
});

// ---- collection: request to pay ----

describe('requesttopay', () => {
  it('answers 202 with an empty body; PENDING, then SUCCESSFUL after the pending delay, with the status body of §6', async () => {
    const acc = await account('collection');
    const created = await requestToPay(acc, rtpBody({ amount: '12.50' }));
    expect(created.status).toBe(202);
    expect(created.text).toBe('');
    expect(created.headers.get('content-length')).toBe('0');

    const pending = await rtpStatus(acc, created.referenceId);
    expect(pending.status).toBe(200);
    expect(pending.body).toEqual({
      externalId: 'order-123',
      amount: '12.5',
      currency: 'EUR',
      payer: { partyIdType: 'MSISDN', partyId: '46733123499' },
      payerMessage: 'Pay for order 123',
      payeeNote: 'Order 123',
      status: 'PENDING',
    });
    await advance(4);
    expect((await rtpStatus(acc, created.referenceId)).body.status).toBe('PENDING');
    await advance(1);
    const done = await rtpStatus(acc, created.referenceId);
    expect(Object.keys(done.body)).toEqual(['financialTransactionId', 'externalId', 'amount', 'currency', 'payer', 'payerMessage', 'payeeNote', 'status']);
    expect(done.body).toMatchObject({ status: 'SUCCESSFUL', amount: '12.5', financialTransactionId: expect.stringMatching(/^\d{10}$/) });
    expect(done.body.referenceId).toBeUndefined();
    expect(await balance('collection')).toBe('12.5');
  });

  it('accepts upper-case UUIDs, EMAIL and PARTY_CODE payers, and leaves out fields that were not sent', async () => {
    const acc = await account('collection');
    const id = randomUUID().toUpperCase();
    expect((await requestToPay(acc, { amount: '5.0', currency: 'EUR', payer: { partyIdType: 'EMAIL', partyId: 'payer@example.com' } }, {}, id)).status).toBe(202);
    expect((await rtpStatus(acc, id.toLowerCase())).body).toEqual({ amount: '5', currency: 'EUR', payer: { partyIdType: 'EMAIL', partyId: 'payer@example.com' }, status: 'PENDING' });
    expect((await requestToPay(acc, rtpBody({ payer: { partyIdType: 'PARTY_CODE', partyId: randomUUID() } }))).status).toBe(202);
  });

  it('answers 409 RESOURCE_ALREADY_EXIST on a reused reference id and creates nothing more', async () => {
    const acc = await account('collection');
    const first = await requestToPay(acc);
    expect(first.status).toBe(202);
    const again = await requestToPay(acc, rtpBody({ amount: '99' }), {}, first.referenceId.toUpperCase());
    expectMomoError(again, 409, 'RESOURCE_ALREADY_EXIST', 'Duplicated reference id. Creation of resource failed.');
    const list = await transactions();
    expect(list).toHaveLength(1);
    expect(list[0].amount).toBe('12.5');
  });

  const LONG = 'x'.repeat(161);
  it.each([
    ['no X-Reference-Id', {}, { 'x-reference-id': undefined }, 400, 'BAD_REQUEST'],
    ['an empty X-Reference-Id', {}, { 'x-reference-id': '' }, 400, 'BAD_REQUEST'],
    ['a reference id that is not a UUID v4', {}, { 'x-reference-id': 'b4f2a1e8-1111-1111-1111-123456789abc' }, 400, 'BAD_REQUEST'],
    ['no X-Target-Environment', {}, { 'x-target-environment': undefined }, 400, 'BAD_REQUEST'],
    ['X-Target-Environment mtnuganda', {}, { 'x-target-environment': 'mtnuganda' }, 500, 'NOT_ALLOWED_TARGET_ENVIRONMENT'],
    ['X-Target-Environment production', {}, { 'x-target-environment': 'production' }, 500, 'NOT_ALLOWED_TARGET_ENVIRONMENT'],
    ['a numeric amount', { amount: 12.5 }, {}, 400, 'BAD_REQUEST'],
    ['a zero amount', { amount: '0' }, {}, 400, 'BAD_REQUEST'],
    ['a negative amount', { amount: '-5' }, {}, 400, 'BAD_REQUEST'],
    ['a third decimal', { amount: '1.005' }, {}, 400, 'BAD_REQUEST'],
    ['an exponent', { amount: '1e3' }, {}, 400, 'BAD_REQUEST'],
    ['no amount', { amount: undefined }, {}, 400, 'BAD_REQUEST'],
    ['no currency', { currency: undefined }, {}, 400, 'BAD_REQUEST'],
    ['currency USD', { currency: 'USD' }, {}, 500, 'INVALID_CURRENCY'],
    ['currency eur in lower case', { currency: 'eur' }, {}, 500, 'INVALID_CURRENCY'],
    ['no payer', { payer: undefined }, {}, 400, 'BAD_REQUEST'],
    ['a payee instead of a payer', { payer: undefined, payee: { partyIdType: 'MSISDN', partyId: '46733123499' } }, {}, 400, 'BAD_REQUEST'],
    ['an unknown partyIdType', { payer: { partyIdType: 'PHONE', partyId: '46733123499' } }, {}, 400, 'BAD_REQUEST'],
    ['a lower-case partyIdType', { payer: { partyIdType: 'msisdn', partyId: '46733123499' } }, {}, 400, 'BAD_REQUEST'],
    ['an MSISDN with "+"', { payer: { partyIdType: 'MSISDN', partyId: '+46733123499' } }, {}, 400, 'BAD_REQUEST'],
    ['an MSISDN in local format', { payer: { partyIdType: 'MSISDN', partyId: '0772123456' } }, {}, 400, 'BAD_REQUEST'],
    ['a bad e-mail', { payer: { partyIdType: 'EMAIL', partyId: 'not-an-email' } }, {}, 400, 'BAD_REQUEST'],
    ['a PARTY_CODE that is not a UUID', { payer: { partyIdType: 'PARTY_CODE', partyId: 'abc' } }, {}, 400, 'BAD_REQUEST'],
    ['a 161-character payerMessage', { payerMessage: LONG }, {}, 400, 'BAD_REQUEST'],
    ['a 161-character payeeNote', { payeeNote: LONG }, {}, 400, 'BAD_REQUEST'],
    ['"&" in payerMessage', { payerMessage: 'Tea & cake' }, {}, 400, 'BAD_REQUEST'],
    ['an apostrophe in payeeNote', { payeeNote: "Ada's order" }, {}, 400, 'BAD_REQUEST'],
    ['a numeric payerMessage', { payerMessage: 5 }, {}, 400, 'BAD_REQUEST'],
    ['a space in externalId', { externalId: 'order 123' }, {}, 400, 'BAD_REQUEST'],
    ['an empty X-Callback-Url', {}, { 'x-callback-url': '' }, 400, 'BAD_REQUEST'],
    ['a relative X-Callback-Url', {}, { 'x-callback-url': '/momo/callbacks' }, 400, 'BAD_REQUEST'],
    ['a callback host other than providerCallbackHost', {}, { 'x-callback-url': 'http://evil.test/momo/callbacks/1' }, 500, 'INVALID_CALLBACK_URL_HOST'],
  ])('refuses %s (%#), creating nothing', async (_name, bodyChanges, headers, status, code) => {
    const acc = await account('collection');
    const reply = await requestToPay(acc, rtpBody(bodyChanges), headers as Record<string, string | undefined>);
    expectMomoError(reply, status, code);
    if (status === 500) expect(Object.keys(reply.body)).toEqual(['message', 'code']);
    expect(await transactions()).toEqual([]);
    // Nothing was created, so the reference id is still free.
    expect((await requestToPay(acc, rtpBody(), {}, reply.referenceId)).status).toBe(202);
  });

  it('refuses a callback URL whose host differs, with the measured message, and accepts the right host on any port', async () => {
    const acc = await account('collection', 'gatehouse.test');
    const wrong = await requestToPay(acc, rtpBody(), { 'x-callback-url': 'http://127.0.0.1:3000/momo/callbacks/1' });
    expectMomoError(wrong, 500, 'INVALID_CALLBACK_URL_HOST', 'Callback URL does not match the configured value.');
    expect((await requestToPay(acc, rtpBody(), { 'x-callback-url': 'http://GATEHOUSE.test:8080/momo/callbacks/1' }, wrong.referenceId)).status).toBe(202);
    expect((await requestToPay(acc, rtpBody(), { 'x-callback-url': 'https://gatehouse.test/momo/callbacks/2' })).status).toBe(202);
  });

  it('compares the port too when providerCallbackHost has one', async () => {
    const acc = await account('collection', 'gatehouse.test:8080');
    expect((await requestToPay(acc, rtpBody(), { 'x-callback-url': 'http://gatehouse.test:8080/cb' })).status).toBe(202);
    expectMomoError(await requestToPay(acc, rtpBody(), { 'x-callback-url': 'http://gatehouse.test:8081/cb' }), 500, 'INVALID_CALLBACK_URL_HOST');
  });

  it('refuses an empty or malformed JSON body, a wrong or missing bearer token, and a doubled slash', async () => {
    const acc = await account('collection');
    expectMomoError(await requestToPay(acc, {}), 400, 'BAD_REQUEST');
    expectMomoError(await requestToPay(acc, '[]'), 400, 'BAD_REQUEST');
    expect((await requestToPay(acc, rtpBody(), { authorization: undefined })).body).toEqual(GATEWAY_BAD_TOKEN);
    expect((await requestToPay(acc, rtpBody(), { authorization: `Bearer ${acc.token}x` })).body).toEqual(GATEWAY_BAD_TOKEN);
    expect((await requestToPay(acc, rtpBody(), { authorization: acc.token })).body).toEqual(GATEWAY_BAD_TOKEN); // no "Bearer"
    expect((await requestToPay(acc, rtpBody(), { 'ocp-apim-subscription-key': KEYS.disbursement.primary })).body).toEqual(GATEWAY_INVALID_KEY);
    const doubled = await send(`${momo}/collection//v1_0/requesttopay`, { method: 'POST', headers: productHeaders('collection', acc.token, { 'x-reference-id': randomUUID() }), body: JSON.stringify(rtpBody()) });
    expectMomoError(doubled, 400, 'BAD_REQUEST');
    expect(await transactions()).toEqual([]);
  });

  it('answers the status GET: 400 for a non-UUID, 404 for an unknown id or a transfer id', async () => {
    const acc = await account('collection');
    expectMomoError(await rtpStatus(acc, 'not-a-uuid'), 400, 'BAD_REQUEST');
    expectMomoError(await rtpStatus(acc, randomUUID()), 404, 'RESOURCE_NOT_FOUND', 'Requested resource was not found.');
    const payout = await account('disbursement');
    const sent = await transfer(payout);
    expect(sent.status).toBe(202);
    expectMomoError(await rtpStatus(acc, sent.referenceId), 404, 'RESOURCE_NOT_FOUND');
  });

  it('sends reason as a plain string, or as {code,message} with reasonFormat object', async () => {
    const acc = await account('collection');
    const rejected = await requestToPay(acc, rtpBody({ payer: { partyIdType: 'MSISDN', partyId: '46733123451' } }));
    await advance(5);
    const failed = (await rtpStatus(acc, rejected.referenceId)).body;
    expect(failed).toMatchObject({ status: 'FAILED', reason: 'APPROVAL_REJECTED' });
    expect(failed.financialTransactionId).toBeUndefined();
    await control('PATCH', 'settings', { reasonFormat: 'object' });
    expect((await rtpStatus(acc, rejected.referenceId)).body.reason).toEqual({ code: 'APPROVAL_REJECTED', message: 'The payer rejected the request.' });
  });
});

// ---- the test numbers ----

const RTP_FAILURES: [string, string][] = [
  ['46733123450', 'INTERNAL_PROCESSING_ERROR'],
  ['46733123451', 'APPROVAL_REJECTED'],
  ['46733123452', 'EXPIRED'],
  ['46733123455', 'PAYER_NOT_FOUND'],
  ['46733123456', 'PAYEE_NOT_ALLOWED_TO_RECEIVE'],
  ['46733123457', 'NOT_ALLOWED'],
  ['46733123458', 'NOT_ALLOWED_TARGET_ENVIRONMENT'],
  ['46733123459', 'INVALID_CALLBACK_URL_HOST'],
  ['46733123460', 'INVALID_CURRENCY'],
  ['46733123461', 'INTERNAL_PROCESSING_ERROR'],
  ['46733123462', 'SERVICE_UNAVAILABLE'],
  ['46733123463', 'COULD_NOT_PERFORM_TRANSACTION'],
];
const TRANSFER_FAILURES: [string, string][] = [
  ['46733123450', 'INTERNAL_PROCESSING_ERROR'],
  ['46733123451', 'APPROVAL_REJECTED'],
  ['46733123452', 'EXPIRED'],
  ['46733123455', 'NOT_ENOUGH_FUNDS'],
  ['46733123456', 'PAYER_LIMIT_REACHED'],
  ['46733123457', 'PAYEE_NOT_FOUND'],
  ['46733123458', 'NOT_ALLOWED'],
  ['46733123459', 'NOT_ALLOWED_TARGET_ENVIRONMENT'],
  ['46733123460', 'INVALID_CALLBACK_URL_HOST'],
  ['46733123461', 'INVALID_CURRENCY'],
  ['46733123462', 'INTERNAL_PROCESSING_ERROR'],
  ['46733123463', 'SERVICE_UNAVAILABLE'],
];

describe('test MSISDNs', () => {
  it.each(RTP_FAILURES)('requesttopay from %s: 202, PENDING, then FAILED %s; no money moves', async (msisdn, reason) => {
    const acc = await account('collection');
    const created = await requestToPay(acc, rtpBody({ payer: { partyIdType: 'MSISDN', partyId: msisdn } }));
    expect(created.status).toBe(202);
    expect((await rtpStatus(acc, created.referenceId)).body.status).toBe('PENDING');
    await advance(5);
    const body = (await rtpStatus(acc, created.referenceId)).body;
    expect(body).toMatchObject({ status: 'FAILED', reason, payer: { partyIdType: 'MSISDN', partyId: msisdn } });
    expect(body.financialTransactionId).toBeUndefined();
    expect(await balance('collection')).toBe('0');
  });

  it.each(TRANSFER_FAILURES)('transfer to %s: 202, PENDING, then FAILED %s; no money moves', async (msisdn, reason) => {
    const acc = await account('disbursement');
    const created = await transfer(acc, transferBody({ payee: { partyIdType: 'MSISDN', partyId: msisdn } }));
    expect(created.status).toBe(202);
    await advance(5);
    expect((await transferStatus(acc, created.referenceId)).body).toMatchObject({ status: 'FAILED', reason, payee: { partyIdType: 'MSISDN', partyId: msisdn } });
    expect(await balance('disbursement')).toBe('1000000');
  });

  it.each([
    ['requesttopay', 'collection'],
    ['transfer', 'disbursement'],
  ] as const)('%s with 46733123453 (Ongoing) stays PENDING for ever, or succeeds after ongoingSeconds when set', async (kind, product) => {
    await control('PATCH', 'settings', { tokenLifetimeSeconds: 365 * 24 * 3600 });
    const acc = await account(product);
    const party = { partyIdType: 'MSISDN', partyId: '46733123453' };
    const create = () => (kind === 'requesttopay' ? requestToPay(acc, rtpBody({ payer: party })) : transfer(acc, transferBody({ payee: party })));
    const read = (id: string) => (kind === 'requesttopay' ? rtpStatus(acc, id) : transferStatus(acc, id));
    const forever = await create();
    await advance(30 * 24 * 3600);
    expect((await read(forever.referenceId)).body.status).toBe('PENDING');
    await control('PATCH', 'settings', { ongoingSeconds: 30 });
    const later = await create();
    await advance(29);
    expect((await read(later.referenceId)).body.status).toBe('PENDING');
    await advance(1);
    expect((await read(later.referenceId)).body.status).toBe('SUCCESSFUL');
    expect((await read(forever.referenceId)).body.status).toBe('PENDING');
  });

  it.each([
    ['requesttopay', 'collection'],
    ['transfer', 'disbursement'],
  ] as const)('%s with 46733123454 (Delayed) is PENDING for 25 s, then SUCCESSFUL', async (kind, product) => {
    const acc = await account(product);
    const party = { partyIdType: 'MSISDN', partyId: '46733123454' };
    const created = kind === 'requesttopay' ? await requestToPay(acc, rtpBody({ payer: party })) : await transfer(acc, transferBody({ payee: party }));
    const read = () => (kind === 'requesttopay' ? rtpStatus(acc, created.referenceId) : transferStatus(acc, created.referenceId));
    await advance(24);
    expect((await read()).body.status).toBe('PENDING');
    await advance(1);
    expect((await read()).body).toMatchObject({ status: 'SUCCESSFUL', financialTransactionId: expect.stringMatching(/^\d{10}$/) });
  });

  it('makes every other number succeed, at once when pendingSeconds is 0', async () => {
    await control('PATCH', 'settings', { pendingSeconds: 0 });
    const acc = await account('collection');
    const created = await requestToPay(acc, rtpBody({ payer: { partyIdType: 'MSISDN', partyId: '23423423450' } }));
    expect((await rtpStatus(acc, created.referenceId)).body.status).toBe('SUCCESSFUL');
  });
});

// ---- disbursement and balances ----

describe('transfer and balances', () => {
  it('debits the disbursement account on success; a transfer it cannot cover FAILS with NOT_ENOUGH_FUNDS', async () => {
    const acc = await account('disbursement');
    const set = await control('PUT', 'balances/disbursement', { amount: '100.00' });
    expect(set.body).toEqual({ product: 'disbursement', availableBalance: '100', currency: 'EUR' });
    const first = await transfer(acc, transferBody({ amount: '60.25' }));
    const second = await transfer(acc, transferBody({ amount: '50' }));
    expect([first.status, second.status]).toEqual([202, 202]);
    await advance(5);
    expect((await transferStatus(acc, first.referenceId)).body).toMatchObject({ status: 'SUCCESSFUL', amount: '60.25', payee: { partyIdType: 'MSISDN', partyId: '46733123499' } });
    const short = (await transferStatus(acc, second.referenceId)).body;
    expect(short).toMatchObject({ status: 'FAILED', reason: 'NOT_ENOUGH_FUNDS' });
    expect(short.financialTransactionId).toBeUndefined();
    expect((await get('disbursement', 'account/balance', acc.token)).body).toEqual({ availableBalance: '39.75', currency: 'EUR' });
  });

  it('answers the balance of the product, also per currency; other currencies are 500 INVALID_CURRENCY', async () => {
    const col = await account('collection');
    const dis = await account('disbursement');
    expect((await get('collection', 'account/balance', col.token)).body).toEqual({ availableBalance: '0', currency: 'EUR' });
    expect((await get('disbursement', 'account/balance/EUR', dis.token)).body).toEqual({ availableBalance: '1000000', currency: 'EUR' });
    expectMomoError(await get('collection', 'account/balance/USD', col.token), 500, 'INVALID_CURRENCY', 'Currency not supported.');
    expectMomoError(await get('collection', 'account/balance', col.token, { 'x-target-environment': 'mtnghana' }), 500, 'NOT_ALLOWED_TARGET_ENVIRONMENT');
  });

  it('answers 409 on a reused transfer reference id, and validates the payee', async () => {
    const acc = await account('disbursement');
    const first = await transfer(acc);
    expectMomoError(await transfer(acc, transferBody(), {}, first.referenceId), 409, 'RESOURCE_ALREADY_EXIST');
    expectMomoError(await transfer(acc, transferBody({ payee: undefined, payer: { partyIdType: 'MSISDN', partyId: '46733123499' } })), 400, 'BAD_REQUEST');
    expectMomoError(await transfer(acc, transferBody({ currency: 'UGX' })), 500, 'INVALID_CURRENCY');
    expect(await transactions()).toHaveLength(1);
  });

  it('validates the balance control body and product', async () => {
    expect((await control('PUT', 'balances/disbursement', { amount: '-1' })).body.code).toBe('VALIDATION_FAILED');
    expect((await control('PUT', 'balances/disbursement', { amount: 5 })).body.code).toBe('VALIDATION_FAILED');
    expect((await control('PUT', 'balances/remittance', { amount: '5' })).status).toBe(404);
    expect((await control('PUT', 'balances/collection', { amount: '0' })).body.availableBalance).toBe('0');
  });
});

// ---- account holders ----

describe('account holders', () => {
  it.each([
    ['msisdn/46733123499', 200, { result: true }],
    ['MSISDN/46733123499', 200, { result: true }],
    ['msisdn/46733123451', 200, { result: false }],
    ['email/someone@example.com', 200, { result: true }],
    ['email/notactive@email.com', 200, { result: false }],
    ['party_code/b0040b3c-b426-4a90-af6e-673e65861cd7', 200, { result: false }],
  ])('active %s → %i %j', async (path, status, body) => {
    const acc = await account('collection');
    const reply = await get('collection', `accountholder/${path}/active`, acc.token);
    expect(reply.status).toBe(status);
    expect(reply.body).toEqual(body);
  });

  it.each([
    ['msisdn/46733123450', 404, 'RESOURCE_NOT_FOUND'],
    ['msisdn/46733123452', 500, 'NOT_ALLOWED'],
    ['msisdn/46733123453', 500, 'NOT_ALLOWED_TARGET_ENVIRONMENT'],
    ['msisdn/46733123454', 500, 'INTERNAL_PROCESSING_ERROR'],
    ['msisdn/46733123455', 503, 'SERVICE_UNAVAILABLE'],
    ['email/notfound@email.com', 404, 'RESOURCE_NOT_FOUND'],
    ['email/serviceunavailable@email.com', 503, 'SERVICE_UNAVAILABLE'],
    ['phone/46733123499', 400, 'BAD_REQUEST'],
    ['msisdn/+46733123499', 400, 'BAD_REQUEST'],
  ])('active %s → %i %s', async (path, status, code) => {
    const acc = await account('disbursement');
    expectMomoError(await get('disbursement', `accountholder/${path}/active`, acc.token), status, code);
  });

  it('answers basicuserinfo with the Sand Box profile, with the same test-number errors', async () => {
    const acc = await account('collection');
    expect((await get('collection', 'accountholder/msisdn/46733123499/basicuserinfo', acc.token)).body).toEqual({
      sub: '0',
      name: 'Sand Box',
      given_name: 'Sand',
      family_name: 'Box',
      birthdate: '1976-08-13',
      locale: 'sv_SE',
      gender: 'MALE',
      updated_at: 1678355127,
    });
    expectMomoError(await get('collection', 'accountholder/msisdn/46733123450/basicuserinfo', acc.token), 404, 'RESOURCE_NOT_FOUND');
    expectMomoError(await get('collection', 'accountholder/email/a@b.com/basicuserinfo', acc.token), 400, 'BAD_REQUEST');
  });
});

// ---- callbacks ----

describe('callbacks', () => {
  async function payWithCallback(acc: Account, party = '46733123499'): Promise<string> {
    const referenceId = randomUUID();
    const reply = await requestToPay(acc, rtpBody({ payer: { partyIdType: 'MSISDN', partyId: party } }), { 'x-callback-url': callbackUrl(referenceId) }, referenceId);
    expect(reply.status).toBe(202);
    return referenceId;
  }

  it('PUTs the status body (without referenceId), as JSON with no auth, once it is final; time/advance answers after it', async () => {
    const acc = await account('collection');
    const referenceId = await payWithCallback(acc);
    await advance(4);
    expect(received).toEqual([]);
    const advanced = await advance(1);
    expect(advanced.body.callbacksSent).toBe(1);
    expect(received).toHaveLength(1);
    const [callback] = received;
    expect(callback!.method).toBe('PUT');
    expect(callback!.url).toBe(`/momo/callbacks/rtp/${referenceId}?hint=x`);
    expect(callback!.headers['content-type']).toBe('application/json');
    expect(callback!.headers.authorization).toBeUndefined();
    expect(Object.keys(callback!.headers).filter((h) => /signature|reference/i.test(h))).toEqual([]);
    const body = JSON.parse(callback!.text);
    expect(body.referenceId).toBeUndefined();
    expect(body).toEqual((await rtpStatus(acc, referenceId)).body);
    expect(body).toMatchObject({ status: 'SUCCESSFUL', financialTransactionId: expect.stringMatching(/^\d{10}$/) });
    const journal = (await control('GET', 'requests?operation=callback')).body.data;
    expect(journal).toEqual([
      expect.objectContaining({ direction: 'out', method: 'PUT', path: `http://127.0.0.1:${receiverPort}/momo/callbacks/rtp/${referenceId}`, product: 'collection', referenceId, status: 200 }),
    ]);
  });

  it('sends FAILED callbacks with the reason, for transfers too; none without X-Callback-Url or for a transaction that never ends', async () => {
    const acc = await account('collection');
    await payWithCallback(acc, '46733123452');
    await payWithCallback(acc, '46733123453');
    await requestToPay(acc);
    const payout = await account('disbursement');
    const id = randomUUID();
    await transfer(payout, transferBody({ payee: { partyIdType: 'MSISDN', partyId: '46733123455' } }), { 'x-callback-url': callbackUrl(id) }, id);
    await advance(3600);
    expect(received).toHaveLength(2);
    const bodies = received.map((r) => JSON.parse(r.text));
    expect(bodies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ status: 'FAILED', reason: 'EXPIRED', payer: expect.any(Object) }),
        expect.objectContaining({ status: 'FAILED', reason: 'NOT_ENOUGH_FUNDS', payee: { partyIdType: 'MSISDN', partyId: '46733123455' } }),
      ]),
    );
    expect(received.every((r) => r.method === 'PUT')).toBe(true);
  });

  it('drops callbacks in mode drop (journaled as dropped); the status still turns final', async () => {
    expect((await control('POST', 'callbacks', { mode: 'drop' })).body).toEqual({ mode: 'drop', delaySeconds: 0, times: 1 });
    const acc = await account('collection');
    const referenceId = await payWithCallback(acc);
    await advance(60);
    expect(received).toEqual([]);
    expect((await rtpStatus(acc, referenceId)).body.status).toBe('SUCCESSFUL');
    expect((await control('GET', 'requests?operation=callback')).body.data).toEqual([expect.objectContaining({ direction: 'out', referenceId, status: null, outcome: 'dropped' })]);
  });

  it('sends the same callback several times in mode duplicate', async () => {
    await control('POST', 'callbacks', { mode: 'duplicate', times: 3 });
    const acc = await account('collection');
    await payWithCallback(acc);
    expect((await advance(5)).body.callbacksSent).toBe(3);
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => r.text)).size).toBe(1);
    expect((await control('GET', 'requests')).body.counts.callback).toBe(3);
  });

  it('sends the callback delaySeconds after the final state in mode delay', async () => {
    await control('POST', 'callbacks', { mode: 'delay', delaySeconds: 30 });
    const acc = await account('collection');
    const referenceId = await payWithCallback(acc);
    await advance(5);
    expect((await rtpStatus(acc, referenceId)).body.status).toBe('SUCCESSFUL');
    await advance(29);
    expect(received).toEqual([]);
    await advance(1);
    expect(received).toHaveLength(1);
  });

  it('does not retry a callback the receiver refuses or cannot take; the failure is journaled', async () => {
    receiverStatus = 500;
    const acc = await account('collection');
    await payWithCallback(acc);
    await advance(5);
    await advance(600);
    expect(received).toHaveLength(1);
    // A receiver that is not there at all.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const id = randomUUID();
    await requestToPay(acc, rtpBody(), { 'x-callback-url': `http://127.0.0.1:${deadPort}/cb/${id}` }, id);
    await advance(5);
    const journal = (await control('GET', 'requests?operation=callback')).body.data;
    expect(journal).toEqual([
      expect.objectContaining({ status: 500, outcome: 'failed', error: 'the receiver answered 500' }),
      expect.objectContaining({ status: null, outcome: 'failed', error: expect.stringMatching(/ECONNREFUSED/) }),
    ]);
  });

  it('gives up on a receiver slower than callbackTimeoutMs', async () => {
    await control('PATCH', 'settings', { callbackTimeoutMs: 200 });
    const slow = createServer((_req, res) => setTimeout(() => res.end(), 1000).unref());
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    try {
      const acc = await account('collection');
      const id = randomUUID();
      await requestToPay(acc, rtpBody(), { 'x-callback-url': `http://127.0.0.1:${(slow.address() as AddressInfo).port}/cb` }, id);
      const started = Date.now();
      await advance(5);
      expect(Date.now() - started).toBeLessThan(900);
      expect((await control('GET', 'requests?operation=callback')).body.data).toEqual([expect.objectContaining({ status: null, outcome: 'failed', error: 'no answer within 200 ms' })]);
    } finally {
      slow.closeAllConnections();
      await new Promise((resolve) => slow.close(resolve));
    }
  });

  it('runs on real time too: with pendingSeconds 1 the callback arrives without time/advance', async () => {
    await control('PATCH', 'settings', { pendingSeconds: 1 });
    const acc = await account('collection');
    const started = Date.now();
    const referenceId = await payWithCallback(acc);
    await waitFor(() => received.length === 1, 4000);
    expect(received[0]!.at - started).toBeGreaterThanOrEqual(900);
    expect(JSON.parse(received[0]!.text).status).toBe('SUCCESSFUL');
    expect((await rtpStatus(acc, referenceId)).body.status).toBe('SUCCESSFUL');
  });
});

// ---- forced outcomes ----

describe('control: outcomes', () => {
  it('forces the outcome of a reference id before it exists, and of an existing PENDING transaction', async () => {
    const acc = await account('collection');
    const planned = randomUUID();
    expect((await control('POST', 'outcomes', { referenceId: planned, status: 'FAILED', reason: 'PAYER_LIMIT_REACHED', delaySeconds: 0 })).body).toEqual({ appliedTo: 'armed', queued: 1 });
    await requestToPay(acc, rtpBody(), {}, planned);
    expect((await rtpStatus(acc, planned)).body).toMatchObject({ status: 'FAILED', reason: 'PAYER_LIMIT_REACHED' });

    const existing = await requestToPay(acc, rtpBody({ payer: { partyIdType: 'MSISDN', partyId: '46733123453' } }));
    expect((await control('POST', 'outcomes', { referenceId: existing.referenceId, status: 'SUCCESSFUL', delaySeconds: 10 })).body).toEqual({ appliedTo: 'transaction', queued: 0 });
    await advance(9);
    expect((await rtpStatus(acc, existing.referenceId)).body.status).toBe('PENDING');
    await advance(1);
    expect((await rtpStatus(acc, existing.referenceId)).body.status).toBe('SUCCESSFUL');
    const final = await control('POST', 'outcomes', { referenceId: existing.referenceId, status: 'FAILED' });
    expect(final.status).toBe(409);
    expect(final.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('forces the next transaction of an MSISDN only, and "the next" one; PENDING means never final', async () => {
    const acc = await account('disbursement');
    await control('POST', 'outcomes', { msisdn: '46733000001', status: 'FAILED' });
    await control('POST', 'outcomes', { status: 'PENDING' });
    const other = await transfer(acc, transferBody({ payee: { partyIdType: 'MSISDN', partyId: '46733000002' } })); // takes "the next"
    const target = await transfer(acc, transferBody({ payee: { partyIdType: 'MSISDN', partyId: '46733000001' } }));
    const again = await transfer(acc, transferBody({ payee: { partyIdType: 'MSISDN', partyId: '46733000001' } }));
    await advance(3000);
    expect((await transferStatus(acc, other.referenceId)).body.status).toBe('PENDING');
    expect((await transferStatus(acc, target.referenceId)).body).toMatchObject({ status: 'FAILED', reason: 'INTERNAL_PROCESSING_ERROR' });
    expect((await transferStatus(acc, again.referenceId)).body.status).toBe('SUCCESSFUL');
    expect((await transactions()).map((t) => t.outcomeSource)).toEqual(['forced', 'forced', 'default']);
  });

  it('validates its body', async () => {
    for (const body of [
      { status: 'SUCCESSFUL', reason: 'EXPIRED' },
      { status: 'DONE' },
      { status: 'FAILED', referenceId: randomUUID(), msisdn: '46733123450' },
      { status: 'FAILED', reason: 'lower case' },
      { status: 'PENDING', delaySeconds: 5 },
      { status: 'FAILED', referenceId: 'nope' },
      { status: 'FAILED', extra: true },
    ]) {
      const reply = await control('POST', 'outcomes', body);
      expect(reply.status).toBe(400);
      expect(reply.body.code).toBe('VALIDATION_FAILED');
    }
  });
});

// ---- forced failures ----

describe('control: fail-next', () => {
  it('fails the next token call once with a MoMo error; the one after works', async () => {
    const { apiUser, apiKey } = await provision('collection');
    await control('POST', 'fail-next', { operation: 'token', httpStatus: 503, code: 'SERVICE_UNAVAILABLE', message: 'Down for maintenance' });
    const failed = await tokenCall('collection', basic(apiUser, apiKey));
    expect(failed.status).toBe(503);
    expect(failed.body).toEqual({ message: 'Down for maintenance', code: 'SERVICE_UNAVAILABLE' });
    expect((await tokenCall('collection', basic(apiUser, apiKey))).status).toBe(200);
  });

  it('answers the gateway shapes for 401/429 without a code, and only on the product asked for', async () => {
    const col = await account('collection');
    const dis = await account('disbursement');
    await control('POST', 'fail-next', { operation: 'balance', product: 'disbursement', httpStatus: 429 });
    expect((await get('collection', 'account/balance', col.token)).status).toBe(200);
    const limited = await get('disbursement', 'account/balance', dis.token);
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ statusCode: 429, message: 'Rate limit is exceeded. Try again in 1 seconds.' });
    expect(limited.headers.get('retry-after')).toBe('1');
    await control('POST', 'fail-next', { operation: 'status', httpStatus: 401 });
    expect((await rtpStatus(col, randomUUID())).body).toEqual(GATEWAY_INVALID_KEY);
  });

  it('fails requesttopay before it takes effect: 500, nothing created, the same id then works', async () => {
    const acc = await account('collection');
    await control('POST', 'fail-next', { operation: 'requesttopay', httpStatus: 500 });
    const failed = await requestToPay(acc);
    expectMomoError(failed, 500, 'INTERNAL_PROCESSING_ERROR');
    expect(await transactions()).toEqual([]);
    expect((await requestToPay(acc, rtpBody(), {}, failed.referenceId)).status).toBe(202);
  });

  it('drops the connection after the transfer took effect: the client sees a network error, the retry gets 409', async () => {
    const acc = await account('disbursement');
    await control('POST', 'fail-next', { operation: 'transfer', drop: true, when: 'after' });
    const referenceId = randomUUID();
    await expect(transfer(acc, transferBody(), {}, referenceId)).rejects.toThrow();
    expect((await transferStatus(acc, referenceId)).body.status).toBe('PENDING');
    expectMomoError(await transfer(acc, transferBody(), {}, referenceId), 409, 'RESOURCE_ALREADY_EXIST');
    const journal = (await control('GET', 'requests?operation=transfer')).body.data;
    expect(journal.map((e: { status: number | null; outcome?: string }) => [e.status, e.outcome])).toEqual([
      [null, 'dropped'],
      [409, undefined],
    ]);
  });

  it('hangs a call for delayMs (a client timeout), then answers normally', async () => {
    const acc = await account('collection');
    await control('POST', 'fail-next', { operation: 'balance', delayMs: 1500 });
    await expect(send(`${momo}/collection/v1_0/account/balance`, { headers: productHeaders('collection', acc.token), signal: AbortSignal.timeout(300) })).rejects.toThrow();
    await control('POST', 'fail-next', { operation: 'balance', delayMs: 300 });
    const started = Date.now();
    expect((await get('collection', 'account/balance', acc.token)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('validates its body', async () => {
    for (const body of [{ operation: 'token' }, { operation: 'token', httpStatus: 500, drop: true }, { operation: 'refund', httpStatus: 500 }, { operation: 'token', code: 'X_Y' }, { operation: 'token', httpStatus: 200 }]) {
      const reply = await control('POST', 'fail-next', body);
      expect(reply.status).toBe(400);
      expect(reply.body.code).toBe('VALIDATION_FAILED');
    }
  });
});

// ---- journal and the rest of the control API ----

describe('control: journal, settings, reset', () => {
  it('journals requests without secrets, with counts by operation and product', async () => {
    const { apiUser, apiKey } = await provision('collection');
    const token = (await tokenCall('collection', basic(apiUser, apiKey))).body.access_token as string;
    const acc = { apiUser, apiKey, token };
    await requestToPay(acc);
    await send(`${momo}/collection/v1_0/account/balance?subscription-key=${KEYS.collection.primary}`, { headers: { authorization: `Bearer ${token}`, 'x-target-environment': 'sandbox' } });
    await tokenCall('collection', basic(apiUser, 'wrong'));
    await control('GET', 'settings'); // the control API is not journaled

    const all = await control('GET', 'requests');
    expect(all.status).toBe(200);
    for (const secret of [apiKey, token, token.split('.')[2]!, basic(apiUser, apiKey).slice(6), KEYS.collection.primary, 'wrong']) expect(all.text).not.toContain(secret);
    expect(all.body.counts).toEqual({ createApiUser: 1, createApiKey: 1, token: 2, requesttopay: 1, balance: 1 });
    expect(all.body.countsByProduct).toEqual({ collection: { createApiUser: 1, createApiKey: 1, token: 2, requesttopay: 1, balance: 1 } });
    const tokens = (await control('GET', 'requests?operation=token&product=collection')).body.data;
    expect(tokens).toEqual([
      expect.objectContaining({ direction: 'in', method: 'POST', path: '/sandbox/momo/collection/token/', operation: 'token', product: 'collection', apiUser, status: 200, tokenHash: expect.stringMatching(/^[0-9a-f]{16}$/) }),
      expect.objectContaining({ status: 401, errorCode: 'login_failed', apiUser }),
    ]);
    const balanceCall = (await control('GET', 'requests?operation=balance')).body.data[0];
    expect(balanceCall).toMatchObject({ queryKeys: ['subscription-key'], tokenHash: tokens[0].tokenHash, status: 200 });
    expect((await control('GET', 'requests?operation=requesttopay')).body.data[0]).toMatchObject({ status: 202, referenceId: expect.any(String), apiUser });
    expect((await control('GET', 'requests?operation=nonsense')).status).toBe(400);
    expect((await control('GET', 'apiusers')).text).not.toContain(apiKey);
  });

  it('answers unknown wire paths with the gateway 404 and unknown control paths with problem+json', async () => {
    const wire = await send(`${momo}/remittance/token/`, { method: 'POST' });
    expect(wire.status).toBe(404);
    expect(wire.body).toEqual(GATEWAY_NOT_FOUND);
    expect((await send(`${momo}/collection/v2_0/requesttopay`, { method: 'POST' })).body).toEqual(GATEWAY_NOT_FOUND);
    expect((await send(`${momo}/disbursement/v1_0/requesttopay`, { method: 'POST' })).body).toEqual(GATEWAY_NOT_FOUND);
    const ctl = await control('GET', 'nope');
    expect(ctl.status).toBe(404);
    expect(ctl.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await control('GET', 'requests')).body.counts).toEqual({ unknown: 3 });
  });

  it('shows and changes the settings; refuses nulls except for ongoingSeconds', async () => {
    expect((await control('GET', 'settings')).body).toEqual({
      tokenLifetimeSeconds: 3600,
      pendingSeconds: 5,
      delayedSeconds: 25,
      ongoingSeconds: null,
      reasonFormat: 'string',
      callbackTimeoutMs: 2000,
      callbacks: { mode: 'deliver', delaySeconds: 0, times: 1 },
    });
    expect((await control('PATCH', 'settings', { pendingSeconds: 2, ongoingSeconds: 40 })).body).toMatchObject({ pendingSeconds: 2, ongoingSeconds: 40 });
    expect((await control('PATCH', 'settings', { ongoingSeconds: null })).body.ongoingSeconds).toBeNull();
    for (const body of [{ tokenLifetimeSeconds: null }, { tokenLifetimeSeconds: 0 }, { reasonFormat: 'xml' }, { pendingSeconds: 1.5 }]) {
      expect((await control('PATCH', 'settings', body)).status).toBe(400);
    }
    expect((await control('POST', 'callbacks', { mode: 'deliver', times: 2 })).status).toBe(400);
    expect((await control('GET', 'settings')).body.tokenLifetimeSeconds).toBe(3600);
  });

  it('resets everything: API users, tokens, balances, settings, journal and pending callbacks', async () => {
    const acc = await account('collection');
    await control('PATCH', 'settings', { pendingSeconds: 60 });
    await payWith(acc);
    await control('PUT', 'balances/disbursement', { amount: '1' });
    expect((await control('POST', 'reset')).body).toEqual({ reset: true });
    expect((await control('GET', 'apiusers')).body.data).toEqual([]);
    expect(await transactions()).toEqual([]);
    expect(await balance('disbursement')).toBe('1000000');
    expect((await control('GET', 'settings')).body.pendingSeconds).toBe(5);
    expect((await control('GET', 'requests')).body.data).toEqual([]);
    expect((await tokenCall('collection', basic(acc.apiUser, acc.apiKey))).body).toEqual({ error: 'login_failed' });
    expect((await get('collection', 'account/balance', acc.token)).status).toBe(401);
    await advance(120);
    expect(received).toEqual([]);

    async function payWith(a: Account): Promise<void> {
      const id = randomUUID();
      expect((await requestToPay(a, rtpBody(), { 'x-callback-url': callbackUrl(id) }, id)).status).toBe(202);
    }
  });

  it('is documented in Swagger under "Sandbox: MoMo", and the wire routes are not', () => {
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
    const paths = Object.keys(document.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/sandbox/momo/__control/time/advance',
        '/sandbox/momo/__control/outcomes',
        '/sandbox/momo/__control/callbacks',
        '/sandbox/momo/__control/balances/{product}',
        '/sandbox/momo/__control/fail-next',
        '/sandbox/momo/__control/requests',
        '/sandbox/momo/__control/transactions',
        '/sandbox/momo/__control/apiusers',
        '/sandbox/momo/__control/settings',
        '/sandbox/momo/__control/reset',
      ]),
    );
    expect(paths.filter((p) => !p.includes('__control'))).toEqual([]);
    expect(document.paths['/sandbox/momo/__control/fail-next']!.post!.tags).toEqual(['Sandbox: MoMo']);
  });
});
