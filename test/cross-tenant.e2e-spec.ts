import { MOMO_FINAL, momoCollect, until, validPagaConsent } from './helpers/flows.js';
import { fetchOpenApi, fillPath, type Operation, operationsOf } from './helpers/openapi.js';
import { CONNECTPAY_ACCOUNTS, connectPayPaymentBody, pacoDirectPayment, providerCalls, validConnectPayConsent, validPayseraConsent } from './helpers/provider-flows.js';
import { createScratchDatabase, query, type ScratchDatabase } from './helpers/scratch-database.js';
import { call, createMerchant, expectProblem, type Reply, startTestApp, type TestApp } from './helpers/test-app.js';
import { WebhookReceiver } from './helpers/webhook-receiver.js';

const RETURN_URL = 'https://shop.example/return';
const SCOPES = ['consents', 'payments', 'read', 'webhooks'];

/**
 * Merchant A's objects, one of each kind that exists today. Where one route's success would take
 * away what another route needs (refund vs cancel, reserve vs confirm vs revoke, void vs settle vs
 * refund), each route has an object of its own.
 */
interface Owned {
  keyId: string;
  /** A valid Paga consent (every Paga scope, balance shared). */
  pagaConsent: string;
  /** A consent the user has not finished yet. */
  openConsent: string;
  collection: string;
  disbursement: string;
  /** Unified payments (PACO direct cards, authorised): one to read and cancel, one settled to refund. */
  payment: string;
  settledPayment: string;
  webhookEndpoint: string;
  /** One of A's events, delivered to A's endpoint. */
  webhookEvent: string;
  /** A valid ConnectPay AIS+PIS consent of Jonas (CUS-2001), and a payment under it. */
  connectPayConsent: string;
  connectPayPayment: string;
  /** A valid Paysera consent of jonas@example.lt (every scope). */
  payseraConsent: string;
  /** Paysera transactions under it: new (to reserve), reserved (to confirm), new (to revoke). */
  payseraNew: string;
  payseraReserved: string;
  payseraToRevoke: string;
  payseraAllowance: string;
  /** PACO order numbers (A's own): authorised (to read and void), authorised (to settle), settled (to refund). */
  pacoOrder: string;
  pacoToSettle: string;
  pacoSettled: string;
}

type Entry =
  /**
   * The path values naming A's object, and a valid body (so a 404 cannot hide behind a 400);
   * `then`: what A's own call must answer (beyond 2xx).
   */
  | { owned: (a: Owned) => Record<string, string>; body?: (a: Owned) => unknown; then?: Record<string, unknown> }
  /** The route has a path parameter that names nothing a merchant owns. */
  | { notOwned: string };

let n = 0;
const ref = () => `xt-${++n}`;

/**
 * Every /v1 route of the OpenAPI document with a path parameter must be in this table. A new
 * route makes the test fail until its row is added: how to name merchant A's object, or why the
 * parameter names nothing a merchant owns.
 */
