import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenCipher } from '../src/crypto/token-cipher.service.js';
import { systemAad } from '../src/providers/momo/momo-credentials.service.js';
import { MOMO_SANDBOX_SUBSCRIPTION_KEYS, PACO_SANDBOX_MERCHANT, PAGA_SANDBOX_CLIENT, PAYSERA_SANDBOX_CLIENT } from '../src/sandbox/sandbox-accounts.js';
import { authorizeAtPaga, finishAtGatehouse, momoCollect, until, validPagaConsent } from './helpers/flows.js';
import { type GatehouseProcess, startGatehouseProcess, stopAllGatehouseProcesses } from './helpers/gatehouse-process.js';
import { createScratchDatabase, query, type ScratchDatabase } from './helpers/scratch-database.js';
import { ADMIN_TOKEN, call } from './helpers/test-app.js';
import { freePort } from './setup/global-setup.mjs';

const RETURN_URL = 'https://shop.example/return';
const TOKEN_KEY = Buffer.alloc(32, 23).toString('base64');

/**
 * The built entry point at LOG_LEVEL=debug runs full flows (admin, a Paga consent with a charge,
 * a refresh and the error paths, MoMo collections with their callbacks); then every line it
 * wrote is searched for every secret that went by: none may appear.
 */
describe('no secret in any log line', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-logs-'));
  let db: ScratchDatabase;
  let g: GatehouseProcess;
  const secrets: { name: string; value: string }[] = [];
  const keep = (name: string, value: string | null | undefined) => {
    // Paga's codes are 6 characters: long enough not to turn up in a log line by chance.
    if (!value || value.length < 6) throw new Error(`the secret ${name} is missing or too short to search for: ${JSON.stringify(value)}`);
    secrets.push({ name, value });
  };

  beforeAll(async () => {
    db = await createScratchDatabase('logs');
    const port = await freePort();
    g = await startGatehouseProcess({
      PORT: String(port),
      DATABASE_URL: db.url,
      LOG_LEVEL: 'debug',
      ADMIN_TOKEN,
      TOKEN_ENCRYPTION_KEYS: `k1:${TOKEN_KEY}`,
      DEMO_MERCHANT: 'false',
      DATA_DIR: dataDir,
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    });
  }, 60_000);

  afterAll(async () => {
    await stopAllGatehouseProcesses();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs the flows and collects the secrets they used', async () => {
    const base = g.baseUrl;
    const cipher = TokenCipher.fromConfig({ isSandbox: true, dataDir, tokenEncryptionKeys: `k1:${TOKEN_KEY}` });
    keep('ADMIN_TOKEN', ADMIN_TOKEN);
    keep('TOKEN_ENCRYPTION_KEYS key', TOKEN_KEY);

    // Admin: a merchant and two keys (one revoked and then tried).
    const merchant = await call(base, 'POST', '/admin/merchants', { token: ADMIN_TOKEN, json: { name: 'Logged shop', allowedReturnUrls: [RETURN_URL] } });
    const issued = await call(base, 'POST', `/admin/merchants/${merchant.body.id}/api-keys`, { token: ADMIN_TOKEN, json: { scopes: ['consents', 'payments', 'read'] } });
    const key: string = issued.body.key;
    keep('merchant API key', key);
    keep('merchant API key secret part', key.slice(21));
    const revoked = await call(base, 'POST', `/admin/merchants/${merchant.body.id}/api-keys`, { token: ADMIN_TOKEN, json: { scopes: ['read'] } });
    keep('revoked API key', revoked.body.key);
    await call(base, 'POST', `/admin/api-keys/${revoked.body.apiKey.id}/revoke`, { token: ADMIN_TOKEN });
    expect((await call(base, 'GET', '/v1/merchants/me', { token: revoked.body.key })).status).toBe(401);
    expect((await call(base, 'GET', '/admin/merchants', { token: `${ADMIN_TOKEN}x` })).status).toBe(401);

    // Paga: a consent, a charge, user details; then an expired token refreshed.
    const consent = await validPagaConsent({ api: base, key, returnUrl: RETURN_URL, psuReference: 'logged' });
    keep('Paga OAuth code', consent.code);
    keep('Paga OAuth state', consent.state);
    const tokens = async () => {
      const [row] = await query(db.url, 'SELECT merchant_id, access_token, refresh_token FROM tokens WHERE consent_id = $1', [consent.consentId]);
      const aad = (column: string) => ({ merchantId: row.merchant_id, consentId: consent.consentId, column });
      return { access: cipher.decrypt(row.access_token, aad('access_token')), refresh: cipher.decrypt(row.refresh_token, aad('refresh_token')) };
    };
    const first = await tokens();
    keep('Paga access token', first.access);
    keep('Paga refresh token', first.refresh);
    const charge = await call(base, 'POST', `/v1/paga/consents/${consent.consentId}/payments`, { token: key, json: { reference: 'log-1', amount: { value: 1000, currency: 'NGN' }, customerReference: 'logged' } });
    expect(charge.body.status).toBe('succeeded');
    await call(base, 'POST', '/sandbox/paga/__control/tokens/expire', { json: {} });
    expect((await call(base, 'GET', `/v1/paga/consents/${consent.consentId}/user`, { token: key })).status).toBe(200);
    const second = await tokens();
    expect(second.access).not.toBe(first.access);
    keep('Paga access token after the refresh', second.access);

    // Paga error paths: a replayed callback (state used), a forged state, a failed code exchange.
    expect((await finishAtGatehouse(consent)).status).toBe(400);
    const forged = new URL(consent.callbackUrl);
    forged.searchParams.set('state', 'f'.repeat(43));
    expect((await fetch(forged, { redirect: 'manual' })).status).toBe(400);
    const failing = await authorizeAtPaga({ api: base, key, returnUrl: RETURN_URL, psuReference: 'logged-2' });
    keep('Paga OAuth code (failed exchange)', failing.code);
    keep('Paga OAuth state (failed exchange)', failing.state);
    await call(base, 'POST', '/sandbox/paga/__control/fail-next', { json: { operation: 'token', httpStatus: 400 } });
    expect((await finishAtGatehouse(failing)).params.error).toBe('token_exchange_failed');

    // MoMo: provisioning, a token, collections settled by callback, a refused one.
    const collected = await momoCollect(base, key, 'log-momo-1');
    expect(collected.status).toBe(202);
    expect((await momoCollect(base, key, 'log-momo-2', '46733123451')).status).toBe(202);
    await call(base, 'POST', '/sandbox/momo/__control/time/advance', { json: { seconds: 10 } });
    await until(() => call(base, 'GET', `/v1/momo/collections/${collected.body.id}`, { token: key }), (r) => r.body.status === 'succeeded', 'the collection to succeed');
    const [apiUser] = await query(db.url, `SELECT api_key FROM momo_api_users WHERE product = 'collection'`);
    keep('MoMo API key', cipher.decrypt(apiUser.api_key, systemAad('collection', 'api_key')));
    const [momoToken] = await query(db.url, `SELECT access_token FROM momo_access_tokens WHERE product = 'collection'`);
    keep('MoMo access token', cipher.decrypt(momoToken.access_token, systemAad('collection', 'access_token')));
    const transactions = (await call(base, 'GET', '/sandbox/momo/__control/transactions')).body.data as { externalId: string; callbackUrl: string }[];
    const callbackUrl = transactions.find((x) => x.externalId === 'log-momo-1')!.callbackUrl;
    keep('MoMo callback token', callbackUrl.split('/').pop());

    // Credentials of the sandbox clients, sent in headers and bodies on every provider call.
    keep('Paga client secret', PAGA_SANDBOX_CLIENT.clientSecret);
    keep('Paga Basic credentials', Buffer.from(`${PAGA_SANDBOX_CLIENT.clientId}:${PAGA_SANDBOX_CLIENT.clientSecret}`).toString('base64'));
    keep('MoMo collection subscription key', MOMO_SANDBOX_SUBSCRIPTION_KEYS.collection.primary);
    keep('Paysera MAC key', PAYSERA_SANDBOX_CLIENT.macKey);
    keep('PACO merchant token', PACO_SANDBOX_MERCHANT.token);
    keep('PACO Basic password', PACO_SANDBOX_MERCHANT.basic.password);
    // PROVIDERS: a new provider's flow goes above, and the secrets it used (tokens, MAC keys,
    // nonces, JWE plaintexts) are kept here with keep(name, value).

    // The last request: once its log line has arrived, all lines before it have.
    expect((await call(base, 'GET', '/v1/end-of-flows-marker')).status).toBe(404);
  }, 90_000);

  it('none of them is in any line the process wrote', async () => {
    // Lines reach us through a pipe: wait until the last request of the flows has been logged.
    await until(async () => g.output(), (out) => out.includes('/v1/end-of-flows-marker'), 'the last request log line', 5_000, 50);
    const lines = g.output().split('\n');
    expect(g.logLines().length).toBeGreaterThan(50);
    expect(secrets.length).toBeGreaterThanOrEqual(20);
    const found = secrets.map(({ name, value }) => ({ name, lines: lines.filter((l) => l.includes(value)).map((l) => l.slice(0, 300)) })).filter((s) => s.lines.length);
    expect(found).toEqual([]);
    // And nothing that looks like a credential, whatever its value: bearer or basic credentials,
    // private keys, long base64 runs (PEM bodies, JWEs, MAC keys).
    const shapes: [string, RegExp][] = [
      ['Bearer credential', /\bBearer\s+[A-Za-z0-9._~+/-]{12,}/i],
      ['Basic credential', /\bBasic\s+[A-Za-z0-9+/]{12,}={0,2}/i],
      ['private key', /PRIVATE KEY/],
      ['long base64 run', /[A-Za-z0-9+/_-]{200,}/],
    ];
    const shaped = shapes.map(([name, re]) => ({ name, lines: lines.filter((l) => re.test(l)).map((l) => l.slice(0, 300)) })).filter((s) => s.lines.length);
    expect(shaped).toEqual([]);
  });

  it('stops cleanly', async () => {
    expect(await g.stop()).toBe(0);
  });
});
