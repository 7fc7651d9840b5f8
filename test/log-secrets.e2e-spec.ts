import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Webhook } from 'standardwebhooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toPem } from '../src/crypto/key-loader.js';
import { TokenCipher } from '../src/crypto/token-cipher.service.js';
import { systemAad } from '../src/providers/momo/momo-credentials.service.js';
import { PacoSandboxKeys } from '../src/sandbox/paco/paco-sandbox.keys.js';
import { PacoSandboxModule } from '../src/sandbox/paco/paco-sandbox.module.js';
import { CONNECTPAY_SANDBOX_CLIENT, MOMO_SANDBOX_SUBSCRIPTION_KEYS, PACO_SANDBOX_MERCHANT, PAGA_SANDBOX_CLIENT, PAYSERA_SANDBOX_CLIENT } from '../src/sandbox/sandbox-accounts.js';
import { type EmulatorApp, startEmulatorApp } from './helpers/emulator-app.js';
import { authorizeAtPaga, finishAtGatehouse, momoCollect, until, validPagaConsent } from './helpers/flows.js';
import { type GatehouseProcess, startGatehouseProcess, stopAllGatehouseProcesses } from './helpers/gatehouse-process.js';
import { CONNECTPAY_ACCOUNTS, PACO_APPROVED_CARD, pacoDirectPayment, validConnectPayConsent, validPayseraConsent } from './helpers/provider-flows.js';
import { createScratchDatabase, query, type ScratchDatabase } from './helpers/scratch-database.js';
import { ADMIN_TOKEN, call } from './helpers/test-app.js';
import { WebhookReceiver } from './helpers/webhook-receiver.js';
import { freePort } from './setup/global-setup.mjs';

const RETURN_URL = 'https://shop.example/return';
const TOKEN_KEY = Buffer.alloc(32, 23).toString('base64');

// Gatehouse's own PACO keys, configured the way production configures them (PEM in the
// environment), so the test knows the private halves and can look for them. RSA-2048: the
// minimum Gatehouse and the emulator accept, and quick to generate.
const pacoSigning = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pacoEncryption = generateKeyPairSync('rsa', { modulusLength: 2048 });

/**
 * The built entry point at LOG_LEVEL=debug runs full flows (admin, a Paga consent with a charge,
 * a refresh and the error paths, MoMo collections with their callbacks, ConnectPay and Paysera
 * consents with reads and refreshes, a PACO card payment, signed merchant webhooks); then every
 * line it wrote is searched for every secret that went by: none may appear.
 */