const MATRIX: Record<string, Entry> = {
  'GET /v1/api-keys/{id}': { owned: (a) => ({ id: a.keyId }) },
  'GET /v1/consents/{id}': { owned: (a) => ({ id: a.openConsent }) },
  'DELETE /v1/consents/{id}': { owned: (a) => ({ id: a.openConsent }), then: { status: 'terminatedByTpp' } },
  'POST /v1/paga/consents/{id}/payments': {
    owned: (a) => ({ id: a.pagaConsent }),
    body: () => ({ reference: ref(), amount: { value: 100, currency: 'NGN' }, customerReference: 'c' }),
    then: { status: 'succeeded' },
  },
  'POST /v1/paga/consents/{id}/transfers': {
    owned: (a) => ({ id: a.pagaConsent }),
    body: () => ({ reference: ref(), amount: { value: 100, currency: 'NGN' }, recipientPhone: '08031234567' }),
  },
  'GET /v1/paga/consents/{id}/user': { owned: (a) => ({ id: a.pagaConsent }) },
  'GET /v1/paga/consents/{id}/balance': { owned: (a) => ({ id: a.pagaConsent }) },
  'GET /v1/momo/collections/{id}': { owned: (a) => ({ id: a.collection }) },
  'GET /v1/momo/disbursements/{id}': { owned: (a) => ({ id: a.disbursement }) },
  'GET /v1/momo/{product}/balance': { notOwned: 'the product names the deployment’s MoMo account, which no merchant owns' },
  'GET /v1/momo/accountholders/{msisdn}': { notOwned: 'a phone number at MoMo, not a Gatehouse object' },

  'GET /v1/payments/{id}': { owned: (a) => ({ id: a.payment }) },
  'POST /v1/payments/{id}/refund': { owned: (a) => ({ id: a.settledPayment }), body: () => ({ amount: 100 }), then: { status: 'refunded' } },
  'POST /v1/payments/{id}/cancel': { owned: (a) => ({ id: a.payment }), body: () => ({}), then: { status: 'canceled' } },

  'GET /v1/webhooks/endpoints/{id}': { owned: (a) => ({ id: a.webhookEndpoint }) },
  'PATCH /v1/webhooks/endpoints/{id}': { owned: (a) => ({ id: a.webhookEndpoint }), body: () => ({ description: 'changed by its owner' }), then: { description: 'changed by its owner' } },
  'DELETE /v1/webhooks/endpoints/{id}': { owned: (a) => ({ id: a.webhookEndpoint }) },
  'POST /v1/webhooks/endpoints/{id}/rotate-secret': { owned: (a) => ({ id: a.webhookEndpoint }), body: () => ({}), then: { secret: expect.stringMatching(/^whsec_/) } },
  'GET /v1/webhooks/events/{id}': { owned: (a) => ({ id: a.webhookEvent }) },
  'POST /v1/webhooks/events/{id}/replay': { owned: (a) => ({ id: a.webhookEvent }), body: (a) => ({ endpointId: a.webhookEndpoint }), then: { queued: 1 } },

  'GET /v1/connectpay/consents/{id}/accounts': { owned: (a) => ({ id: a.connectPayConsent }) },
  'GET /v1/connectpay/consents/{id}/accounts/{accountId}/balances': { owned: (a) => ({ id: a.connectPayConsent, accountId: CONNECTPAY_ACCOUNTS.jonasMain.id }) },
  'GET /v1/connectpay/consents/{id}/accounts/{accountId}/transactions': { owned: (a) => ({ id: a.connectPayConsent, accountId: CONNECTPAY_ACCOUNTS.jonasMain.id }) },
  'POST /v1/connectpay/consents/{id}/payments': { owned: (a) => ({ id: a.connectPayConsent }), body: () => connectPayPaymentBody(ref(), 100) },
  'GET /v1/connectpay/consents/{id}/payments/{paymentId}': { owned: (a) => ({ id: a.connectPayConsent, paymentId: a.connectPayPayment }) },

  'GET /v1/paysera/consents/{id}/user': { owned: (a) => ({ id: a.payseraConsent }) },
  'GET /v1/paysera/consents/{id}/balance': { owned: (a) => ({ id: a.payseraConsent }) },
  'GET /v1/paysera/transactions/{id}': { owned: (a) => ({ id: a.payseraReserved }) },
  'POST /v1/paysera/transactions/{id}/reserve': { owned: (a) => ({ id: a.payseraNew }), body: () => ({ source: 'consent' }), then: { paysera: { status: 'reserved' } } },
  'POST /v1/paysera/transactions/{id}/confirm': { owned: (a) => ({ id: a.payseraReserved }), body: () => ({}), then: { status: 'succeeded' } },
  'POST /v1/paysera/transactions/{id}/revoke': { owned: (a) => ({ id: a.payseraToRevoke }), body: () => ({}), then: { status: 'canceled' } },
  'POST /v1/paysera/consents/{id}/allowances': { owned: (a) => ({ id: a.payseraConsent }), body: () => ({ reference: ref(), maxAmount: { value: 100, currency: 'EUR' } }) },
  'GET /v1/paysera/allowances/{id}': { owned: (a) => ({ id: a.payseraAllowance }) },
  'DELETE /v1/paysera/allowances/{id}': { owned: (a) => ({ id: a.payseraAllowance }), then: { status: 'canceled' } },

  'GET /v1/paco/payments/{orderNo}': { owned: (a) => ({ orderNo: a.pacoOrder }) },
  'POST /v1/paco/payments/{orderNo}/void': { owned: (a) => ({ orderNo: a.pacoOrder }), body: () => ({}), then: { status: 'canceled' } },
  'POST /v1/paco/payments/{orderNo}/settle': { owned: (a) => ({ orderNo: a.pacoToSettle }), body: () => ({ amount: { value: 500, currency: 'THB' } }), then: { captured: true } },
  'POST /v1/paco/payments/{orderNo}/refund': { owned: (a) => ({ orderNo: a.pacoSettled }), body: () => ({ amount: { value: 500, currency: 'THB' } }), then: { status: 'refunded' } },
};

