import { Webhook } from 'standardwebhooks';
import { RequestMethod } from '@nestjs/common';
import { GUARDS_METADATA, INTERCEPTORS_METADATA, METHOD_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { IdempotencyInterceptor } from '../src/idempotency/idempotency.interceptor.js';
import { MerchantGuard } from '../src/merchants/merchant.guard.js';
import { PaymentsLedger } from '../src/payments/payments.ledger.js';
import { validPagaConsent } from './helpers/flows.js';
import { createScratchDatabase, type ScratchDatabase } from './helpers/scratch-database.js';
import { call, createMerchant, expectProblem, startTestApp, type TestApp } from './helpers/test-app.js';
import { WebhookReceiver } from './helpers/webhook-receiver.js';

const RETURN_URL = 'https://shop.example/return';
const SCOPES = ['consents', 'payments', 'read', 'webhooks'];

interface Merchant {
  id: string;
  key: string;
}

async function merchant(t: TestApp, name: string): Promise<Merchant> {
  const { merchantId, key } = await createMerchant(t.baseUrl, name, { scopes: SCOPES, allowedReturnUrls: [RETURN_URL] });
  return { id: merchantId, key };
}

const momoPayment = (reference: string, value = 1050, msisdn = '256772000001') => ({ provider: 'momo', reference, amount: { value, currency: 'EUR' }, description: 'Two coffees', payer: { msisdn } });

describe('One payments API: unified create/list/get, Idempotency-Key, signed webhooks', () => {
  let t: TestApp;
  let m: Merchant;
  let receiver: WebhookReceiver;
  let secret: string;
  let db: ScratchDatabase;

  const momoRequests = async (reference?: string) =>
    ((await call(t.baseUrl, 'GET', '/sandbox/momo/__control/requests?operation=requesttopay')).body.data as { referenceId?: string }[]).filter((r) => !reference || r.referenceId === reference);

  beforeAll(async () => {
    // MoMo's API user, token and status checks are per database: a database of its own (see README, Tests).
    db = await createScratchDatabase('payments');
    t = await startTestApp({ DATABASE_URL: db.url, WEBHOOK_POLL_MS: '50', WEBHOOK_RETRY_SCHEDULE_S: '0.2,0.2,0.2', VELOCITY_MAX_PAYMENTS_PER_HOUR: '0' });
    m = await merchant(t, 'Unified merchant');
    receiver = await new WebhookReceiver().start();
    const endpoint = await call(t.baseUrl, 'POST', '/v1/webhooks/endpoints', { token: m.key, json: { url: receiver.url, description: 'tests' } });
    expect(endpoint.status).toBe(201);
    expect(endpoint.body.secret).toMatch(/^whsec_/);
    secret = endpoint.body.secret;
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
    await db?.drop();
  });

  it('creates a MoMo payment through /v1/payments; GET shows it with its history; the list filters and pages', async () => {
    const created = await call(t.baseUrl, 'POST', '/v1/payments', { token: m.key, json: momoPayment('u-1') });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ provider: 'momo', kind: 'charge', reference: 'u-1', status: 'pending', amount: { value: 1050, currency: 'EUR' }, description: 'Two coffees' });

    // Any other number than the emulator's test numbers approves (after its pending delay); the callback settles it.
    let one;
    for (let i = 0; i < 100; i++) {
      one = await call(t.baseUrl, 'GET', `/v1/payments/${created.body.id}`, { token: m.key });
      if (one.body.status !== 'pending') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(one!.body.status).toBe('succeeded');
    expect(one!.body.history.map((h: { from: string | null; to: string }) => [h.from, h.to])).toEqual([
      [null, 'pending'],
      ['pending', 'succeeded'],
    ]);

    await call(t.baseUrl, 'POST', '/v1/payments', { token: m.key, json: momoPayment('u-2', 700) });
    const page1 = await call(t.baseUrl, 'GET', '/v1/payments?provider=momo&limit=1', { token: m.key });
    expect(page1.body.data.map((p: { reference: string }) => p.reference)).toEqual(['u-1']);
    const page2 = await call(t.baseUrl, 'GET', `/v1/payments?provider=momo&limit=1&cursor=${page1.body.nextCursor}`, { token: m.key });
    expect(page2.body.data.map((p: { reference: string }) => p.reference)).toEqual(['u-2']);
    const succeeded = await call(t.baseUrl, 'GET', '/v1/payments?status=succeeded', { token: m.key });
    expect(succeeded.body.data.map((p: { reference: string }) => p.reference)).toEqual(['u-1']);
  });

  it('refuses what it cannot route: unknown provider, MoMo without a payer, Paga without a consent, unknown options', async () => {
    const sentBefore = (await momoRequests()).length;
    expectProblem(await call(t.baseUrl, 'POST', '/v1/payments', { token: m.key, json: { ...momoPayment('v-1'), provider: 'nope' } }), 400, 'VALIDATION_FAILED');
    const noPayer = expectProblem(await call(t.baseUrl, 'POST', '/v1/payments', { token: m.key, json: { ...momoPayment('v-2'), payer: undefined } }), 400, 'VALIDATION_FAILED');
    expect(noPayer.errors).toEqual([{ field: 'payer.msisdn', message: 'is required for momo' }]);
    const noConsent = expectProblem(await call(t.baseUrl, 'POST', '/v1/payments', { token: m.key, json: { provider: 'paga', reference: 'v-3', amount: { value: 100, currency: 'NGN' } } }), 400, 'VALIDATION_FAILED');
    expect(noConsent.errors[0].field).toBe('consentId');
    const badOption = expectProblem(await call(t.baseUrl, 'POST', '/v1/payments', { token: m.key, json: { ...momoPayment('v-4'), options: { colour: 'red' } } }), 400, 'VALIDATION_FAILED');
    expect(badOption.errors[0].field).toBe('options.colour');
    const refund = expectProblem(await call(t.baseUrl, 'POST', `/v1/payments/${(await call(t.baseUrl, 'GET', '/v1/payments?reference=u-1', { token: m.key })).body.data[0].id}/refund`, { token: m.key, json: {} }), 422, 'PROVIDER_OPERATION_UNSUPPORTED');
    expect(refund.detail).toMatch(/momo/);
    expect(await momoRequests()).toHaveLength(sentBefore); // none of these reached MoMo
  });

  it('a value a validator cannot read (an unpaired UTF-16 surrogate in an email) is a 400, not a 500', async () => {
    // Found by the hostile-input test: validator's isEmail throws URIError on "\ud800".
    const body = '{"provider":"momo","reference":"surrogate-1","amount":{"value":100,"currency":"EUR"},"payer":{"msisdn":"256772000001","email":"\\ud800"}}';
    const reply = await call(t.baseUrl, 'POST', '/v1/payments', { token: m.key, body, headers: { 'content-type': 'application/json' } });
    expectProblem(reply, 400, 'VALIDATION_FAILED');
  });

  it('ten identical requests with one Idempotency-Key in parallel: one provider call; the others get 409 or the same answer', async () => {
    const key = `idem-${Date.now()}`;
    const replies = await Promise.all(
      Array.from({ length: 10 }, () => call(t.baseUrl, 'POST', '/v1/payments', { token: m.key, json: momoPayment('idem-1', 2000), headers: { 'idempotency-key': key } })),
    );
    const created = replies.filter((r) => r.status === 201);
    const busy = replies.filter((r) => r.status === 409);
    expect(created.length + busy.length).toBe(10);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const r of busy) expectProblem(r, 409, 'IDEMPOTENCY_KEY_IN_USE');
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    expect(await momoRequests(created[0].body.providerReference)).toHaveLength(1);

    const again = await call(t.baseUrl, 'POST', '/v1/payments', { token: m.key, json: momoPayment('idem-1', 2000), headers: { 'idempotency-key': key } });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(created[0].body);

    // The same key for another amount is refused, and nothing new reaches MoMo.
    expectProblem(await call(t.baseUrl, 'POST', '/v1/payments', { token: m.key, json: momoPayment('idem-1', 2001), headers: { 'idempotency-key': key } }), 422, 'IDEMPOTENCY_KEY_REUSED');
    // Keys are per merchant: another merchant's identical key is its own.
    const other = await merchant(t, 'Other idempotent merchant');
    const theirs = await call(t.baseUrl, 'POST', '/v1/payments', { token: other.key, json: momoPayment('idem-1', 2000), headers: { 'idempotency-key': key } });
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(created[0].body.id);
  });

  it('consent creation takes an Idempotency-Key too: a retry gets the same consent, not a second one', async () => {
    const body = { provider: 'paga', psuReference: 'idem-psu', scopes: ['MERCHANT_PAYMENT'], returnUrl: RETURN_URL };
    const key = `consent-${Date.now()}`;
    const first = await call(t.baseUrl, 'POST', '/v1/consents', { token: m.key, json: body, headers: { 'idempotency-key': key } });
    const again = await call(t.baseUrl, 'POST', '/v1/consents', { token: m.key, json: body, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    expect({ status: again.status, id: again.body.id, replayed: again.headers.get('idempotent-replayed') }).toEqual({ status: 201, id: first.body.id, replayed: 'true' });
    expectProblem(await call(t.baseUrl, 'POST', '/v1/consents', { token: m.key, json: { ...body, psuReference: 'other' }, headers: { 'idempotency-key': key } }), 422, 'IDEMPOTENCY_KEY_REUSED');
    const listed = await call(t.baseUrl, 'GET', '/v1/consents?psuReference=idem-psu', { token: m.key });
    expect(listed.body.data).toHaveLength(1);
  });

  it('every merchant POST honours Idempotency-Key: a route without @Idempotent() fails here', () => {
    const posts: string[] = [];
    const missing: string[] = [];
    for (const module of t.app.get(ModulesContainer).values()) {
      for (const { metatype } of module.controllers.values()) {
        if (typeof metatype !== 'function') continue;
        const classGuards = (Reflect.getMetadata(GUARDS_METADATA, metatype) ?? []) as unknown[];
        for (const name of Object.getOwnPropertyNames(metatype.prototype)) {
          const handler = metatype.prototype[name] as unknown;
          if (typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) !== RequestMethod.POST) continue;
          const guards = [...classGuards, ...((Reflect.getMetadata(GUARDS_METADATA, handler) ?? []) as unknown[])];
          if (!guards.includes(MerchantGuard)) continue;
          posts.push(`${metatype.name}.${name}`);
          if (!((Reflect.getMetadata(INTERCEPTORS_METADATA, handler) ?? []) as unknown[]).includes(IdempotencyInterceptor)) missing.push(`${metatype.name}.${name}`);
        }
      }
    }
    expect(posts.length).toBeGreaterThanOrEqual(22);
    expect(missing).toEqual([]);
  });

  it('a validation failure is not stored: the same key works once the request is fixed', async () => {
    const key = `fix-${Date.now()}`;
    expectProblem(await call(t.baseUrl, 'POST', '/v1/payments', { token: m.key, json: { ...momoPayment('fix-1'), amount: { value: -5, currency: 'EUR' } }, headers: { 'idempotency-key': key } }), 400, 'VALIDATION_FAILED');
    const fixed = await call(t.baseUrl, 'POST', '/v1/payments', { token: m.key, json: momoPayment('fix-1'), headers: { 'idempotency-key': key } });
    expect(fixed.status).toBe(201);
    expectProblem(await call(t.baseUrl, 'POST', '/v1/payments', { token: m.key, json: momoPayment('fix-1'), headers: { 'idempotency-key': 'bad key with spaces' } }), 400, 'VALIDATION_FAILED');
  });

  it("a provider's 500 is stored with the key and replayed, without a second provider call", async () => {
    const { consentId } = await validPagaConsent({ api: t.baseUrl, key: m.key, returnUrl: RETURN_URL });
    await call(t.baseUrl, 'POST', '/sandbox/paga/__control/fail-next', { json: { operation: 'merchantPayment', httpStatus: 500 } });
    const pagaCalls = async () => (await call(t.baseUrl, 'GET', '/sandbox/paga/__control/requests?operation=merchantPayment')).body.data.length as number;
    const before = await pagaCalls();
    const body = { provider: 'paga', consentId, reference: 'paga-500', amount: { value: 150_00, currency: 'NGN' } };
    const first = await call(t.baseUrl, 'POST', '/v1/payments', { token: m.key, json: body, headers: { 'idempotency-key': 'paga-500-key' } });
    expectProblem(first, 502, 'PROVIDER_ERROR');
    const replay = await call(t.baseUrl, 'POST', '/v1/payments', { token: m.key, json: body, headers: { 'idempotency-key': 'paga-500-key' } });
    expectProblem(replay, 502, 'PROVIDER_ERROR');
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.detail).toBe(first.body.detail);
    expect(await pagaCalls()).toBe(before + 1);
  });

  it('consent and payment changes reach the endpoint as Standard Webhooks that verify; an event id is its webhook-id', async () => {
    const { consentId } = await validPagaConsent({ api: t.baseUrl, key: m.key, returnUrl: RETURN_URL, psuReference: 'hooked' });
    const paid = await call(t.baseUrl, 'POST', '/v1/payments', { token: m.key, json: { provider: 'paga', consentId, reference: 'hooked-1', amount: { value: 500_00, currency: 'NGN' } } });
    expect(paid.status).toBe(201);
    expect(paid.body.status).toBe('succeeded');

    const [consentEvent] = await receiver.waitFor(1, (e) => e.type === 'consent.valid' && e.data.id === consentId);
    const paymentEvents = await receiver.waitFor(2, (e) => e.data.id === paid.body.id);
    const wh = new Webhook(secret);
    for (const delivery of [consentEvent, ...paymentEvents]) expect(wh.verify(delivery.body, delivery.headers)).toBeTruthy();
    expect(paymentEvents.map((d) => JSON.parse(d.body).type).sort()).toEqual(['payment.created', 'payment.succeeded']);
    const succeeded = JSON.parse(paymentEvents.find((d) => d.body.includes('payment.succeeded'))!.body);
    expect(succeeded.data).toMatchObject({ id: paid.body.id, status: 'succeeded', previousStatus: 'pending', amount: { value: 50000, currency: 'NGN' }, provider: 'paga', reference: 'hooked-1' });

    const events = await call(t.baseUrl, 'GET', '/v1/webhooks/events?type=payment.succeeded', { token: m.key });
    const listed = events.body.data.find((e: { data: { id: string } }) => e.data.id === paid.body.id);
    expect(listed.id).toBe(paymentEvents.find((d) => d.body.includes('payment.succeeded'))!.headers['webhook-id']);
  });

  it('an endpoint that fails twice then succeeds gets the event once more with the same webhook-id; the log shows 3 attempts; replay resends it', async () => {
    // An endpoint of its own, for payment.created only, so no other test's event takes the failures.
    const flaky = await new WebhookReceiver().start();
    try {
      const endpoint = await call(t.baseUrl, 'POST', '/v1/webhooks/endpoints', { token: m.key, json: { url: flaky.url, eventTypes: ['payment.created'] } });
      flaky.failNext(500, 503);
      const created = await call(t.baseUrl, 'POST', '/v1/payments', { token: m.key, json: momoPayment('retry-1', 333, '256772000002') });
      const isCreated = (e: { type: string; data: Record<string, unknown> }) => e.type === 'payment.created' && e.data.id === created.body.id;
      const [delivered] = await flaky.waitFor(1, isCreated);
      const tries = flaky.received.filter((r) => r.headers['webhook-id'] === delivered.headers['webhook-id']);
      expect(tries.map((r) => r.answeredWith)).toEqual([500, 503, 204]);
      expect(new Set(tries.map((r) => r.body)).size).toBe(1);
      expect(new Webhook(endpoint.body.secret).verify(delivered.body, delivered.headers)).toBeTruthy();

      const eventId = delivered.headers['webhook-id'];
      const detail = await call(t.baseUrl, 'GET', `/v1/webhooks/events/${eventId}`, { token: m.key });
      const mine = detail.body.deliveries.find((d: { endpointId: string }) => d.endpointId === endpoint.body.id);
      expect(mine).toMatchObject({ state: 'delivered', attempts: 3 });
      expect(mine.log.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 503, 204]);

      const replay = await call(t.baseUrl, 'POST', `/v1/webhooks/events/${eventId}/replay`, { token: m.key, json: { endpointId: endpoint.body.id } });
      expect(replay.status).toBe(202);
      expect(replay.body).toEqual({ queued: 1 });
      const again = await flaky.waitFor(2, isCreated);
      expect(again.map((d) => d.headers['webhook-id'])).toEqual([eventId, eventId]);
      await call(t.baseUrl, 'DELETE', `/v1/webhooks/endpoints/${endpoint.body.id}`, { token: m.key });
    } finally {
      await flaky.close();
    }
  });

  it('a 410 disables the endpoint; a rolled-back change writes no event', async () => {
    const gone = await new WebhookReceiver().start();
    try {
      const endpoint = await call(t.baseUrl, 'POST', '/v1/webhooks/endpoints', { token: m.key, json: { url: gone.url, eventTypes: ['payment.created'] } });
      gone.failNext(410);
      await call(t.baseUrl, 'POST', '/v1/payments', { token: m.key, json: momoPayment('gone-1', 444, '256772000002') });
      for (let i = 0; i < 100 && gone.received.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      let state;
      for (let i = 0; i < 50; i++) {
        state = (await call(t.baseUrl, 'GET', `/v1/webhooks/endpoints/${endpoint.body.id}`, { token: m.key })).body;
        if (!state.enabled) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(state).toMatchObject({ enabled: false, disabledReason: 'the endpoint answered 410 Gone' });
    } finally {
      await gone.close();
    }

    const ds = t.app.get(DataSource);
    const ledger = t.app.get(PaymentsLedger);
    const created = await call(t.baseUrl, 'POST', '/v1/payments', { token: m.key, json: momoPayment('rollback-1', 555, '256772000002') });
    const countEvents = async () => Number((await ds.query(`SELECT count(*) FROM webhook_events WHERE data->>'id' = $1`, [created.body.id]))[0].count);
    const before = await countEvents();
    await expect(
      ds.transaction(async (em) => {
        const moved = await ledger.transition({ id: created.body.id }, 'canceled', { db: em, cause: 'test' });
        expect(moved?.status).toBe('canceled');
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await countEvents()).toBe(before);
    const [row] = await ds.query(`SELECT status FROM payments WHERE id = $1`, [created.body.id]);
    expect(row.status).not.toBe('canceled');
  });
  it('a status check is claimed by one instance at a time, comes back when its holder dies (lease), and goes with the pending state', async () => {
    const ds = t.app.get(DataSource);
    const ledger = t.app.get(PaymentsLedger);
    const provider = `spec-${Date.now()}`; // no poller works this provider: the test claims by hand
    const { payment } = await ledger.begin({ merchantId: m.id, provider, consentId: null, kind: 'charge', reference: 'check-1', amountMinor: 100, currency: 'EUR', details: {} });
    await ledger.annotate(payment, { providerResult: { submitted: true }, checkAfterSeconds: 0 });
    expect((await ledger.claimChecks(provider, 10, 1)).map(({ paymentId, attempt, resend, payment: p }) => ({ paymentId, attempt, resend, status: p.status }))).toEqual([{ paymentId: payment.id, attempt: 1, resend: null, status: 'pending' }]);
    expect(await ledger.claimChecks(provider, 10, 1)).toEqual([]); // leased to the first claimer
    await new Promise((r) => setTimeout(r, 1_100)); // the claimer "died": no reschedule, no finish
    expect((await ledger.claimChecks(provider, 10, 1)).map(({ paymentId, attempt }) => ({ paymentId, attempt }))).toEqual([{ paymentId: payment.id, attempt: 2 }]);
    await ledger.settle(payment, 'failed', { cause: 'test' });
    const checks = await ds.query(`SELECT count(*)::int AS n FROM payment_checks WHERE payment_id = $1`, [payment.id]);
    expect(checks[0].n).toBe(0);
  });
});

describe('Limits and webhook targets outside sandbox defaults', () => {
  let t: TestApp;
  let db: ScratchDatabase;
  beforeAll(async () => {
    db = await createScratchDatabase('limits');
    t = await startTestApp({ DATABASE_URL: db.url, RATE_LIMIT_RPS: '1', RATE_LIMIT_BURST: '6', VELOCITY_MAX_PAYMENTS_PER_HOUR: '2', WEBHOOK_ALLOW_HTTP: 'false', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false' });
  });
  afterAll(async () => {
    await t.close();
    await db?.drop();
  });

  it('a merchant over its rate gets 429 with Retry-After; another merchant is unaffected', async () => {
    const [a, b] = [await merchant(t, 'Busy'), await merchant(t, 'Calm')];
    const replies = [];
    for (let i = 0; i < 8; i++) replies.push(await call(t.baseUrl, 'GET', '/v1/payments', { token: a.key }));
    expect(replies.slice(0, 6).map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const limited = expectProblem(replies[7], 429, 'RATE_LIMITED');
    expect(limited).toBeTruthy();
    expect(Number(replies[7].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await call(t.baseUrl, 'GET', '/v1/payments', { token: b.key })).status).toBe(200);
  });

  it('per-payer velocity: the third payment from one wallet in an hour is refused; a replay and another wallet are not', async () => {
    const v = await merchant(t, 'Velocity');
    expect((await call(t.baseUrl, 'POST', '/v1/payments', { token: v.key, json: momoPayment('vel-1') })).status).toBe(201);
    expect((await call(t.baseUrl, 'POST', '/v1/payments', { token: v.key, json: momoPayment('vel-2') })).status).toBe(201);
    expectProblem(await call(t.baseUrl, 'POST', '/v1/payments', { token: v.key, json: momoPayment('vel-3') }), 429, 'VELOCITY_LIMIT_EXCEEDED');
    expect((await call(t.baseUrl, 'POST', '/v1/payments', { token: v.key, json: momoPayment('vel-1') })).status).toBe(201);
    expect((await call(t.baseUrl, 'POST', '/v1/payments', { token: v.key, json: momoPayment('vel-4', 1050, '256772000002') })).status).toBe(201);
  });

  it.each([
    ['http://example.com/hook', 'must be https'],
    ['https://127.0.0.1/hook', 'resolves to a private, loopback or link-local address'],
    ['https://localhost/hook', 'resolves to a private, loopback or link-local address'],
    ['https://169.254.169.254/latest/meta-data', 'resolves to a private, loopback or link-local address'],
    ['https://[::1]/hook', 'resolves to a private, loopback or link-local address'],
    ['https://10.0.0.7/hook', 'resolves to a private, loopback or link-local address'],
  ])('refuses the webhook target %s', async (url, why) => {
    const w = await merchant(t, `SSRF ${url}`);
    const problem = expectProblem(await call(t.baseUrl, 'POST', '/v1/webhooks/endpoints', { token: w.key, json: { url } }), 422, 'WEBHOOK_URL_NOT_ALLOWED');
    expect(problem.errors).toEqual([{ field: 'url', message: why }]);
  });
});
