import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { OAuthGrantError, ProviderUnauthorizedError } from '../../consents/oauth.errors.js';
import { parseMacHeader } from '../../crypto/paysera-mac.protocol.js';
import { PayseraMacService } from '../../crypto/paysera-mac.service.js';
import { PayseraClient, PayseraRefusal } from './paysera.client.js';
import type { PayseraConfig } from './paysera.config.js';

/*
 * The inputs of every signature, checked on the receiving side of real HTTP: which credentials sign,
 * the exact bytes hashed and sent, the request URI as sent, host and port, fresh ts and nonce, and
 * the one retry after a clock sync.
 */

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

type Handler = (seen: Seen, res: ServerResponse) => void;

interface Vector {
  n: number;
  body: string | null;
  ext: string;
}
const vectors = JSON.parse(readFileSync(new URL('../../../test/fixtures/paysera-mac-vectors.json', import.meta.url), 'utf8')) as { credentials: { macId: string; macKey: string }; vectors: Vector[] };
const { macId: CLIENT_ID, macKey: CLIENT_KEY } = vectors.credentials;
const vector2 = vectors.vectors.find((v) => v.n === 2)!;
const USER = { kind: 'user' as const, accessToken: 'user-mac-id', macKey: 'user-mac-key-0123456789abcdef' };
const TOKEN_ANSWER = { access_token: 'at-1', token_type: 'mac', mac_algorithm: 'hmac-sha-256', mac_key: 'mk-1', expires_in: 3600, refresh_token: 'rt-1' };

let server: Server;
let port: number;
let seen: Seen[] = [];
let handler: Handler;
const verifier = new PayseraMacService({ windowSeconds: 86_400 * 2 });

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function config(overrides: Partial<PayseraConfig> = {}): PayseraConfig {
  const base = `http://127.0.0.1:${port}/wallet`;
  return {
    apiBaseUrl: base,
    authBaseUrl: base,
    clientId: CLIENT_ID,
    macKey: CLIENT_KEY,
    timeoutMs: 5_000,
    amountFormat: 'decimal',
    currencies: ['EUR'],
    callbackUrl: 'http://gatehouse.test/callbacks/paysera',
    confirmUrlTemplate: `${base}/wallet/confirm/{transaction_key}`,
    publicKeyTtlSeconds: 3600,
    redirectUri: 'http://gatehouse.test/oauth/paysera/callback',
    enabled: true,
    ...overrides,
  };
}

/** Verifies a received request the way Paysera does, against the key of whoever it claims to be. */
async function verifiedBy(request: Seen, keys: Record<string, string>) {
  return verifier.verify(
    { method: request.method, requestUri: request.url, host: '127.0.0.1', port, authorization: request.headers.authorization, body: request.body },
    (id) => (keys[id] ? { macKey: keys[id]! } : undefined),
  );
}