/** The routes of the table that name an object of A's. */
const OWNED_ROUTES = Object.entries(MATRIX)
  .filter(([, entry]) => 'owned' in entry)
  .map(([route]) => route)
  .sort();

describe('cross-tenant: merchant B gets 404 for every object of merchant A', () => {
  let db: ScratchDatabase;
  let t: TestApp;
  let operations: Operation[];
  let a: { id: string; key: string };
  let b: { id: string; key: string };
  let owned: Owned;
  /** What else names A's objects at the providers (PACO's and ConnectPay's order numbers, Paysera's keys, A's endpoint URL). */
  let alsoA: string[];
  const receiver = new WebhookReceiver();

  const control = (provider: string, method: string, path: string, json?: unknown) => call(t.baseUrl, method, `/sandbox/${provider}/__control/${path}`, { json });

  async function merchant(name: string) {
    const { merchantId, key, keyId } = await createMerchant(t.baseUrl, name, { scopes: SCOPES, allowedReturnUrls: [RETURN_URL] });
    return { id: merchantId, key, keyId };
  }

  /** A's call that must succeed while the objects are being made. */
  async function made(reply: Promise<Reply>, what: string): Promise<Reply> {
    const r = await reply;
    if (r.status < 200 || r.status > 299) throw new Error(`${what}: ${r.status} ${r.text}`);
    return r;
  }

  /** What B must not be able to change: A's rows, read from the database (no provider is asked). */
  async function stateOfA() {
    return {
      consents: await query(db.url, 'SELECT id, status FROM consents WHERE merchant_id = $1 ORDER BY id', [a.id]),
      tokens: await query(db.url, 'SELECT t.consent_id, t.access_token, t.refresh_token FROM tokens t JOIN consents c ON c.id = t.consent_id WHERE c.merchant_id = $1 ORDER BY 1', [a.id]),
      // MoMo's rows settle by callback whenever the emulator says so: not B's doing.
      payments: await query(db.url, `SELECT id, status, amount_minor FROM payments WHERE merchant_id = $1 AND provider <> 'momo' ORDER BY id`, [a.id]),
      paco: await query(db.url, 'SELECT payment_id, paco_status, captured_minor, refunded_minor, action FROM paco_orders WHERE merchant_id = $1 ORDER BY 1', [a.id]),
      allowances: await query(db.url, 'SELECT id, status, used_amount_minor FROM paysera_allowances WHERE merchant_id = $1 ORDER BY id', [a.id]),
      endpoints: await query(db.url, 'SELECT id, url, description, event_types, enabled, secret, previous_secret, updated_at FROM webhook_endpoints WHERE merchant_id = $1 ORDER BY id', [a.id]),
      deliveries: await query(db.url, 'SELECT count(*)::int AS n FROM webhook_deliveries WHERE event_id = $1', [owned.webhookEvent]),
    };
  }

  beforeAll(async () => {
    await receiver.start();
    db = await createScratchDatabase('tenant'); // MoMo's rows are global: not on the shared database
    t = await startTestApp({ DATABASE_URL: db.url, WEBHOOK_POLL_MS: '50' });
    operations = operationsOf(await fetchOpenApi(t.baseUrl));
    const ma = await merchant('Merchant A');
    a = ma;
    b = await merchant('Merchant B');
    const key = a.key;
    const endpoint = await made(call(t.baseUrl, 'POST', '/v1/webhooks/endpoints', { token: key, json: { url: receiver.url, description: 'A’s endpoint' } }), 'endpoint');

    const open = await call(t.baseUrl, 'POST', '/v1/consents', { token: key, json: { provider: 'paga', psuReference: 'a-open', scopes: ['USER_DETAILS_REQUEST'], returnUrl: RETURN_URL } });
    const valid = await validPagaConsent({ api: t.baseUrl, key, returnUrl: RETURN_URL, psuReference: 'a-valid' });
    const collection = await momoCollect(t.baseUrl, key, 'a-collection');
    const disbursement = await call(t.baseUrl, 'POST', '/v1/momo/disbursements', { token: key, json: { reference: 'a-payout', amount: { value: 500, currency: 'EUR' }, payee: { msisdn: '46733999002' } } });

    // Card payments at PACO, authorised; two of them settled (to refund).
    const stamp = Date.now().toString(36);
    const paco = async (name: string, settle: boolean) => {
      const orderNo = `a-${name}-${stamp}`;
      const paid = await made(pacoDirectPayment(t.baseUrl, key, orderNo, 1000_00), `PACO payment ${name}`);
      expect(paid.body).toMatchObject({ provider: 'paco', status: 'succeeded' });
      if (settle) expect((await made(call(t.baseUrl, 'POST', `/v1/paco/payments/${orderNo}/settle`, { token: key, json: {} }), `settling ${name}`)).body.captured).toBe(true);
      return { orderNo, id: paid.body.id as string, pacoOrderNo: paid.body.providerReference as string };
    };
    const [toCancel, toRefund, toVoid, toSettle, settled] = [await paco('cancel', false), await paco('refund', true), await paco('void', false), await paco('settle', false), await paco('settled', true)];

    const cp = await validConnectPayConsent(t.baseUrl, key, RETURN_URL, { psuReference: 'a-jonas' });
    const cpPayment = await made(call(t.baseUrl, 'POST', `/v1/connectpay/consents/${cp.consentId}/payments`, { token: key, json: connectPayPaymentBody('a-cp-1') }), 'ConnectPay payment');

    const ps = await validPayseraConsent(t.baseUrl, key, RETURN_URL, { psuReference: 'a-wallet' });
    const transaction = async (reference: string) =>
      (await made(call(t.baseUrl, 'POST', '/v1/paysera/transactions', { token: key, json: { reference, amount: { value: 150, currency: 'EUR' }, description: 'Tea', consentId: ps.consentId } }), reference)).body;
    const [psNew, psReserved, psToRevoke] = [await transaction('a-ps-new'), await transaction('a-ps-reserved'), await transaction('a-ps-revoke')];
    expect((await made(call(t.baseUrl, 'POST', `/v1/paysera/transactions/${psReserved.id}/reserve`, { token: key, json: { source: 'consent' } }), 'reserve')).body.paysera.status).toBe('reserved');
    const allowance = await made(
      call(t.baseUrl, 'POST', `/v1/paysera/consents/${ps.consentId}/allowances`, { token: key, json: { reference: 'a-allowance', maxAmount: { value: 5000, currency: 'EUR' }, description: 'Subscription' } }),
      'allowance',
    );

    // Let what follows on its own arrive before anything is compared: Paysera's callback of the
    // reservation, PACO's notifications (reading the orders waits for them), A's first event.
    await until(
      () => control('paysera', 'GET', 'callbacks'),
      (r) => r.body.data.some((c: { id: string; type: string; outcome: string }) => c.id === psReserved.providerReference && c.type === 'reserved' && c.outcome === 'delivered'),
      'Paysera’s reserved callback',
    );
    await control('paco', 'GET', 'orders');
    const events = await until(
      () => call(t.baseUrl, 'GET', '/v1/webhooks/events?type=consent.valid', { token: key }),
      (r) => r.body.data.some((e: { data: { id: string } }) => e.data.id === valid.consentId),
      'A’s consent.valid event',
    );
    const event = events.body.data.find((e: { data: { id: string } }) => e.data.id === valid.consentId);
    await receiver.waitFor(1, (e) => e.type === 'consent.valid' && e.data.id === valid.consentId);

    owned = {
      keyId: ma.keyId,
      pagaConsent: valid.consentId,
      openConsent: open.body.id,
      collection: collection.body.id,
      disbursement: disbursement.body.id,
      payment: toCancel.id,
      settledPayment: toRefund.id,
      webhookEndpoint: endpoint.body.id,
      webhookEvent: event.id,
      connectPayConsent: cp.consentId,
      connectPayPayment: cpPayment.body.id,
      payseraConsent: ps.consentId,
      payseraNew: psNew.id,
      payseraReserved: psReserved.id,
      payseraToRevoke: psToRevoke.id,
      payseraAllowance: allowance.body.id,
      pacoOrder: toVoid.orderNo,
      pacoToSettle: toSettle.orderNo,
      pacoSettled: settled.orderNo,
    };
    const { pacoOrder, pacoToSettle, pacoSettled, ...ids } = owned;
    expect(Object.values(ids).every((id) => /^[0-9a-f-]{36}$/.test(id))).toBe(true);
    alsoA = [
      ...[toCancel, toRefund, toVoid, toSettle, settled].map((p) => p.pacoOrderNo),
      cpPayment.body.providerReference,
      psNew.providerReference,
      psReserved.providerReference,
      psToRevoke.providerReference,
      receiver.url,
    ];
    expect(alsoA.every((x) => typeof x === 'string' && x.length >= 8)).toBe(true);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await db?.drop();
    await receiver.close();
  });

  it('the matrix names every /v1 route with a path parameter, and only those', () => {
    const routes = operations.filter((o) => o.path.startsWith('/v1/') && o.pathParams.length > 0).map((o) => o.route);
    const missing = routes.filter((r) => !(r in MATRIX));
    const stale = Object.keys(MATRIX).filter((r) => !routes.includes(r));
    // A new route: add it to MATRIX above with how to name merchant A's object in it.
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });

  it('B gets 404 NOT_FOUND for each of A’s objects on every route, and nothing happens to them', async () => {
    const callsBefore = await providerCalls(t.baseUrl);
    const before = await stateOfA();
    const checked: string[] = [];
    for (const op of operations) {
      const entry = MATRIX[op.route];
      if (!entry || 'notOwned' in entry) continue;
      const reply = await call(t.baseUrl, op.method, fillPath(op.path, entry.owned(owned)), { token: b.key, json: entry.body?.(owned) });
      expect({ route: op.route, status: reply.status, code: reply.body?.code }).toEqual({ route: op.route, status: 404, code: 'NOT_FOUND' });
      expectProblem(reply, 404, 'NOT_FOUND');
      checked.push(op.route);
    }
    expect([...checked].sort()).toEqual(OWNED_ROUTES);
    // B reached no provider on A's objects, moved no money, ended nothing, changed nothing of A's.
    expect(await providerCalls(t.baseUrl)).toEqual(callsBefore);
    expect(await stateOfA()).toEqual(before);
    expect(before.consents).toEqual(expect.arrayContaining([{ id: owned.openConsent, status: 'received' }, { id: owned.pagaConsent, status: 'valid' }]));
    expect(before.endpoints).toHaveLength(1);
    expect(await query(db.url, 'SELECT id FROM payments WHERE merchant_id = $1', [b.id])).toEqual([]);
    expect(await query(db.url, 'SELECT id FROM paysera_allowances WHERE merchant_id = $1', [b.id])).toEqual([]);
    expect(receiver.received.filter((r) => r.headers['webhook-id'] === owned.webhookEvent)).toHaveLength(1);
  });

  it('the same path values work for A (so the 404s above are about the owner, not the id)', async () => {
    const checked: string[] = [];
    const run = async (ops: Operation[]) => {
      for (const op of ops) {
        const entry = MATRIX[op.route];
        if (!entry || 'notOwned' in entry) continue;
        const reply: Reply = await call(t.baseUrl, op.method, fillPath(op.path, entry.owned(owned)), { token: a.key, json: entry.body?.(owned) });
        expect({ route: op.route, ok: reply.status >= 200 && reply.status < 300, text: reply.status < 300 ? '' : reply.text }).toEqual({ route: op.route, ok: true, text: '' });
        if (entry.then) expect({ route: op.route, body: reply.body }).toMatchObject({ route: op.route, body: entry.then });
        checked.push(op.route);
      }
    };
    await run(operations.filter((o) => o.method !== 'DELETE'));
    // The replay reached A's endpoint: the event a second time, with the same webhook-id. (Waited
    // for before the endpoint is deleted below: deleting it drops its pending deliveries.)
    const sent = await receiver.waitFor(2, (e) => e.type === 'consent.valid' && e.data.id === owned.pagaConsent);
    expect(sent.map((d) => d.headers['webhook-id'])).toEqual([owned.webhookEvent, owned.webhookEvent]);
    // Deleting comes last: the routes above still needed the endpoint, the allowance, the consent.
    await run(operations.filter((o) => o.method === 'DELETE'));
    expect([...checked].sort()).toEqual(OWNED_ROUTES);
    expectProblem(await call(t.baseUrl, 'GET', `/v1/webhooks/endpoints/${owned.webhookEndpoint}`, { token: a.key }), 404, 'NOT_FOUND');
  });

  it('no list or read without a path parameter shows B anything of A’s', async () => {
    const ids = [...Object.values(owned), ...alsoA];
    const reads = operations.filter((o) => o.method === 'GET' && o.path.startsWith('/v1/') && o.pathParams.length === 0);
    expect(reads.length).toBeGreaterThanOrEqual(8);
    for (const op of reads) {
      const reply = await call(t.baseUrl, 'GET', op.path, { token: b.key });
      expect({ route: op.route, status: reply.status }).toEqual({ route: op.route, status: 200 });
      expect({ route: op.route, leaked: ids.filter((id) => reply.text.includes(id)) }).toEqual({ route: op.route, leaked: [] });
    }
    // A sees its own in the same lists (so the search above looks at lists that show such ids).
    const mine = async (path: string) => (await call(t.baseUrl, 'GET', path, { token: a.key })).text;
    expect(await mine('/v1/payments?limit=100')).toContain(owned.settledPayment);
    expect(await mine('/v1/webhooks/events?limit=100')).toContain(owned.webhookEvent);
    expect(await mine('/v1/paco/transactions?limit=100')).toContain(owned.pacoSettled);
    expect(await mine('/v1/consents')).toContain(owned.payseraConsent);
  });

  it('one merchant’s references do not collide with another’s at the provider (Paga references are per Gatehouse client)', async () => {
    const bConsent = await validPagaConsent({ api: t.baseUrl, key: b.key, returnUrl: RETURN_URL, psuReference: 'b-valid', username: 'chidi' });
    const charge = (key: string, consent: string) =>
      call(t.baseUrl, 'POST', `/v1/paga/consents/${consent}/payments`, { token: key, json: { reference: 'order-1', amount: { value: 250, currency: 'NGN' }, customerReference: 'c' } });
    const first = await charge(a.key, owned.pagaConsent);
    const second = await charge(b.key, bConsent.consentId);
    expect([first.body.status, second.body.status]).toEqual(['succeeded', 'succeeded']);
    expect(first.body.id).not.toBe(second.body.id);
    // MoMo too: the same reference at two merchants is two transactions, each settled on its own.
    const [x, y] = [await momoCollect(t.baseUrl, a.key, 'same-ref'), await momoCollect(t.baseUrl, b.key, 'same-ref')];
    expect(x.body.providerReference).not.toBe(y.body.providerReference);
    await call(t.baseUrl, 'POST', '/sandbox/momo/__control/time/advance', { json: { seconds: 10 } });
    for (const [key, p] of [[a.key, x], [b.key, y]] as const) {
      const done = await until(() => call(t.baseUrl, 'GET', `/v1/momo/collections/${p.body.id}`, { token: key }), (r) => r.body.status !== 'pending', 'the collection to succeed');
      expect(done.body.status).toBe(MOMO_FINAL.SUCCESSFUL);
    }
  });
});