describe('no secret in any log line', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-logs-'));
  let db: ScratchDatabase;
  let g: GatehouseProcess;
  let paco: EmulatorApp;
  const receiver = new WebhookReceiver();
  const secrets: { name: string; value: string }[] = [];
  const keep = (name: string, value: string | null | undefined) => {
    // Paga's codes are 6 characters: long enough not to turn up in a log line by chance.
    if (!value || value.length < 6) throw new Error(`the secret ${name} is missing or too short to search for: ${JSON.stringify(value)}`);
    secrets.push({ name, value });
  };
  /** Secrets too short to search for alone (a CVV): searched for next to a name that gives them away. */
  const nextTo: { name: string; pattern: RegExp }[] = [];
  /** A private key in the forms it could be written in: PEM lines (PKCS#8, PKCS#1) and its JWK private exponent. */
  const keepPrivateKey = (name: string, key: KeyObject) => {
    for (const type of ['pkcs8', 'pkcs1'] as const) {
      const lines = (key.export({ type, format: 'pem' }) as string).split('\n').filter((l) => l && !l.startsWith('-----'));
      for (const i of [0, lines.length >> 1, lines.length - 2]) keep(`${name} (${type} PEM line ${i + 1})`, lines[i]);
    }
    keep(`${name} (JWK d)`, key.export({ format: 'jwk' }).d);
  };

  beforeAll(async () => {
    db = await createScratchDatabase('logs');
    await receiver.start();
    // PACO is the one provider here not served in-process: Gatehouse with configured keys talks to
    // an emulator the test runs, where the test registers Gatehouse's public keys, as 2C2P's portal would.
    paco = await startEmulatorApp(PacoSandboxModule);
    const pacoKeys = paco.app.get(PacoSandboxKeys);
    await pacoKeys.ready();
    const registered = await call(paco.origin, 'POST', '/sandbox/paco/__control/merchants', {
      json: { token: PACO_SANDBOX_MERCHANT.token, officeId: PACO_SANDBOX_MERCHANT.officeId, name: 'Gatehouse', signingPublicKey: toPem(pacoSigning.publicKey), encryptionPublicKey: toPem(pacoEncryption.publicKey) },
    });
    expect(registered.status).toBe(200);
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
      WEBHOOK_POLL_MS: '50',
      PACO_BASE_URL: `${paco.origin}/sandbox/paco`,
      PACO_MERCHANT_SIGNING_KEY: toPem(pacoSigning.privateKey),
      PACO_MERCHANT_DECRYPTION_KEY: toPem(pacoEncryption.privateKey),
      PACO_SIGNING_PUBLIC_KEY: toPem(pacoKeys.pacoSigningPublicKey),
      PACO_ENCRYPTION_PUBLIC_KEY: toPem(pacoKeys.pacoEncryptionPublicKey),
      PACO_ENCRYPTION_KEY_ID: pacoKeys.pacoKeyId,
    });
  }, 60_000);

  afterAll(async () => {
    await stopAllGatehouseProcesses();
    await paco?.app.close();
    await receiver.close();
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
    const issued = await call(base, 'POST', `/admin/merchants/${merchant.body.id}/api-keys`, { token: ADMIN_TOKEN, json: { scopes: ['consents', 'payments', 'read', 'webhooks'] } });
    const key: string = issued.body.key;
    keep('merchant API key', key);
    keep('merchant API key secret part', key.slice(21));
    const revoked = await call(base, 'POST', `/admin/merchants/${merchant.body.id}/api-keys`, { token: ADMIN_TOKEN, json: { scopes: ['read'] } });
    keep('revoked API key', revoked.body.key);
    await call(base, 'POST', `/admin/api-keys/${revoked.body.apiKey.id}/revoke`, { token: ADMIN_TOKEN });
    expect((await call(base, 'GET', '/v1/merchants/me', { token: revoked.body.key })).status).toBe(401);
    expect((await call(base, 'GET', '/admin/merchants', { token: `${ADMIN_TOKEN}x` })).status).toBe(401);

    // A webhook endpoint: every event below is signed with its secret and delivered.
    const endpoint = await call(base, 'POST', '/v1/webhooks/endpoints', { token: key, json: { url: receiver.url, description: 'logged' } });
    expect(endpoint.status).toBe(201);
    keep('webhook secret', endpoint.body.secret);
    keep('webhook secret key part', endpoint.body.secret.replace(/^whsec_/, ''));

    /** A consent's stored tokens, decrypted as TokenVault does (extra: Paysera's MAC key). */
    const storedTokens = async (consentId: string) => {
      const [row] = await query(db.url, 'SELECT merchant_id, access_token, refresh_token, extra_secret FROM tokens WHERE consent_id = $1', [consentId]);
      const open = (column: string) => (row[column] === null ? null : cipher.decrypt(row[column], { merchantId: row.merchant_id, consentId, column }));
      return { access: open('access_token'), refresh: open('refresh_token'), extra: open('extra_secret') };
    };

    // Paga: a consent, a charge, user details; then an expired token refreshed.
    const consent = await validPagaConsent({ api: base, key, returnUrl: RETURN_URL, psuReference: 'logged' });
    keep('Paga OAuth code', consent.code);
    keep('Paga OAuth state', consent.state);
    const tokens = () => storedTokens(consent.consentId);
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
    keep('Paysera client MAC key', PAYSERA_SANDBOX_CLIENT.macKey);
    keep('PACO merchant token', PACO_SANDBOX_MERCHANT.token);
    keep('PACO Basic password', PACO_SANDBOX_MERCHANT.basic.password);

    // ConnectPay: a consent, the accounts and a balance; then an expired token refreshed (the pair rotates).
    const cp = await validConnectPayConsent(base, key, RETURN_URL, { psuReference: 'logged-cp' });
    keep('ConnectPay OAuth code', cp.code);
    keep('ConnectPay OAuth state', cp.state);
    const cpFirst = await storedTokens(cp.consentId);
    keep('ConnectPay access token', cpFirst.access);
    keep('ConnectPay refresh token', cpFirst.refresh);
    expect((await call(base, 'GET', `/v1/connectpay/consents/${cp.consentId}/accounts?withBalance=true`, { token: key })).status).toBe(200);
    await call(base, 'POST', '/sandbox/connectpay/__control/tokens/expire', { json: { person: 'jonas', customer: 'CUS-2001' } });
    expect((await call(base, 'GET', `/v1/connectpay/consents/${cp.consentId}/accounts/${CONNECTPAY_ACCOUNTS.jonasMain.id}/balances`, { token: key })).status).toBe(200);
    const cpSecond = await storedTokens(cp.consentId);
    expect(cpSecond.access).not.toBe(cpFirst.access);
    keep('ConnectPay access token after the refresh', cpSecond.access);
    keep('ConnectPay refresh token after the refresh', cpSecond.refresh);
    keep('ConnectPay client secret', CONNECTPAY_SANDBOX_CLIENT.clientSecret);
    keep('ConnectPay Basic credentials', Buffer.from(`${CONNECTPAY_SANDBOX_CLIENT.clientId}:${CONNECTPAY_SANDBOX_CLIENT.clientSecret}`).toString('base64'));

    // Paysera: a consent (MAC credentials), the profile; then an expired token refreshed.
    const ps = await validPayseraConsent(base, key, RETURN_URL, { psuReference: 'logged-ps' });
    keep('Paysera OAuth code', ps.code);
    keep('Paysera OAuth state', ps.state);
    const psFirst = await storedTokens(ps.consentId);
    keep('Paysera access token (MAC id)', psFirst.access);
    keep('Paysera MAC key', psFirst.extra);
    keep('Paysera refresh token', psFirst.refresh);
    expect((await call(base, 'GET', `/v1/paysera/consents/${ps.consentId}/user`, { token: key })).status).toBe(200);
    await call(base, 'POST', '/sandbox/paysera/__control/tokens/expire', { json: {} });
    expect((await call(base, 'GET', `/v1/paysera/consents/${ps.consentId}/user`, { token: key })).status).toBe(200);
    const psSecond = await storedTokens(ps.consentId);
    expect(psSecond.access).not.toBe(psFirst.access);
    keep('Paysera access token after the refresh', psSecond.access);
    keep('Paysera MAC key after the refresh', psSecond.extra);
    keep('Paysera refresh token after the refresh', psSecond.refresh);

    // PACO: a direct card payment through the unified API (signed and encrypted to PACO), its notification.
    const card = PACO_APPROVED_CARD;
    const paid = await pacoDirectPayment(base, key, 'log-paco-1', 990_00, card);
    expect({ status: paid.status, payment: paid.body.status }).toEqual({ status: 201, payment: 'succeeded' });
    keep('PACO card number', card.number);
    nextTo.push({ name: 'PACO card CVV', pattern: new RegExp(`(cvv|cvc|cvvCode|securityCode)\\W{0,6}${card.cvv}\\b`, 'i') });
    keepPrivateKey('Gatehouse PACO signing key', pacoSigning.privateKey);
    keepPrivateKey('Gatehouse PACO decryption key', pacoEncryption.privateKey);

    // The PACO payment's webhooks arrived signed with the endpoint's secret; a rotated secret is
    // shown once and signs from then on.
    const [delivered] = await receiver.waitFor(2, (e) => e.data.id === paid.body.id);
    expect(new Webhook(endpoint.body.secret).verify(delivered!.body, delivered!.headers)).toBeTruthy();
    const rotated = await call(base, 'POST', `/v1/webhooks/endpoints/${endpoint.body.id}/rotate-secret`, { token: key, json: {} });
    expect(rotated.body.secret).toMatch(/^whsec_/);
    keep('webhook secret after rotation', rotated.body.secret);
    keep('webhook secret after rotation, key part', rotated.body.secret.replace(/^whsec_/, ''));
    const afterRotation = await pacoDirectPayment(base, key, 'log-paco-2', 100_00, card);
    const [resigned] = await receiver.waitFor(2, (e) => e.data.id === afterRotation.body.id);
    expect(new Webhook(rotated.body.secret).verify(resigned!.body, resigned!.headers)).toBeTruthy();
    // PROVIDERS: a new provider's flow goes above, and the secrets it used (tokens, MAC keys,
    // nonces, JWE plaintexts) are kept with keep(name, value).

    // The last request: once its log line has arrived, all lines before it have.
    expect((await call(base, 'GET', '/v1/end-of-flows-marker')).status).toBe(404);
  }, 90_000);

  it('none of them is in any line the process wrote', async () => {
    // Lines reach us through a pipe: wait until the last request of the flows has been logged.
    await until(async () => g.output(), (out) => out.includes('/v1/end-of-flows-marker'), 'the last request log line', 5_000, 50);
    const lines = g.output().split('\n');
    expect(g.logLines().length).toBeGreaterThan(50);
    expect(secrets.length).toBeGreaterThanOrEqual(50);
    const found = secrets.map(({ name, value }) => ({ name, lines: lines.filter((l) => l.includes(value)).map((l) => l.slice(0, 300)) })).filter((s) => s.lines.length);
    expect(found).toEqual([]);
    expect(nextTo.length).toBeGreaterThanOrEqual(1);
    const named = nextTo.map(({ name, pattern }) => ({ name, lines: lines.filter((l) => pattern.test(l)).map((l) => l.slice(0, 300)) })).filter((s) => s.lines.length);
    expect(named).toEqual([]);
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
