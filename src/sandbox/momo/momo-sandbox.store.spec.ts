import { MOMO_SANDBOX_SUBSCRIPTION_KEYS } from '../sandbox-accounts.js';
import { SandboxClock } from '../sandbox.clock.js';
import type { PaymentRequest } from './momo-sandbox.rules.js';
import { MomoSandboxStore } from './momo-sandbox.store.js';

const USER = '3f0c2b8e-5d1a-4c6e-9b2f-7a8d9e0f1a2b';
let n = 0;
const ref = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;

function setup() {
  const clock = new SandboxClock();
  const store = new MomoSandboxStore(clock);
  return { clock, store };
}

function request(partyId = '46733123499', amountCents = 1000): PaymentRequest {
  return { amountCents, currency: 'EUR', party: { partyIdType: 'MSISDN', partyId } };
}

describe('MomoSandboxStore', () => {
  it('knows each product by its primary and secondary key, and nothing else', () => {
    const { store } = setup();
    expect(store.productOfSubscriptionKey(MOMO_SANDBOX_SUBSCRIPTION_KEYS.collection.secondary)).toBe('collection');
    expect(store.productOfSubscriptionKey(MOMO_SANDBOX_SUBSCRIPTION_KEYS.disbursement.primary)).toBe('disbursement');
    expect(store.productOfSubscriptionKey(MOMO_SANDBOX_SUBSCRIPTION_KEYS.disbursement.primary.toUpperCase())).toBeUndefined();
    expect(store.productOfSubscriptionKey('')).toBeUndefined();
  });

  it('authenticates an API user with its current key only, and keeps no key in clear', () => {
    const { store } = setup();
    expect(store.createApiUser(USER, 'collection', 'example.com')).toBe(true);
    expect(store.createApiUser(USER, 'disbursement', 'example.com')).toBe(false);
    expect(store.authenticate(USER, '')).toBeUndefined();
    const first = store.createApiKey(USER)!;
    const second = store.createApiKey(USER)!;
    expect(store.authenticate(USER, first)).toBeUndefined();
    expect(store.authenticate(USER.toUpperCase(), second)?.product).toBe('collection');
    expect(JSON.stringify(store.listApiUsers())).not.toContain(second);
  });

  it('expires tokens on the virtual clock', () => {
    const { store } = setup();
    store.updateSettings({ tokenLifetimeSeconds: 10 });
    const { accessToken, expiresIn } = store.issueToken('collection', USER);
    expect(expiresIn).toBe(10);
    store.advanceClock(9);
    expect(store.lookupToken(accessToken).status).toBe('valid');
    store.advanceClock(1);
    expect(store.lookupToken(accessToken).status).toBe('expired');
    expect(store.lookupToken('nope').status).toBe('unknown');
  });

  it('finalizes due transfers in the order they were due, so the funds run out for the later one', () => {
    const { store } = setup();
    store.setBalance('disbursement', 1500);
    store.updateSettings({ pendingSeconds: 10 });
    const late = store.createTransaction({ kind: 'transfer', product: 'disbursement', referenceId: ref(), apiUser: USER, request: request(undefined, 1000) });
    store.advanceClock(1);
    store.updateSettings({ pendingSeconds: 2 });
    const early = store.createTransaction({ kind: 'transfer', product: 'disbursement', referenceId: ref(), apiUser: USER, request: request(undefined, 1000) });
    expect(store.nextDueAt()).toBe(early.ok && early.transaction.finalAt);
    store.advanceClock(60);
    store.settleDue();
    if (!late.ok || !early.ok) throw new Error('unreachable');
    expect(early.transaction).toMatchObject({ status: 'SUCCESSFUL', financialTransactionId: expect.stringMatching(/^\d{10}$/) });
    expect(late.transaction).toMatchObject({ status: 'FAILED', reason: 'NOT_ENOUGH_FUNDS' });
    expect(late.transaction.financialTransactionId).toBeUndefined();
    expect(store.getBalance('disbursement')).toBe(500);
    expect(store.nextDueAt()).toBeUndefined();
  });

  it('refuses a reference id twice per kind, but the same id may exist as a requesttopay and a transfer', () => {
    const { store } = setup();
    const id = ref();
    expect(store.createTransaction({ kind: 'requesttopay', product: 'collection', referenceId: id, apiUser: USER, request: request() }).ok).toBe(true);
    expect(store.createTransaction({ kind: 'requesttopay', product: 'collection', referenceId: id, apiUser: USER, request: request() })).toEqual({ ok: false, reason: 'duplicate' });
    expect(store.createTransaction({ kind: 'transfer', product: 'disbursement', referenceId: id, apiUser: USER, request: request() }).ok).toBe(true);
  });

  it('applies forced outcomes by reference id first, then by MSISDN, then "the next"; each once', () => {
    const { store } = setup();
    const id = ref();
    store.armOutcome({ outcome: { status: 'FAILED', reason: 'NEXT' } });
    store.armOutcome({ msisdn: '46733000001', outcome: { status: 'FAILED', reason: 'BY_MSISDN' } });
    store.armOutcome({ referenceId: id.toUpperCase(), outcome: { status: 'FAILED', reason: 'BY_ID' }, delaySeconds: 0 });
    const create = (referenceId: string, partyId: string) => {
      const r = store.createTransaction({ kind: 'requesttopay', product: 'collection', referenceId, apiUser: USER, request: request(partyId) });
      if (!r.ok) throw new Error('duplicate');
      return r.transaction;
    };
    const byId = create(id, '46733000001');
    const byMsisdn = create(ref(), '46733000001');
    const next = create(ref(), '46733000002');
    const plain = create(ref(), '46733000001');
    expect([byId, byMsisdn, next, plain].map((t) => (t.planned.status === 'FAILED' ? t.planned.reason : t.planned.status))).toEqual(['BY_ID', 'BY_MSISDN', 'NEXT', 'SUCCESSFUL']);
    expect(byId.finalAt).toBe(byId.createdAt);
    expect(store.queuedOutcomes()).toBe(0);
  });

  it('queues callbacks by the callback policy: delay shifts them, duplicate copies them, drop journals instead', () => {
    const { store } = setup();
    store.updateSettings({ pendingSeconds: 0 });
    const pay = () => store.createTransaction({ kind: 'requesttopay', product: 'collection', referenceId: ref(), apiUser: USER, callbackUrl: 'http://example.com/cb?secret=1', request: request() });

    store.setCallbackPolicy({ mode: 'duplicate', delaySeconds: 0, times: 2 });
    pay();
    const jobs = store.settleDue();
    expect(jobs.map((j) => [j.method, j.copy, j.copies])).toEqual([
      ['PUT', 1, 2],
      ['PUT', 2, 2],
    ]);
    expect(JSON.parse(jobs[0]!.body)).toMatchObject({ status: 'SUCCESSFUL', amount: '10' });

    store.setCallbackPolicy({ mode: 'delay', delaySeconds: 30, times: 1 });
    pay();
    expect(store.settleDue()).toEqual([]);
    store.advanceClock(30);
    expect(store.settleDue()).toHaveLength(1);

    store.setCallbackPolicy({ mode: 'drop', delaySeconds: 0, times: 1 });
    pay();
    expect(store.settleDue()).toEqual([]);
    expect(store.listRequests({ operation: 'callback' })).toEqual([expect.objectContaining({ path: 'http://example.com/cb', outcome: 'dropped', status: null })]);
  });

  it('takes forced failures once, matching the product when one is given', () => {
    const { store } = setup();
    store.armFailure({ operation: 'token', product: 'disbursement', httpStatus: 500 });
    expect(store.takeFailure('token', 'collection')).toBeUndefined();
    expect(store.takeFailure('token', 'disbursement')).toMatchObject({ httpStatus: 500 });
    expect(store.takeFailure('token', 'disbursement')).toBeUndefined();
  });

  it('resets to a fresh start', () => {
    const { store, clock } = setup();
    store.createApiUser(USER, 'collection', 'example.com');
    store.setBalance('collection', 5);
    store.advanceClock(100);
    store.reset();
    expect(store.listApiUsers()).toEqual([]);
    expect(store.getBalance('collection')).toBe(0);
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(1000);
  });
});
