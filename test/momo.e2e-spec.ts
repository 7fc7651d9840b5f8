import { randomUUID } from 'node:crypto';
import { PaymentsLedger } from '../src/payments/payments.ledger.js';
import { createScratchDatabase, type ScratchDatabase } from './helpers/scratch-database.js';
import { call, createMerchant, expectProblem, startTestApp, type TestApp } from './helpers/test-app.js';

const OK_NUMBER = '46733999001';

describe('MTN MoMo over HTTP against the emulator: collections, disbursements, callbacks, reconciliation', () => {
  let t: TestApp;
  let key: string;
  let merchantId: string;
  let n = 0;

  const control = (method: string, path: string, json?: unknown) => call(t.baseUrl, method, `/sandbox/momo/__control/${path}`, { json });
  const counts = async (product: string) => ((await control('GET', 'requests')).body.countsByProduct[product] ?? {}) as Record<string, number>;
  const collect = (payer: string, extra: Record<string, unknown> = {}) =>
    call(t.baseUrl, 'POST', '/v1/momo/collections', { token: key, json: { reference: `col-${++n}`, amount: { value: 1250, currency: 'EUR' }, payer: { msisdn: payer }, payerMessage: "Tom's order & more", ...extra } });
  const read = (kind: 'collections' | 'disbursements', id: string) => call(t.baseUrl, 'GET', `/v1/momo/${kind}/${id}`, { token: key });

  async function until(kind: 'collections' | 'disbursements', id: string, done: (body: any) => boolean, ms = 20_000): Promise<any> {
    const end = Date.now() + ms;
    for (;;) {
      const reply = await read(kind, id);
      if (done(reply.body)) return reply.body;
      if (Date.now() > end) throw new Error(`timed out: ${JSON.stringify(reply.body)}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  /** What a crashed first attempt leaves behind: the pending row committed before the MoMo call, never sent. */
  const commitUnsent = (reference: string, referenceId: string, check?: { afterSeconds: number; resend: Record<string, unknown> }) =>
    t.app.get(PaymentsLedger).begin({
      merchantId,
      provider: 'momo',
      consentId: null,
      kind: 'charge',
      reference,
      amountMinor: 1250,
      currency: 'EUR',
      details: { msisdn: OK_NUMBER, payerMessage: null, payeeNote: null },
      providerReference: referenceId,
      check,
    });

  /** Requests to pay under this reference id that MoMo accepted (202), from the emulator's journal. */
  const acceptedAtMomo = async (referenceId: string) =>
    ((await control('GET', 'requests?operation=requesttopay')).body.data as { referenceId?: string; status?: number }[]).filter((r) => r.referenceId === referenceId && r.status === 202).length;

  async function untilAccepted(referenceId: string, ms: number): Promise<void> {
    for (const end = Date.now() + ms; (await acceptedAtMomo(referenceId)) === 0; ) {
      if (Date.now() > end) throw new Error(`MoMo never accepted ${referenceId}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  let db: ScratchDatabase;

  beforeAll(async () => {
    // A database of its own: MoMo's API user, token and status checks are per deployment, and
    // another test's app (with its own emulator) must not claim this one's checks.
    db = await createScratchDatabase('momo');
    // Hundreds of collections from a few test wallets: the rate and velocity limits (tested in payments-api) are off here.
    t = await startTestApp({ DATABASE_URL: db.url, RATE_LIMIT_RPS: '0', VELOCITY_MAX_PAYMENTS_PER_HOUR: '0', MOMO_RECONCILE_FIRST_CHECK_S: '1' });
    ({ merchantId, key } = await createMerchant(t.baseUrl, 'MoMo shop', { scopes: ['payments', 'read'] }));
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('200 concurrent collections on a cold token cache make exactly one token request', async () => {
    const before = (await counts('collection')).token ?? 0;
    const replies = await Promise.all(Array.from({ length: 200 }, () => collect(OK_NUMBER)));
    expect(replies.map((r) => r.status)).toEqual(Array(200).fill(202));
    expect(replies.every((r) => r.body.status === 'pending')).toBe(true);
    expect(((await counts('collection')).token ?? 0) - before).toBe(1);
    expect((await counts('collection')).requesttopay).toBeGreaterThanOrEqual(200);
  }, 60_000);

  it('a collection succeeds by callback, verified against MoMo; money and message are right', async () => {
    const created = await collect(OK_NUMBER);
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ provider: 'momo', kind: 'charge', status: 'pending', amount: { value: 1250, currency: 'EUR' } });
    expect(created.body.providerReference).toMatch(/^[0-9a-f-]{36}$/);
    await control('POST', 'time/advance', { seconds: 10 });
    const done = await until('collections', created.body.id, (b) => b.status !== 'pending');
    expect(done.status).toBe('succeeded');
    const tx = (await control('GET', 'transactions')).body.data.find((x: { referenceId: string }) => x.referenceId === created.body.providerReference);
    // MoMo normalises the decimal it echoes (12.50 -> 12.5).
    expect(tx).toMatchObject({ amount: '12.5', currency: 'EUR', payerMessage: expect.not.stringMatching(/[&']/), status: 'SUCCESSFUL' });
    const callbacks = (await control('GET', 'requests?operation=callback')).body.data;
    expect(callbacks.some((c: { path: string; status: number }) => c.path.includes('/callbacks/momo/') && c.status === 200)).toBe(true);
  });

  it('succeeds through polling alone when the callback is dropped', async () => {
    await control('POST', 'callbacks', { mode: 'drop' });
    try {
      const created = await collect(OK_NUMBER);
      await control('POST', 'time/advance', { seconds: 10 });
      const done = await until('collections', created.body.id, (b) => b.status !== 'pending');
      expect(done.status).toBe('succeeded');
    } finally {
      await control('POST', 'callbacks', { mode: 'deliver' });
    }
  });

  it.each([
    ['46733123450', 'momo_INTERNAL_PROCESSING_ERROR'],
    ['46733123451', 'momo_APPROVAL_REJECTED'],
    ['46733123452', 'momo_EXPIRED'],
  ])('test number %s ends failed with a clear reason', async (msisdn, code) => {
    const created = await collect(msisdn);
    await control('POST', 'time/advance', { seconds: 10 });
    const done = await until('collections', created.body.id, (b) => b.status !== 'pending');
    expect(done).toMatchObject({ status: 'failed', failure: { code } });
  });

  it('a synchronous refusal (500 with a MoMo code) is checked against the status, then settles failed with that code', async () => {
    await control('POST', 'fail-next', { operation: 'requesttopay', httpStatus: 500, code: 'PAYER_NOT_FOUND', message: 'Payer does not exist' });
    const statusReads = (await counts('collection')).status ?? 0;
    const created = await collect(OK_NUMBER);
    expect(created.body).toMatchObject({ status: 'failed', failure: { code: 'momo_PAYER_NOT_FOUND' } });
    expect(((await counts('collection')).status ?? 0) - statusReads).toBe(1);
  });

  it('a forged callback claiming success while MoMo says pending changes nothing; three callbacks give one transition', async () => {
    const created = await collect(OK_NUMBER);
    await control('POST', 'outcomes', { referenceId: created.body.providerReference, status: 'PENDING' });
    const tx = (await control('GET', 'transactions')).body.data.find((x: { referenceId: string }) => x.referenceId === created.body.providerReference);
    const callbackPath = new URL(tx.callbackUrl).pathname;
    const forged = await call(t.baseUrl, 'PUT', callbackPath, { json: { status: 'SUCCESSFUL', financialTransactionId: '1', amount: '12.5', currency: 'EUR' } });
    expect(forged.status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect((await read('collections', created.body.id)).body.status).toBe('pending');
    expectProblem(await call(t.baseUrl, 'PUT', '/callbacks/momo/' + 'x'.repeat(43), { json: {} }), 404, 'NOT_FOUND');

    await control('POST', 'outcomes', { referenceId: created.body.providerReference, status: 'SUCCESSFUL', delaySeconds: 0 });
    await control('POST', 'callbacks', { mode: 'duplicate', times: 3 });
    try {
      await control('POST', 'time/advance', { seconds: 1 });
      const done = await until('collections', created.body.id, (b) => b.status !== 'pending');
      expect(done.status).toBe('succeeded');
      const settledAt = (await read('collections', created.body.id)).body;
      await new Promise((r) => setTimeout(r, 500));
      // Late and repeated callbacks: same final state, untouched.
      await call(t.baseUrl, 'PUT', callbackPath, { json: { status: 'FAILED' } });
      await new Promise((r) => setTimeout(r, 300));
      expect((await read('collections', created.body.id)).body).toEqual(settledAt);
    } finally {
      await control('POST', 'callbacks', { mode: 'deliver' });
    }
  });

  it('after a crash between committing the payment and calling MoMo, the retry uses the same reference id', async () => {
    const reference = `crash-${randomUUID().slice(0, 8)}`;
    const referenceId = randomUUID();
    await commitUnsent(reference, referenceId);
    const retried = await call(t.baseUrl, 'POST', '/v1/momo/collections', { token: key, json: { reference, amount: { value: 1250, currency: 'EUR' }, payer: { msisdn: OK_NUMBER } } });
    expect(retried.status).toBe(202);
    expect(retried.body.providerReference).toBe(referenceId);
    const sent = (await control('GET', 'requests?operation=requesttopay')).body.data.filter((r: { referenceId?: string }) => r.referenceId === referenceId);
    expect(sent).toHaveLength(1);
    // And once with MoMo, the same reference again is the same payment, not a second request.
    const again = await call(t.baseUrl, 'POST', '/v1/momo/collections', { token: key, json: { reference, amount: { value: 1250, currency: 'EUR' }, payer: { msisdn: OK_NUMBER } } });
    expect(again.body.id).toBe(retried.body.id);
    expect((await control('GET', 'requests?operation=requesttopay')).body.data.filter((r: { referenceId?: string }) => r.referenceId === referenceId)).toHaveLength(1);
  });

  it('after a crash between committing the payment and calling MoMo, with no retry, reconciliation sends it (same reference id)', async () => {
    const reference = `crash-alone-${randomUUID().slice(0, 8)}`;
    const referenceId = randomUUID();
    // What MomoPaymentsService.create commits before calling MoMo: the row and its first check,
    // with the request to send; then the process "stops".
    const { payment } = await commitUnsent(reference, referenceId, { afterSeconds: 0, resend: { msisdn: OK_NUMBER } });
    await untilAccepted(referenceId, 10_000); // reconciliation sent it
    await control('POST', 'time/advance', { seconds: 10 });
    expect((await until('collections', payment.id, (b) => b.status !== 'pending')).status).toBe('succeeded');
    expect(await acceptedAtMomo(referenceId)).toBe(1);
  }, 20_000);

  it('a dropped connection on the create is resolved by reading the status first', async () => {
    await control('POST', 'fail-next', { operation: 'requesttopay', drop: true });
    const dropped = async () => (await control('GET', 'requests?operation=requesttopay')).body.data.filter((r: { outcome?: string }) => r.outcome === 'dropped').length;
    const droppedBefore = await dropped();
    const created = await collect(OK_NUMBER);
    expect(created.status).toBe(202);
    // Dropped (never created), status read (404), then sent again with the same id and accepted.
    expect((await dropped()) - droppedBefore).toBe(1);
    const accepted = (await control('GET', 'requests?operation=requesttopay')).body.data.filter((r: { referenceId?: string; status: number }) => r.referenceId === created.body.providerReference && r.status === 202);
    expect(accepted).toHaveLength(1);
    await control('POST', 'time/advance', { seconds: 10 });
    expect((await until('collections', created.body.id, (b) => b.status !== 'pending')).status).toBe('succeeded');
  });

  it('MoMo never got it and the merchant never retries: reconciliation sends it again with the same reference id, and it settles once', async () => {
    const journal = async () => (await control('GET', 'requests?operation=requesttopay')).body.data as { referenceId?: string; status?: number; outcome?: string }[];
    const droppedBefore = (await journal()).filter((r) => r.outcome === 'dropped').length;
    // Dropped twice before MoMo acts: the send and the resend after the status read (404) both fail.
    await control('POST', 'fail-next', { operation: 'requesttopay', drop: true });
    await control('POST', 'fail-next', { operation: 'requesttopay', drop: true });
    const created = await collect(OK_NUMBER);
    expect(created.status).toBe(202);
    expect(created.body.status).toBe('pending');
    expect((await journal()).filter((r) => r.outcome === 'dropped').length - droppedBefore).toBe(2);
    expect(await acceptedAtMomo(created.body.providerReference)).toBe(0);
    // No merchant retry: the status check (MOMO_RECONCILE_FIRST_CHECK_S) finds nothing at MoMo and sends it again.
    await untilAccepted(created.body.providerReference, 15_000);
    await control('POST', 'time/advance', { seconds: 10 });
    expect((await until('collections', created.body.id, (b) => b.status !== 'pending')).status).toBe('succeeded');
    expect(await acceptedAtMomo(created.body.providerReference)).toBe(1); // created at MoMo once
  }, 30_000);

  it('a token that expires mid-run is renewed once for parallel calls', async () => {
    // Counted before the clock moves: moving it also sends callbacks for what earlier tests left
    // pending, and verifying those (status reads) may meet the expired token first. Every call
    // after the expiry, the collections and those reads alike, must share one renewal.
    const before = (await counts('collection')).token ?? 0;
    await control('POST', 'time/advance', { seconds: 4000 }); // past MoMo's token lifetime
    const replies = await Promise.all(Array.from({ length: 10 }, () => collect(OK_NUMBER)));
    expect(replies.map((r) => r.status)).toEqual(Array(10).fill(202));
    expect(((await counts('collection')).token ?? 0) - before).toBe(1);
  });

  it('disbursement, balance, account holder; another merchant sees nothing', async () => {
    const paid = await call(t.baseUrl, 'POST', '/v1/momo/disbursements', { token: key, json: { reference: `dis-${++n}`, amount: { value: 500, currency: 'EUR' }, payee: { msisdn: OK_NUMBER } } });
    expect(paid.status).toBe(202);
    await control('POST', 'time/advance', { seconds: 10 });
    expect((await until('disbursements', paid.body.id, (b) => b.status !== 'pending')).status).toBe('succeeded');
    const balance = await call(t.baseUrl, 'GET', '/v1/momo/disbursement/balance', { token: key });
    expect(balance.body).toMatchObject({ product: 'disbursement', available: { value: expect.any(Number), currency: 'EUR' } });
    expect(Number.isInteger(balance.body.available.value)).toBe(true);
    const holder = await call(t.baseUrl, 'GET', `/v1/momo/accountholders/${OK_NUMBER}`, { token: key });
    expect(holder.body).toMatchObject({ msisdn: OK_NUMBER, active: true });
    expect((await call(t.baseUrl, 'GET', '/v1/momo/accountholders/46733123450', { token: key })).body.active).toBe(false);

    const { key: otherKey } = await createMerchant(t.baseUrl, 'Other', { scopes: ['read'] });
    expectProblem(await call(t.baseUrl, 'GET', `/v1/momo/disbursements/${paid.body.id}`, { token: otherKey }), 404, 'NOT_FOUND');
    expectProblem(await call(t.baseUrl, 'GET', `/v1/momo/collections/${paid.body.id}`, { token: key }), 404, 'NOT_FOUND');
  });

  it('when the sandbox forgets our API user (emulator reset), a new one is provisioned once and work goes on', async () => {
    await control('POST', 'reset');
    const created = await collect(OK_NUMBER);
    expect(created.status).toBe(202);
    expect(created.body.status).toBe('pending');
    const users = (await control('GET', 'apiusers')).body.data.filter((u: { product: string }) => u.product === 'collection');
    expect(users).toHaveLength(1);
    expect(users[0].providerCallbackHost).toBe('127.0.0.1');
  });

  it('refuses bad input before calling MoMo', async () => {
    expectProblem(await collect(OK_NUMBER, { amount: { value: 100, currency: 'USD' } }), 400, 'VALIDATION_FAILED');
    expectProblem(await collect('not-a-number'), 400, 'VALIDATION_FAILED');
    expectProblem(await collect(OK_NUMBER, { amount: { value: 12.5, currency: 'EUR' } }), 400, 'VALIDATION_FAILED');
    expectProblem(await call(t.baseUrl, 'GET', '/v1/momo/remittance/balance', { token: key }), 400, 'VALIDATION_FAILED');
  });
});