beforeAll(async () => {
  Logger.overrideLogger(false);
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) };
      seen.push(request);
      handler(request, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

beforeEach(() => {
  seen = [];
  handler = (_s, res) => json(res, 200, {});
});

describe('PayseraClient request signing', () => {
  it('signs the token request with the client credentials over the exact form bytes PHP would send (vector 2 body and ext)', async () => {
    handler = (_s, res) => json(res, 200, TOKEN_ANSWER);
    const client = new PayseraClient(config(), new PayseraMacService());
    const tokens = await client.exchangeCode('SplxlOBeZQQYbYS6WxSbIA', 'http://localhost/abc');
    expect(tokens).toEqual({ accessToken: 'at-1', refreshToken: 'rt-1', tokenType: 'mac', expiresIn: 3600, extraSecret: 'mk-1' });

    const [request] = seen;
    expect(request!.method).toBe('POST');
    expect(request!.url).toBe('/wallet/oauth/v1/token');
    expect(request!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request!.body.toString('utf8')).toBe(vector2.body);
    const header = parseMacHeader(request!.headers.authorization)!;
    expect(header.id).toBe(CLIENT_ID);
    expect(header.ext).toBe(vector2.ext);
    await expect(verifiedBy(request!, { [CLIENT_ID]: CLIENT_KEY })).resolves.toMatchObject({ id: CLIENT_ID });
    // The same bytes under another key do not verify: the client's key signed them.
    await expect(verifiedBy(request!, { [CLIENT_ID]: 'another-key-another-key-another!' })).rejects.toMatchObject({ code: 'INVALID_SIGNATURE' });
  });

  it('signs user calls with the access token as the MAC id and its MAC key; GETs carry no ext', async () => {
    handler = (_s, res) => json(res, 200, { id: 1 });
    const client = new PayseraClient(config(), new PayseraMacService());
    await client.user(USER);
    const [request] = seen;
    expect(request!.url).toBe('/wallet/rest/v1/user/me');
    expect(request!.headers.authorization).toMatch(/^MAC id="user-mac-id", ts="\d+", nonce="[^"]+", mac="[A-Za-z0-9+/]+={0,2}"$/);
    await expect(verifiedBy(request!, { [USER.accessToken]: USER.macKey })).resolves.toMatchObject({ ext: '' });
  });

  it('hashes and sends the same JSON bytes (non-ASCII included) and signs the path and query exactly as sent', async () => {
    handler = (_s, res) => json(res, 200, {});
    const client = new PayseraClient(config(), new PayseraMacService());
    const body = { payments: [{ description: 'Eglė’s tea ☕', price_decimal: '12.50', currency: 'EUR' }] };
    await client.createTransaction(body);
    await client.revokeAccessToken('a+b/c= d');
    const [created, revoked] = seen;
    expect(JSON.parse(created!.body.toString('utf8'))).toEqual(body);
    const bodyHash = createHash('sha256').update(created!.body).digest('base64');
    expect(new URLSearchParams(parseMacHeader(created!.headers.authorization)!.ext).get('body_hash')).toBe(bodyHash);
    await expect(verifiedBy(created!, { [CLIENT_ID]: CLIENT_KEY })).resolves.toBeDefined();
    expect(revoked!.method).toBe('DELETE');
    expect(revoked!.url).toBe('/wallet/oauth/v1/token?access_token=a%2Bb%2Fc%3D%20d');
    await expect(verifiedBy(revoked!, { [CLIENT_ID]: CLIENT_KEY })).resolves.toBeDefined();
  });

  it('uses the current time and a fresh CSPRNG nonce for every request', async () => {
    const client = new PayseraClient(config(), new PayseraMacService());
    handler = (_s, res) => json(res, 200, { transaction_key: 'k' });
    await Promise.all(Array.from({ length: 20 }, () => client.getTransaction('k')));
    const headers = seen.map((s) => parseMacHeader(s.headers.authorization)!);
    expect(new Set(headers.map((h) => h.nonce)).size).toBe(20);
    const now = Math.floor(Date.now() / 1000);
    for (const h of headers) expect(Math.abs(Number(h.ts) - now)).toBeLessThanOrEqual(5);
  });

  it('on invalid_timestamp reads GET /rest/v1/server (unsigned), keeps the offset, and signs the one retry afresh', async () => {
    const serverTime = Math.floor(Date.now() / 1000) + 1000;
    let refused = false;
    handler = (s, res) => {
      if (s.url.endsWith('/rest/v1/server')) return json(res, 200, { time: serverTime });
      if (!refused) {
        refused = true;
        return json(res, 401, { error: 'invalid_timestamp', error_description: 'Timestamp lifetime exceeded' });
      }
      json(res, 200, { id: 1 });
    };
    const client = new PayseraClient(config(), new PayseraMacService());
    await client.user(USER);
    expect(seen.map((s) => s.url)).toEqual(['/wallet/rest/v1/user/me', '/wallet/rest/v1/server', '/wallet/rest/v1/user/me']);
    expect(seen[1]!.headers.authorization).toBeUndefined();
    const [first, , retry] = seen.map((s) => parseMacHeader(s.headers.authorization));
    expect(retry!.nonce).not.toBe(first!.nonce);
    expect(Math.abs(Number(retry!.ts) - serverTime)).toBeLessThanOrEqual(2);
    expect(Math.abs(client.clockOffset - 1000)).toBeLessThanOrEqual(2);
    // The offset stays: the next request is signed with it from the start.
    await client.user(USER);
    expect(Math.abs(Number(parseMacHeader(seen[3]!.headers.authorization)!.ts) - serverTime)).toBeLessThanOrEqual(2);
  });

  it('retries a refused timestamp only once', async () => {
    handler = (s, res) => (s.url.endsWith('/server') ? json(res, 200, { time: Math.floor(Date.now() / 1000) }) : json(res, 401, { error: 'invalid_timestamp' }));
    const client = new PayseraClient(config(), new PayseraMacService());
    await expect(client.getTransaction('k')).rejects.toMatchObject({ code: 'PROVIDER_ERROR' });
    expect(seen.map((s) => s.url)).toEqual(['/wallet/rest/v1/transaction/k', '/wallet/rest/v1/server', '/wallet/rest/v1/transaction/k']);
  });
});

describe('PayseraClient answers', () => {
  const client = () => new PayseraClient(config(), new PayseraMacService());

  it('a refused user token is ProviderUnauthorizedError (the vault refreshes); a refused client signature is PROVIDER_ERROR', async () => {
    handler = (_s, res) => json(res, 401, { error: 'invalid_grant', error_description: 'Token has expired' });
    await expect(client().balance(USER)).rejects.toBeInstanceOf(ProviderUnauthorizedError);
    handler = (_s, res) => json(res, 401, { error: 'unauthorized', error_description: 'Invalid MAC signature' });
    await expect(client().getTransaction('k')).rejects.toMatchObject({ code: 'PROVIDER_ERROR', message: expect.stringContaining('Invalid MAC signature') });
    expect(seen).toHaveLength(2); // no retry of either
  });

  it("maps Paysera's invalid_grant at the token endpoint to OAuthGrantError (consent expired)", async () => {
    handler = (_s, res) => json(res, 400, { error: 'invalid_grant', error_description: 'Refresh token status invalid' });
    await expect(client().refresh('rt')).rejects.toEqual(new OAuthGrantError('invalid_grant', 'Refresh token status invalid'));
    handler = (_s, res) => json(res, 200, { ...TOKEN_ANSWER, token_type: 'bearer' });
    await expect(client().refresh('rt')).rejects.toMatchObject({ code: 'PROVIDER_ERROR' });
  });

  it('turns business refusals into PayseraRefusal (422) and never follows a redirect', async () => {
    handler = (_s, res) => json(res, 409, { error: 'invalid_state', error_description: 'Not enough funds in the wallet' });
    const refusal = await client().confirmTransaction('k').catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(PayseraRefusal);
    expect(refusal).toMatchObject({ code: 'PROVIDER_REJECTED', error: 'invalid_state', description: 'Not enough funds in the wallet', status: 422 });
    handler = (_s, res) => res.writeHead(302, { location: 'http://evil.test/' }).end();
    await expect(client().getTransaction('k')).rejects.toMatchObject({ code: 'PROVIDER_ERROR' });
    expect(seen.every((s) => s.url.startsWith('/wallet/'))).toBe(true);
    handler = (_s, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('');
    await expect(client().getTransaction('k')).rejects.toMatchObject({ code: 'PROVIDER_ERROR', message: expect.stringContaining('empty') });
  });

  it('is off (503) when Paysera is not configured, before anything is sent', async () => {
    const off = new PayseraClient(config({ enabled: false }), new PayseraMacService());
    await expect(off.getTransaction('k')).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(seen).toHaveLength(0);
  });
});
