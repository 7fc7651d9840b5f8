import { MOMO_FINAL, momoCollect, until, validPagaConsent } from './helpers/flows.js';
import { fetchOpenApi, fillPath, type Operation, operationsOf } from './helpers/openapi.js';
import { createScratchDatabase, query, type ScratchDatabase } from './helpers/scratch-database.js';
import { ADMIN_TOKEN, call, expectProblem, type Reply, startTestApp, type TestApp } from './helpers/test-app.js';

const RETURN_URL = 'https://shop.example/return';

/** Merchant A's objects, one of each kind that exists today. */
interface Owned {
  keyId: string;
  /** A valid Paga consent (every Paga scope, balance shared). */
  pagaConsent: string;
  /** A consent the user has not finished yet. */
  openConsent: string;
  collection: string;
  disbursement: string;
}

type Entry =
  /** The path values naming A's object, and a valid body (so a 404 cannot hide behind a 400). */
  | { owned: (a: Owned) => Record<string, string>; body?: () => unknown }
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
  'DELETE /v1/consents/{id}': { owned: (a) => ({ id: a.openConsent }) },
  'POST /v1/paga/consents/{id}/payments': {
    owned: (a) => ({ id: a.pagaConsent }),
    body: () => ({ reference: ref(), amount: { value: 100, currency: 'NGN' }, customerReference: 'c' }),
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
};

describe('cross-tenant: merchant B gets 404 for every object of merchant A', () => {
  let db: ScratchDatabase;
  let t: TestApp;
  let operations: Operation[];
  let a: { id: string; key: string };
  let b: { id: string; key: string };
  let owned: Owned;

  const paga = (path: string) => call(t.baseUrl, 'GET', `/sandbox/paga/__control/${path}`);

  async function merchant(name: string) {
    const created = await call(t.baseUrl, 'POST', '/admin/merchants', { token: ADMIN_TOKEN, json: { name, allowedReturnUrls: [RETURN_URL] } });
    const issued = await call(t.baseUrl, 'POST', `/admin/merchants/${created.body.id}/api-keys`, { token: ADMIN_TOKEN, json: { scopes: ['consents', 'payments', 'read'] } });
    return { id: created.body.id as string, key: issued.body.key as string, keyId: issued.body.apiKey.id as string };
  }

  beforeAll(async () => {
    db = await createScratchDatabase('tenant'); // MoMo's rows are global: not on the shared database
    t = await startTestApp({ DATABASE_URL: db.url });
    operations = operationsOf(await fetchOpenApi(t.baseUrl));
    const ma = await merchant('Merchant A');
    a = ma;
    b = await merchant('Merchant B');
    const open = await call(t.baseUrl, 'POST', '/v1/consents', { token: a.key, json: { provider: 'paga', psuReference: 'a-open', scopes: ['USER_DETAILS_REQUEST'], returnUrl: RETURN_URL } });
    const valid = await validPagaConsent({ api: t.baseUrl, key: a.key, returnUrl: RETURN_URL, psuReference: 'a-valid' });
    const collection = await momoCollect(t.baseUrl, a.key, 'a-collection');
    const disbursement = await call(t.baseUrl, 'POST', '/v1/momo/disbursements', { token: a.key, json: { reference: 'a-payout', amount: { value: 500, currency: 'EUR' }, payee: { msisdn: '46733999002' } } });
    owned = { keyId: ma.keyId, pagaConsent: valid.consentId, openConsent: open.body.id, collection: collection.body.id, disbursement: disbursement.body.id };
    expect(Object.values(owned).every((id) => /^[0-9a-f-]{36}$/.test(id))).toBe(true);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('the matrix names every /v1 route with a path parameter, and only those', () => {
    const routes = operations.filter((o) => o.path.startsWith('/v1/') && o.pathParams.length > 0).map((o) => o.route);
    const missing = routes.filter((r) => !(r in MATRIX));
    const stale = Object.keys(MATRIX).filter((r) => !routes.includes(r));
    // A new route: add it to MATRIX above with how to name merchant A's object in it.
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });

  it('B gets 404 NOT_FOUND for each of A’s objects on every route, and nothing happens to them', async () => {
    const providerCalls = async () => (await paga('requests')).body.data.filter((r: { operation: string }) => r.operation !== 'token').length;
    const before = await providerCalls();
    const checked: string[] = [];
    for (const op of operations) {
      const entry = MATRIX[op.route];
      if (!entry || 'notOwned' in entry) continue;
      const reply = await call(t.baseUrl, op.method, fillPath(op.path, entry.owned(owned)), { token: b.key, json: entry.body?.() });
      expect({ route: op.route, status: reply.status, code: reply.body?.code }).toEqual({ route: op.route, status: 404, code: 'NOT_FOUND' });
      expectProblem(reply, 404, 'NOT_FOUND');
      checked.push(op.route);
    }
    expect(checked.length).toBeGreaterThanOrEqual(9);
    // B reached no provider on A's consent, moved no money, ended nothing.
    expect(await providerCalls()).toBe(before);
    expect((await call(t.baseUrl, 'GET', `/v1/consents/${owned.openConsent}`, { token: a.key })).body.status).toBe('received');
    expect((await call(t.baseUrl, 'GET', `/v1/consents/${owned.pagaConsent}`, { token: a.key })).body.status).toBe('valid');
    expect(await query(db.url, 'SELECT id FROM payments WHERE merchant_id = $1', [b.id])).toEqual([]);
  });

  it('the same path values work for A (so the 404s above are about the owner, not the id)', async () => {
    for (const op of operations) {
      const entry = MATRIX[op.route];
      if (!entry || 'notOwned' in entry || op.method === 'DELETE') continue;
      const reply: Reply = await call(t.baseUrl, op.method, fillPath(op.path, entry.owned(owned)), { token: a.key, json: entry.body?.() });
      expect({ route: op.route, ok: reply.status >= 200 && reply.status < 300 }).toEqual({ route: op.route, ok: true });
    }
    const withdrawn = await call(t.baseUrl, 'DELETE', `/v1/consents/${owned.openConsent}`, { token: a.key });
    expect(withdrawn.body.status).toBe('terminatedByTpp');
  });

  it('no list or read without a path parameter shows B anything of A’s', async () => {
    const ids = Object.values(owned);
    const reads = operations.filter((o) => o.method === 'GET' && o.path.startsWith('/v1/') && o.pathParams.length === 0);
    expect(reads.length).toBeGreaterThanOrEqual(3);
    for (const op of reads) {
      const reply = await call(t.baseUrl, 'GET', op.path, { token: b.key });
      expect({ route: op.route, status: reply.status }).toEqual({ route: op.route, status: 200 });
      expect({ route: op.route, leaked: ids.filter((id) => reply.text.includes(id)) }).toEqual({ route: op.route, leaked: [] });
    }
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
      const done = await until(() => call(t.baseUrl, 'GET', `/v1/momo/collections/${p.body.id}`, { token: key }), (r) => r.body.status !== 'pending', 'the collection to settle');
      expect(done.body.status).toBe(MOMO_FINAL.SUCCESSFUL);
    }
  });
});
