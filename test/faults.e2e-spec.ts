import { authorizeAtPaga, authorizeConsentAtPaga, finishAtGatehouse, MOMO_FINAL, momoCollect, until, validPagaConsent } from './helpers/flows.js';
import { credentialFor, fetchOpenApi, fillPath, operationsOf, type Operation } from './helpers/openapi.js';
import { type OwnPostgres, startOwnPostgres } from './helpers/own-postgres.js';
import { query } from './helpers/scratch-database.js';
import { ADMIN_TOKEN, call, createMerchant, expectProblem, type Reply, startTestApp, type TestApp } from './helpers/test-app.js';

const RETURN_URL = 'https://shop.example/return';

/** Paga's decimal naira ("250000.00") in kobo. */
const kobo = (naira: string) => {
  const [whole, fraction = ''] = naira.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
};

/**
 * Faults injected through the emulators' control APIs (latency, 5xx, timeouts, dropped
 * connections, dropped callbacks) and a Postgres restart in the middle of a run. The database is
 * this file's own embedded Postgres (a temp folder, a free port), never the shared server.
 * Afterwards every payment must be in the state the provider holds, at the provider once, and
 * no consent stuck.
 */
describe('faults: providers failing and the database restarting', () => {
  let pg: OwnPostgres;
  let t: TestApp;
  let key: string;
  let merchantId: string;

  const momo = (method: string, path: string, json?: unknown) => call(t.baseUrl, method, `/sandbox/momo/__control/${path}`, { json });
  const paga = (method: string, path: string, json?: unknown) => call(t.baseUrl, method, `/sandbox/paga/__control/${path}`, { json });
  const payments = () =>
    query<{ id: string; reference: string; provider: string; status: string; provider_reference: string | null; last_error: string | null }>(
      pg.url,
      'SELECT id, reference, provider, status, provider_reference, last_error FROM payments WHERE merchant_id = $1',
      [merchantId],
    );

  /** The merchant's side of "unknown": a 5xx answer is retried with the same reference, as the README says. */
  async function withRetries(send: () => Promise<Reply>, attempts = 4): Promise<{ reply: Reply; tries: number }> {
    for (let tries = 1; ; tries++) {
      const reply = await send();
      if (reply.status < 500 || tries >= attempts) return { reply, tries };
      expect(reply.status).not.toBe(500);
      expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  }

  beforeAll(async () => {
    pg = await startOwnPostgres();
    // Short provider timeouts and status checks from 1 s, so that a delay past them is a timeout the test can afford.
    t = await startTestApp({ DATABASE_URL: pg.url, MOMO_TIMEOUT_MS: '1000', MOMO_RECONCILE_FIRST_CHECK_S: '1', PAGA_TIMEOUT_MS: '3000' });
    ({ merchantId, key } = await createMerchant(t.baseUrl, 'Faulty world', { allowedReturnUrls: [RETURN_URL] }));
  }, 60_000);

  afterAll(async () => {
    await t?.close().catch(() => undefined);
    await pg?.destroy();
  });

  it('MoMo: latency, 5xx, timeouts and dropped connections before and after MoMo acts, all callbacks dropped: each payment ends as MoMo has it, at MoMo once', async () => {
    // No callback arrives: every payment must settle by Gatehouse's own polling.
    await momo('POST', 'callbacks', { mode: 'drop' });
    try {
      await momoScenarios();
    } finally {
      await momo('POST', 'callbacks', { mode: 'deliver' });
    }
  }, 90_000);

  async function momoScenarios(): Promise<void> {
    // `final` is MoMo's truth: what the payment must end as. A refusal with a MoMo code before
    // anything was created (the emulator's 5xx carry one) is final: nothing exists at MoMo.
    // A forced `status` failure hits the next status read of anyone, reconciliation polls too: so
    // the payments before those scenarios are made final at MoMo and settled first (`settle`),
    // and no poll is due when the failure is armed.
    const scenarios: { name: string; faults: Record<string, unknown>[]; msisdn?: string; final: 'succeeded' | 'failed'; atMomo: 0 | 1; answers: number[]; settle?: true }[] = [
      // A token request may be repeated: ProviderHttp retries it (backoff with jitter), so the 503 is
      // absorbed; three in a row (the try and both retries) would reach the merchant as a 502 with
      // nothing sent to MoMo (src/common/http/provider-http.spec.ts shows the giving up).
      { name: 'the token endpoint answers 503 (cold cache)', faults: [{ operation: 'token', httpStatus: 503 }], final: 'succeeded', atMomo: 1, answers: [202], settle: true },
      // Status reads are retried too: one failing read is absorbed, the outcome is read on the retry.
      { name: 'dropped after, then the status read fails once', faults: [{ operation: 'requesttopay', drop: true, when: 'after' }, { operation: 'status', httpStatus: 503 }], final: 'succeeded', atMomo: 1, answers: [202], settle: true },
      { name: 'dropped after, then every status read fails', faults: [{ operation: 'requesttopay', drop: true, when: 'after' }, { operation: 'status', httpStatus: 503 }, { operation: 'status', httpStatus: 503 }, { operation: 'status', httpStatus: 503 }], final: 'succeeded', atMomo: 1, answers: [502, 202], settle: true },
      { name: 'dropped after, then the status read times out once (the retry reads it)', faults: [{ operation: 'requesttopay', drop: true, when: 'after' }, { operation: 'status', delayMs: 2000 }], final: 'succeeded', atMomo: 1, answers: [202] },
      { name: 'slow, under the timeout', faults: [{ operation: 'requesttopay', delayMs: 300 }], final: 'succeeded', atMomo: 1, answers: [202] },
      { name: '401 to the token, and again to a fresh one', faults: [{ operation: 'requesttopay', httpStatus: 401 }, { operation: 'requesttopay', httpStatus: 401 }], final: 'succeeded', atMomo: 1, answers: [502, 202] },
      { name: '503 SERVICE_UNAVAILABLE before MoMo acts', faults: [{ operation: 'requesttopay', httpStatus: 503 }], final: 'failed', atMomo: 0, answers: [202] },
      { name: '500 after MoMo created it', faults: [{ operation: 'requesttopay', httpStatus: 500, when: 'after' }], final: 'succeeded', atMomo: 1, answers: [202] },
      { name: '500 after MoMo created it, payer refuses', faults: [{ operation: 'requesttopay', httpStatus: 500, when: 'after' }], msisdn: '46733123451', final: 'failed', atMomo: 1, answers: [202] },
      { name: 'timeout before MoMo acts (the original arrives after the retry)', faults: [{ operation: 'requesttopay', delayMs: 2000 }], final: 'succeeded', atMomo: 1, answers: [202] },
      { name: 'timeout after MoMo created it', faults: [{ operation: 'requesttopay', delayMs: 2000, when: 'after' }], final: 'succeeded', atMomo: 1, answers: [202] },
      { name: 'connection dropped before MoMo acts', faults: [{ operation: 'requesttopay', drop: true }], final: 'succeeded', atMomo: 1, answers: [202] },
      { name: 'connection dropped after MoMo created it', faults: [{ operation: 'requesttopay', drop: true, when: 'after' }], final: 'succeeded', atMomo: 1, answers: [202] },
      { name: 'payer refuses, no fault', faults: [], msisdn: '46733123452', final: 'failed', atMomo: 1, answers: [202] },
    ];
    const outcomes: { name: string; reference: string; answers: number[]; expected: number[]; final: string; atMomo: number }[] = [];
    for (const [i, s] of scenarios.entries()) {
      for (const fault of s.faults) expect((await momo('POST', 'fail-next', fault)).status).toBe(200);
      const reference = `fault-momo-${i}`;
      const answers: number[] = [];
      const { reply } = await withRetries(async () => {
        const r = await momoCollect(t.baseUrl, key, reference, s.msisdn);
        answers.push(r.status);
        return r;
      });
      expect({ scenario: s.name, status: reply.status }).toEqual({ scenario: s.name, status: 202 });
      outcomes.push({ name: s.name, reference, answers, expected: s.answers, final: s.final, atMomo: s.atMomo });
      if (s.settle) {
        await momo('POST', 'outcomes', { referenceId: reply.body.providerReference, status: 'SUCCESSFUL', delaySeconds: 0 });
        await momo('POST', 'time/advance', { seconds: 0 });
        await until(async () => (await payments()).find((p) => p.reference === reference)?.status, (status) => status !== 'pending', `${s.name} to settle`, 15_000, 100);
      }
    }

    // (The wait names the payments still pending when it gives up.)
    await until(async () => (await payments()).filter((p) => p.provider === 'momo' && p.status === 'pending'), (open) => open.length === 0, 'every MoMo payment to be final', 45_000, 250);
    const rows = await payments();
    const transactions = (await momo('GET', 'transactions')).body.data as { referenceId: string; externalId?: string; status: string }[];
    for (const { name, reference, answers, expected: expectedAnswers, final, atMomo: expected } of outcomes) {
      const payment = rows.filter((p) => p.reference === reference);
      expect({ name, payments: payment.length }).toEqual({ name, payments: 1 });
      const atMomo = transactions.filter((tx) => tx.externalId === reference);
      // At MoMo at most once (a second reference id for one payment would be a second transaction
      // with the same externalId), and the payment says what MoMo says.
      expect({ name, answers, status: payment[0].status, transactions: atMomo.length }).toEqual({ name, answers: expectedAnswers, status: final, transactions: expected });
      if (atMomo.length) expect({ name, referenceId: atMomo[0].referenceId, status: MOMO_FINAL[atMomo[0].status] }).toEqual({ name, referenceId: payment[0].provider_reference, status: payment[0].status });
    }
    // Nothing was delivered: the journal shows every callback dropped.
    const callbacks = (await momo('GET', 'requests?operation=callback')).body.data as { outcome?: string }[];
    expect(callbacks.length).toBe(scenarios.filter((s) => s.atMomo).length);
    expect(callbacks.every((c) => c.outcome === 'dropped')).toBe(true);
  }

  it('Paga: latency, 5xx, a failed refresh and a timeout that hides a charge that went through: after the merchant retries, each payment is as Paga has it and money moved once', async () => {
    const consent = await validPagaConsent({ api: t.baseUrl, key, returnUrl: RETURN_URL, username: 'chidi', psuReference: 'paga-faults' });
    const balance = async () => kobo((await paga('GET', 'users')).body.data.find((u: { username: string }) => u.username === 'chidi').balance);
    const start = await balance();
    // late: Paga acts after Gatehouse gave up. rearm: armed once the first failure was answered
    // (the refresh in between is slowed down to leave time for it).
    const scenarios: { name: string; faults: Record<string, unknown>[]; amount: number; expect: string; answers: number[]; late?: true; rearm?: Record<string, unknown> }[] = [
      { name: 'slow, under the timeout', faults: [{ operation: 'merchantPayment', delayMs: 300 }], amount: 1000, expect: 'succeeded', answers: [200] },
      { name: '500 before Paga acts', faults: [{ operation: 'merchantPayment', httpStatus: 500 }], amount: 1100, expect: 'succeeded', answers: [502, 200] },
      { name: '503 before Paga acts', faults: [{ operation: 'merchantPayment', httpStatus: 503 }], amount: 1200, expect: 'succeeded', answers: [502, 200] },
      { name: 'the access token expired and the refresh answers 503', faults: [{ operation: 'token', httpStatus: 503 }], amount: 1300, expect: 'succeeded', answers: [502, 200] },
      // Paga carries the payment out after the delay; Gatehouse gave up after PAGA_TIMEOUT_MS.
      { name: 'timeout: Paga charged, the answer came too late', faults: [{ operation: 'merchantPayment', delayMs: 3500 }], amount: 1400, expect: 'succeeded', answers: [504, 200], late: true },
      {
        name: '401, refreshed, and 401 again',
        faults: [{ operation: 'merchantPayment', httpStatus: 401 }, { operation: 'token', delayMs: 1500 }],
        rearm: { operation: 'merchantPayment', httpStatus: 401 },
        amount: 1450,
        expect: 'succeeded',
        answers: [502, 200],
      },
      { name: 'a business refusal (insufficient funds)', faults: [{ operation: 'merchantPayment', errorCode: 2 }], amount: 1500, expect: 'failed', answers: [200] },
    ];
    const answers: Record<string, number[]> = {};
    for (const [i, s] of scenarios.entries()) {
      if (s.faults.some((f) => f.operation === 'token' && f.httpStatus)) await paga('POST', 'tokens/expire', {});
      for (const fault of s.faults) expect((await paga('POST', 'fail-next', fault)).status).toBe(200);
      const reference = `fault-paga-${i}`;
      answers[s.name] = [];
      const charge = () =>
        call(t.baseUrl, 'POST', `/v1/paga/consents/${consent.consentId}/payments`, {
          token: key,
          json: { reference, amount: { value: s.amount, currency: 'NGN' }, customerReference: 'paga-faults' },
        });
      const refused = async () => ((await paga('GET', 'requests?operation=merchantPayment')).body.data as { status: number }[]).filter((r) => r.status === 401).length;
      const refusedBefore = await refused();
      const pending = charge();
      if (s.rearm) {
        await until(refused, (count) => count > refusedBefore, 'the first 401', 5_000, 20);
        expect((await paga('POST', 'fail-next', s.rearm)).status).toBe(200);
      }
      const first = await pending;
      answers[s.name].push(first.status);
      if (first.status >= 500) {
        expect(first.status).not.toBe(500);
        // Let a late effect land at Paga before the merchant's retry (the timeout case).
        if (s.late) {
          // Paga's referenceNumber is the payment's id.
          const id = (await payments()).find((p) => p.reference === reference)!.id;
          await until(() => paga('GET', 'transactions'), (r) => r.body.data.some((x: { referenceNumber: string }) => x.referenceNumber === id), 'the late charge at Paga', 10_000, 100);
        }
        const retried = await withRetries(charge);
        answers[s.name].push(retried.reply.status);
        expect({ name: s.name, status: retried.reply.status, id: retried.reply.body.id }).toEqual({ name: s.name, status: 200, id: first.status >= 500 ? retried.reply.body.id : first.body.id });
      }
    }
    const rows = (await payments()).filter((p) => p.provider === 'paga');
    const atPaga = (await paga('GET', 'transactions')).body.data as { referenceNumber: string; amount: string }[];
    for (const [i, s] of scenarios.entries()) {
      const reference = `fault-paga-${i}`;
      const mine = rows.filter((p) => p.reference === reference);
      const charged = atPaga.filter((x) => x.referenceNumber === mine[0]?.id);
      expect({ name: s.name, answers: answers[s.name], payments: mine.length, status: mine[0]?.status, chargedAtPaga: charged.length }).toEqual({
        name: s.name,
        answers: s.answers,
        payments: 1,
        status: s.expect,
        chargedAtPaga: s.expect === 'succeeded' ? 1 : 0,
      });
    }
    const succeeded = scenarios.filter((s) => s.expect === 'succeeded').reduce((sum, s) => sum + s.amount, 0);
    expect(start - (await balance())).toBe(succeeded);
    // A refresh that failed for a moment did not end the consent.
    expect((await call(t.baseUrl, 'GET', `/v1/consents/${consent.consentId}`, { token: key })).body.status).toBe('valid');
  }, 90_000);

  it('Postgres restarted mid-run: 503 (never 500) while it is away; then every payment and consent reaches its true state', async () => {
    const operations = operationsOf(await fetchOpenApi(t.baseUrl));
    await momo('POST', 'callbacks', { mode: 'deliver' });
    const valid = await validPagaConsent({ api: t.baseUrl, key, returnUrl: RETURN_URL, psuReference: 'outage-valid' });
    // Q: the user is on the way back when the database goes away.
    const q = await authorizeAtPaga({ api: t.baseUrl, key, returnUrl: RETURN_URL, psuReference: 'outage-q' });
    // R: its code exchange is under way at Paga when the database goes away.
    const r = await authorizeAtPaga({ api: t.baseUrl, key, returnUrl: RETURN_URL, psuReference: 'outage-r' });
    // Pending at MoMo until the clock is moved (during the outage), not on their own before it.
    await momo('PATCH', 'settings', { pendingSeconds: 60 });
    const collections = await Promise.all(Array.from({ length: 10 }, (_, i) => momoCollect(t.baseUrl, key, `outage-momo-${i}`)));
    expect(collections.map((c) => c.status)).toEqual(Array(10).fill(202));
    const ids = new Set(collections.map((c) => c.body.providerReference as string));
    // Wait for each collection's first status poll (2 s after it), so no poll is half done when Postgres stops.
    const polled = async () => ((await momo('GET', 'requests?operation=status')).body.data as { referenceId?: string }[]).filter((x) => ids.has(x.referenceId ?? '')).length;
    await until(polled, (n) => n >= 10, 'the first reconciliation polls', 20_000, 100);

    await paga('POST', 'fail-next', { operation: 'token', delayMs: 2500 });
    const rCallback = finishAtGatehouse(r);
    await until(() => query(pg.url, 'SELECT 1 FROM authorization_attempts WHERE consent_id = $1 AND consumed_at IS NOT NULL', [r.consentId]), (rows) => rows.length === 1, "R's state to be consumed", 5_000, 20);
    await pg.stop();

    // --- the database is away
    const tokenExchanges = async () => ((await paga('GET', 'requests?operation=token')).body.data as { grantType?: string }[]).filter((x) => x.grantType === 'authorization_code').length;
    const ready = await call(t.baseUrl, 'GET', '/health/ready');
    expectProblem(ready, 503, 'SERVICE_UNAVAILABLE');
    const sweep = await outageSweep(t.baseUrl, operations, key);
    expect(sweep.filter((s) => s.status >= 500 && s.status !== 503)).toEqual([]);
    expect(sweep.filter((s) => s.security === 'merchant-key' && s.status !== 503)).toEqual([]);

    const rAnswer = await rCallback;
    expect(rAnswer.status).toBe(503);
    const exchangesBefore = await tokenExchanges();
    const qAnswer = await finishAtGatehouse(q);
    expect({ status: qAnswer.status, body: JSON.parse(qAnswer.text).code }).toEqual({ status: 503, body: 'SERVICE_UNAVAILABLE' });
    expect(await tokenExchanges()).toBe(exchangesBefore); // Q's code was not spent
    const momoCalls = (await momo('GET', 'requests?operation=requesttopay')).body.data.length;
    expectProblem(await momoCollect(t.baseUrl, key, 'outage-momo-new'), 503, 'SERVICE_UNAVAILABLE');
    const pagaCharges = (await paga('GET', 'requests?operation=merchantPayment')).body.data.length;
    const charge = () =>
      call(t.baseUrl, 'POST', `/v1/paga/consents/${valid.consentId}/payments`, { token: key, json: { reference: 'outage-paga', amount: { value: 700, currency: 'NGN' }, customerReference: 'c' } });
    expectProblem(await charge(), 503, 'SERVICE_UNAVAILABLE');
    // The collections turn final at MoMo now; their callbacks find the database away.
    await momo('POST', 'time/advance', { seconds: 90 });
    const callbacks = ((await momo('GET', 'requests?operation=callback')).body.data as { path: string; status: number | null }[]).slice(-10);
    expect(callbacks.map((c) => c.status)).toEqual(Array(10).fill(503));
    expect((await momo('GET', 'requests?operation=requesttopay')).body.data.length).toBe(momoCalls);
    expect((await paga('GET', 'requests?operation=merchantPayment')).body.data.length).toBe(pagaCharges);

    // --- back
    await pg.start();
    await until(() => call(t.baseUrl, 'GET', '/health/ready'), (reply) => reply.status === 200, 'readiness after the restart', 30_000, 200);

    // The lost callbacks are made up for by reconciliation: every collection is final, as at MoMo, once.
    await until(
      async () => (await payments()).filter((p) => p.reference.startsWith('outage-momo-') && p.status === 'pending'),
      (open) => open.length === 0,
      'the collections to settle after the restart',
      45_000,
      250,
    );
    const rows = await payments();
    const outageRows = rows.filter((p) => p.reference.startsWith('outage-momo-'));
    expect(outageRows.map((p) => p.reference).sort()).toEqual([...Array(10).keys()].map((i) => `outage-momo-${i}`).sort());
    const transactions = (await momo('GET', 'transactions')).body.data as { referenceId: string; status: string }[];
    for (const p of outageRows) {
      const atMomo = transactions.filter((tx) => tx.referenceId === p.provider_reference);
      expect({ reference: p.reference, atMomo: atMomo.map((tx) => MOMO_FINAL[tx.status]) }).toEqual({ reference: p.reference, atMomo: [p.status] });
    }
    expect(outageRows.every((p) => p.status === 'succeeded')).toBe(true);

    // Q's callback was never consumed: the same redirect completes it now.
    expect((await finishAtGatehouse(q)).params.status).toBe('valid');
    // R's code was spent while the database was away: R is still open, and a new attempt completes it.
    const rNow = await call(t.baseUrl, 'GET', `/v1/consents/${r.consentId}`, { token: key });
    expect(rNow.body.status).toBe('received');
    const again = await authorizeConsentAtPaga(r.consentId, `${t.baseUrl}/oauth/paga/authorize/${r.consentId}`);
    expect((await finishAtGatehouse(again)).params.status).toBe('valid');
    // No consent is left half-way.
    const consents = (await call(t.baseUrl, 'GET', '/v1/consents?limit=100', { token: key })).body.data as { id: string; status: string }[];
    expect(consents.filter((c) => c.status === 'received')).toEqual([]);

    // And the work refused during the outage goes through now, once.
    expect((await charge()).body.status).toBe('succeeded');
    expect((await momoCollect(t.baseUrl, key, 'outage-momo-new')).status).toBe(202);
  }, 120_000);
});

/**
 * Every documented route while the database is away (the emulators' control routes aside: they
 * are the providers, not Gatehouse), with the credential it asks for and a minimal body.
 */
async function outageSweep(baseUrl: string, operations: Operation[], merchantKey: string) {
  const results: { route: string; security: string; status: number }[] = [];
  for (const op of operations.filter((o) => !o.path.startsWith('/sandbox/'))) {
    const token = credentialFor(op, { merchantKey, adminToken: ADMIN_TOKEN });
    const path = fillPath(op.path, { provider: 'paga', product: 'collection', msisdn: '46733999001', token: 'x'.repeat(43) });
    const reply = await call(baseUrl, op.method, path, { token, json: op.method === 'GET' || op.method === 'DELETE' ? undefined : {} });
    if (reply.status >= 400) expect({ route: op.route, type: reply.headers.get('content-type') }).toEqual({ route: op.route, type: expect.stringMatching(/^application\/problem\+json/) });
    if (reply.status === 503) expect({ route: op.route, retryAfter: reply.headers.get('retry-after') }).toEqual({ route: op.route, retryAfter: '5' });
    results.push({ route: op.route, security: op.security, status: reply.status });
  }
  return results;
}
