import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS } from '../migrations/index.js';
import { Webhook } from 'standardwebhooks';
import { authorizeAtPaga, finishAtGatehouse, MOMO_FINAL, momoCollect, sameOnBoth, until } from './helpers/flows.js';
import { type GatehouseProcess, startGatehouseProcess, stopAllGatehouseProcesses } from './helpers/gatehouse-process.js';
import { createScratchDatabase, query, type ScratchDatabase } from './helpers/scratch-database.js';
import { ADMIN_TOKEN, call, createMerchant } from './helpers/test-app.js';
import { WebhookReceiver } from './helpers/webhook-receiver.js';
import { freePort } from './setup/global-setup.mjs';

const RETURN_URL = 'https://shop.example/return';

/**
 * Two real Gatehouse processes (the built entry point, as `npm start` runs it) on one Postgres
 * database of their own. Both are configured alike, as behind one load balancer: the same
 * PUBLIC_BASE_URL, token keys and admin token. That public URL is instance A's address, so both
 * instances use A's emulators (one Paga, one MoMo): A's MoMo emulator journal sees the token
 * requests of both. B's own emulators are never used. Nothing is shared between the two
 * processes but the database and those emulators.
 */
describe('scale-out: two Gatehouse processes on one database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-scale-'));
  let db: ScratchDatabase;
  let a: GatehouseProcess;
  let b: GatehouseProcess;
  let merchant: { merchantId: string; key: string };

  const momoControl = (method: string, path: string, json?: unknown) => call(a.baseUrl, method, `/sandbox/momo/__control/${path}`, { json });
  /** Where a request is sent: spread over both instances. */
  const instance = (i: number) => (i % 2 === 0 ? a : b).baseUrl;

  beforeAll(async () => {
    // No migrations yet: the two instances boot together and must apply each one once.
    db = await createScratchDatabase('scale', { migrate: false });
    const [portA, portB] = [await freePort(), await freePort()];
    const common = {
      DATABASE_URL: db.url,
      PUBLIC_BASE_URL: `http://127.0.0.1:${portA}`,
      TOKEN_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 11).toString('base64')}`,
      ADMIN_TOKEN,
      DEMO_MERCHANT: 'false',
      DATABASE_POOL_SIZE: '10',
      // 200 collections from one merchant and wallet in a moment: the limits (tested in payments-api) are off.
      RATE_LIMIT_RPS: '0',
      VELOCITY_MAX_PAYMENTS_PER_HOUR: '0',
      WEBHOOK_POLL_MS: '100',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
    };
    [a, b] = await Promise.all([startGatehouseProcess({ ...common, PORT: String(portA) }), startGatehouseProcess({ ...common, PORT: String(portB) })]);
    const created = await call(a.baseUrl, 'POST', '/admin/merchants', { token: ADMIN_TOKEN, json: { name: 'Scale-out shop', allowedReturnUrls: [RETURN_URL] } });
    const key = await call(b.baseUrl, 'POST', `/admin/merchants/${created.body.id}/api-keys`, { token: ADMIN_TOKEN, json: { scopes: ['consents', 'payments', 'read', 'webhooks'] } });
    merchant = { merchantId: created.body.id, key: key.body.key };
  }, 90_000);

  afterAll(async () => {
    await stopAllGatehouseProcesses();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('booting together, the two instances applied each migration once', async () => {
    const applied = await query<{ name: string }>(db.url, 'SELECT name FROM migrations ORDER BY id');
    expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
    // An admin on A sees what was created through B, and the other way round.
    const other = await createMerchant(b.baseUrl, 'Created on B');
    expect((await call(a.baseUrl, 'GET', `/admin/merchants/${other.merchantId}`, { token: ADMIN_TOKEN })).status).toBe(200);
    expect((await call(a.baseUrl, 'GET', '/v1/merchants/me', { token: other.key })).body.id).toBe(other.merchantId);
  });

  it('a consent started on A is completed on B, and both act on it', async () => {
    const auth = await authorizeAtPaga({ api: a.baseUrl, key: merchant.key, returnUrl: RETURN_URL });
    expect(`${auth.callbackUrl.origin}${auth.callbackUrl.pathname}`).toBe(`${a.baseUrl}/oauth/paga/callback`);
    // The load balancer sends the browser's callback to B: B has nothing of this flow in memory.
    const done = await finishAtGatehouse(auth, b.baseUrl);
    expect({ status: done.status, params: done.params }).toEqual({ status: 303, params: { consent_id: auth.consentId, status: 'valid' } });
    const callbacksOn = (p: GatehouseProcess) => p.logLines().filter((l) => l.includes('/oauth/paga/callback')).length;
    // Each request is logged once it is answered; the line reaches us through a pipe, a moment later.
    await until(async () => callbacksOn(b), (n) => n > 0, "B's log line of the callback", 5_000, 50);
    expect({ a: callbacksOn(a), b: callbacksOn(b) }).toEqual({ a: 0, b: 1 });

    // Tokens stored (encrypted) by B serve calls on A; the consent reads the same on both.
    const charge = await call(a.baseUrl, 'POST', `/v1/paga/consents/${auth.consentId}/payments`, {
      token: merchant.key,
      json: { reference: 'scale-charge-1', amount: { value: 5000, currency: 'NGN' }, customerReference: 'customer-1' },
    });
    expect(charge.body).toMatchObject({ status: 'succeeded', amount: { value: 5000, currency: 'NGN' } });
    const user = await call(b.baseUrl, 'GET', `/v1/paga/consents/${auth.consentId}/user`, { token: merchant.key });
    expect(user.body.details.FIRST_NAME).toBe('Adaobi');
    for (const p of [a, b]) expect((await call(p.baseUrl, 'GET', `/v1/consents/${auth.consentId}`, { token: merchant.key })).body.status).toBe('valid');
    // The same reference on the other instance is the same payment, not a second charge.
    const replay = await call(b.baseUrl, 'POST', `/v1/paga/consents/${auth.consentId}/payments`, {
      token: merchant.key,
      json: { reference: 'scale-charge-1', amount: { value: 5000, currency: 'NGN' }, customerReference: 'customer-1' },
    });
    expect(replay.body.id).toBe(charge.body.id);
    const charges = (await call(a.baseUrl, 'GET', '/sandbox/paga/__control/requests?operation=merchantPayment')).body.data;
    expect(charges).toHaveLength(1);
  });

  it('200 concurrent MoMo collections over both instances on a cold token cache: one token request, each paid once', async () => {
    const before = (await momoControl('GET', 'requests')).body.countsByProduct.collection ?? {};
    // Cold: neither instance has fetched a collection token yet (boot only provisions and checks).
    expect(before.token ?? 0).toBe(0);
    const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => momoCollect(instance(i), merchant.key, `scale-col-${i}`)));
    expect(replies.map((r) => r.status)).toEqual(Array(200).fill(202));
    const counts = (await momoControl('GET', 'requests')).body.countsByProduct.collection;
    expect(counts.token).toBe(1);
    expect(counts.createApiUser ?? 0).toBe(1);
    // Half of them were served by each process (their own request logs say so).
    const served = (p: GatehouseProcess) => p.logLines().filter((l) => l.includes('"url":"/v1/momo/collections"') && l.includes('"statusCode":202')).length;
    await until(async () => [served(a), served(b)], ([x, y]) => x + y >= 200, 'the request log lines', 5_000, 50);
    expect([served(a), served(b)]).toEqual([100, 100]);

    // Every payment reaches MoMo exactly once (one transaction per reference id), and becomes
    // final once, whichever instance took it and whichever works its reconciliation job.
    await momoControl('POST', 'time/advance', { seconds: 10 });
    const rows = await until(
      () => query<{ status: string; provider_reference: string; reference: string }>(db.url, `SELECT status, provider_reference, reference FROM payments WHERE merchant_id = $1 AND provider = 'momo'`, [merchant.merchantId]),
      (r) => r.length === 200 && r.every((p) => p.status !== 'pending'),
      'every collection to be final',
      60_000,
      500,
    );
    const transactions = (await momoControl('GET', 'transactions')).body.data as { referenceId: string; status: string; externalId: string }[];
    const mine = transactions.filter((t) => t.externalId?.startsWith('scale-col-'));
    expect(mine).toHaveLength(200);
    expect(new Set(mine.map((t) => t.referenceId)).size).toBe(200);
    const byReference = new Map(mine.map((t) => [t.referenceId, MOMO_FINAL[t.status]]));
    expect(rows.filter((p) => byReference.get(p.provider_reference) !== p.status)).toEqual([]);
    expect(rows.every((p) => p.status === 'succeeded')).toBe(true);
  }, 120_000);

  it('an idempotency key sent to both instances at the same moment executes once', async () => {
    for (let round = 0; round < 5; round++) {
      const key = `scale-idem-${round}-${Date.now()}`;
      const body = { provider: 'momo', reference: `scale-idem-${round}`, amount: { value: 700 + round, currency: 'EUR' }, payer: { msisdn: '46733999011' } };
      const replies = await sameOnBoth([a.baseUrl, b.baseUrl], 'POST', '/v1/payments', { token: merchant.key, json: body, headers: { 'idempotency-key': key } });
      // One ran; the other either waited its turn and got the stored answer, or was told it is running.
      expect(replies.every((r) => r.status === 201 || r.status === 409)).toBe(true);
      const created = replies.filter((r) => r.status === 201);
      expect(created.length).toBeGreaterThanOrEqual(1);
      expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
      for (const r of replies.filter((x) => x.status === 409)) expect(r.body.code).toBe('IDEMPOTENCY_KEY_IN_USE');
      const rows = await query<{ id: string; provider_reference: string }>(db.url, `SELECT id, provider_reference FROM payments WHERE merchant_id = $1 AND reference = $2`, [merchant.merchantId, body.reference]);
      expect(rows).toHaveLength(1);
      const sent = (await momoControl('GET', 'requests?operation=requesttopay')).body.data.filter((r: { referenceId?: string }) => r.referenceId === rows[0].provider_reference);
      expect(sent).toHaveLength(1);
      // Afterwards, either instance replays the stored answer.
      const replayed = await call(b.baseUrl, 'POST', '/v1/payments', { token: merchant.key, json: body, headers: { 'idempotency-key': key } });
      expect({ status: replayed.status, id: replayed.body.id, replayed: replayed.headers.get('idempotent-replayed') }).toEqual({ status: 201, id: rows[0].id, replayed: 'true' });
    }
  }, 60_000);

  it('each webhook event is delivered once although both instances relay the outbox', async () => {
    const receiver = await new WebhookReceiver().start();
    try {
      const endpoint = await call(a.baseUrl, 'POST', '/v1/webhooks/endpoints', { token: merchant.key, json: { url: receiver.url, eventTypes: ['payment.created'] } });
      expect(endpoint.status).toBe(201);
      const replies = await Promise.all(
        Array.from({ length: 30 }, (_, i) => call(instance(i), 'POST', '/v1/payments', { token: merchant.key, json: { provider: 'momo', reference: `scale-hook-${i}`, amount: { value: 300, currency: 'EUR' }, payer: { msisdn: '46733999012' } } })),
      );
      expect(replies.map((r) => r.status)).toEqual(Array(30).fill(201));
      const ids = new Set(replies.map((r) => r.body.id as string));
      const mine = (e: { type: string; data: Record<string, unknown> }) => ids.has(e.data.id as string);
      await receiver.waitFor(30, mine, 30_000);
      // Give both relays time to (wrongly) send anything twice.
      await new Promise((r) => setTimeout(r, 1_000));
      const delivered = receiver.delivered(mine);
      expect(delivered).toHaveLength(30);
      expect(new Set(delivered.map((d) => d.headers['webhook-id'])).size).toBe(30);
      for (const d of delivered) expect(new Webhook(endpoint.body.secret).verify(d.body, d.headers)).toBeTruthy();
      // Both instances did some of the sending (each logs nothing per success, so ask the database which deliveries exist: one per event).
      const deliveries = await query<{ n: string }>(db.url, `SELECT count(*)::text AS n FROM webhook_deliveries WHERE endpoint_id = $1 AND state = 'delivered'`, [endpoint.body.id]);
      expect(deliveries[0].n).toBe('30');
    } finally {
      await receiver.close();
    }
  }, 60_000);

  it('both stop cleanly', async () => {
    expect(await Promise.all([a.stop(), b.stop()])).toEqual([0, 0]);
  });
});

