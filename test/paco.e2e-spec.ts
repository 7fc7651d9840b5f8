import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { loadRsaKey, toPem } from '../src/crypto/key-loader.js';
import { createPacoSealContext, PacoJoseService } from '../src/crypto/paco-jose.service.js';
import { PaymentsLedger } from '../src/payments/payments.ledger.js';
import { PacoKeyring } from '../src/providers/paco/paco-keyring.service.js';
import { PacoClient, PacoCallError } from '../src/providers/paco/paco.client.js';
import type { PacoConfig } from '../src/providers/paco/paco.config.js';
import { PACO_SANDBOX_MERCHANT } from '../src/sandbox/sandbox-accounts.js';
import { PacoSandboxKeys } from '../src/sandbox/paco/paco-sandbox.keys.js';
import { call, createMerchant, expectProblem, startTestApp, type TestApp } from './helpers/test-app.js';
import { send } from './helpers/wire.js';

const APPROVE = '4111111111111111';
const DECLINE = '4000000000000002';
const THREE_DS = '4000000000003220';
const card = (number: string) => ({ number, expiryMMYY: '1239', cvv: '123', holderName: 'Test Payer' });
const form = (fields: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

describe('2C2P PACO over HTTP against the emulator: hosted and direct card payments, notifications, inquiry, void, settlement, refund', () => {
  let t: TestApp;
  let key: string;
  let otherKey: string;
  let returnUrl: string;
  let n = 0;
  const jose = new PacoJoseService();

  const control = (method: string, path: string, json?: unknown) => call(t.baseUrl, method, `/sandbox/paco/__control/${path}`, { json });
  const journal = async (operation: string) => (await control('GET', `requests?operation=${operation}`)).body.data as Array<{ orderNo?: string; status: number | null; direction: string }>;
  const orderNo = () => `ord-${Date.now().toString(36)}-${++n}`;
  const hosted = (no: string, extra: Record<string, unknown> = {}, token = key) =>
    call(t.baseUrl, 'POST', '/v1/paco/payments', { token, json: { orderNo: no, amount: { value: 125050, currency: 'THB' }, description: 'Concert ticket', returnUrl, ...extra } });
  const direct = (no: string, number: string, extra: Record<string, unknown> = {}, token = key) =>
    call(t.baseUrl, 'POST', '/v1/paco/payments/direct', { token, json: { orderNo: no, amount: { value: 1050, currency: 'THB' }, description: 'Coffee', card: card(number), ...extra } });
  const get = (no: string, token = key) => call(t.baseUrl, 'GET', `/v1/paco/payments/${no}`, { token });
  const action = (no: string, name: 'void' | 'settle' | 'refund', json?: unknown) => call(t.baseUrl, 'POST', `/v1/paco/payments/${no}/${name}`, { token: key, json: json ?? {} });

  async function until<T>(probe: () => Promise<T | undefined>, what: string, ms = 15_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const delivered = (pacoOrderNo: string, count = 1) =>
    until(async () => {
      const sent = (await journal('notification')).filter((e) => e.orderNo === pacoOrderNo && e.status !== null);
      return sent.length >= count ? sent : undefined;
    }, `notification of ${pacoOrderNo}`);

  beforeAll(async () => {
    t = await startTestApp();
    returnUrl = `${t.baseUrl}/sandbox/return`;
    const make = async (name: string) => {
      return (await createMerchant(t.baseUrl, name, { scopes: ['payments', 'read'], allowedReturnUrls: [returnUrl] })).key;
    };
    key = await make('Card shop');
    otherKey = await make('Other shop');
  }, 60_000);
  afterAll(() => t.close());

  it('Gatehouse registered itself with the emulator: its own token, office and public keys', async () => {
    await t.app.get(PacoKeyring).contexts();
    const merchants = (await control('GET', 'merchants')).body.data;
    const own = merchants.find((m: { officeId: string }) => m.officeId === PACO_SANDBOX_MERCHANT.officeId);
    const { seal, open } = await t.app.get(PacoKeyring).contexts();
    expect(own).toMatchObject({ tokenLast4: PACO_SANDBOX_MERCHANT.token.slice(-4), signingKeyFingerprint: seal.signingKey.fingerprint, encryptionKeyFingerprint: open.decryptionKey.fingerprint, plainJson: false });
    expect(seal.signingKey.bits).toBe(4096);
  });

  it('hosted page: created (requires_action with the page) -> page -> test card -> verified notification -> back at the shop -> inquiry -> settle -> refund', async () => {
    const no = orderNo();
    const created = await hosted(no);
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ provider: 'paco', orderNo: no, reference: no, status: 'requires_action', channel: 'hosted', captured: false, amount: { value: 125050, currency: 'THB' }, paco: { paymentStatus: 'PCPS', paymentStep: 'GP', responseCode: 'PC-B050001' } });
    const pacoOrderNo: string = created.body.pacoOrderNo;
    expect(pacoOrderNo).toMatch(/^GH[0-9A-Z]{18}$/);
    expect(created.body.providerReference).toBe(pacoOrderNo);
    const pageUrl = new URL(created.body.nextAction.redirectUrl);
    expect(created.body.nextAction).toMatchObject({ type: 'redirect', expiresAt: expect.any(String) });
    expect(pageUrl.pathname).toMatch(/^\/sandbox\/paco\/pay\/[0-9a-f]{32}$/);

    // PACO got 1250.50 THB as amountText and the order number Gatehouse committed first.
    const order = (await control('GET', 'orders')).body.data.find((o: { orderNo: string }) => o.orderNo === pacoOrderNo);
    expect(order).toMatchObject({ amountText: '000000125050', decimalPlaces: 2, currencyCode: 'THB', hasBackendURL: true, paymentStatus: 'PCPS' });

    const page = await send(pageUrl.toString());
    expect(page.status).toBe(200);
    expect(page.text).toContain('1250.50 THB');
    const paid = await send(pageUrl.toString(), form({ cardNumber: APPROVE, cardExpiryMMYY: '1239', cvvCode: '123', payerName: 'Test Payer', action: 'pay' }));
    expect(paid.status).toBe(303);
    const back = new URL(paid.headers.get('location')!);
    expect(back.pathname).toBe('/paco/return/confirmed');

    // The notification alone settles it: no inquiry has been made yet.
    await delivered(pacoOrderNo);
    const ledger = t.app.get(PaymentsLedger);
    expect((await ledger.find({ id: created.body.id }))!.status).toBe('succeeded');
    expect((await journal('transactionStatus')).filter((e) => e.orderNo === pacoOrderNo)).toHaveLength(0);

    // The payer's browser comes back through Gatehouse to the shop, with the shop's own order number.
    const landing = await send(back.toString());
    expect(landing.status).toBe(303);
    expect(landing.headers.get('cache-control')).toBe('no-store');
    expect(landing.headers.get('referrer-policy')).toBe('no-referrer');
    const shop = new URL(landing.headers.get('location')!);
    expect(shop.origin + shop.pathname).toBe(returnUrl);
    expect(Object.fromEntries(shop.searchParams)).toEqual({ orderNo: no, status: 'succeeded' });

    const inquiry = await get(no);
    expect(inquiry.body).toMatchObject({ status: 'succeeded', captured: false, paco: { paymentStatus: 'A', paymentStep: 'PA', cardLast4: '1111', approvalCode: expect.stringMatching(/^\d{6}$/) } });
    expect(inquiry.body.nextAction).toBeUndefined();

    // Refunding what was never settled is refused before PACO is asked.
    const refundsBefore = (await journal('refund')).length;
    expectProblem(await action(no, 'refund'), 409, 'CONFLICT');
    expect((await journal('refund')).length).toBe(refundsBefore);

    const settled = await action(no, 'settle');
    expect(settled.body).toMatchObject({ status: 'succeeded', captured: true, capturedAmount: { value: 125050, currency: 'THB' }, paco: { paymentStatus: 'S', paymentStep: 'ST' } });
    expect((await get(no)).body).toMatchObject({ status: 'succeeded', captured: true, paco: { paymentStatus: 'S' } });
    expectProblem(await action(no, 'void'), 409, 'CONFLICT');

    expectProblem(await action(no, 'refund', { amount: { value: 200000, currency: 'THB' } }), 400, 'VALIDATION_FAILED');
    expectProblem(await action(no, 'refund', { amount: { value: 100, currency: 'USD' } }), 400, 'VALIDATION_FAILED');
    const refunded = await action(no, 'refund', { amount: { value: 25050, currency: 'THB' } });
    expect(refunded.body).toMatchObject({ status: 'refunded', refundedAmount: { value: 25050, currency: 'THB' }, paco: { paymentStatus: 'R', paymentStep: 'RF' } });
    expect((await control('GET', 'orders')).body.data.find((o: { orderNo: string }) => o.orderNo === pacoOrderNo)).toMatchObject({ refundedAmountText: '000000025050', settledAmountText: '000000125050' });
    // Repeating the same refund is harmless; a different one is refused (PACO refunds an order once).
    const refundCalls = (await journal('refund')).length;
    expect((await action(no, 'refund', { amount: { value: 25050, currency: 'THB' } })).body.status).toBe('refunded');
    expectProblem(await action(no, 'refund', { amount: { value: 100, currency: 'THB' } }), 409, 'CONFLICT');
    expect((await journal('refund')).length).toBe(refundCalls);
    expect((await get(no)).body.status).toBe('refunded');
  });

  it('hosted: the orderNo is the idempotency key; another merchant reusing it gets its own PACO order and never sees the first', async () => {
    const no = orderNo();
    const first = await hosted(no);
    const calls = (await journal('prePaymentUi')).length;
    const again = await hosted(no);
    expect(again.body).toMatchObject({ id: first.body.id, pacoOrderNo: first.body.pacoOrderNo, nextAction: { redirectUrl: first.body.nextAction.redirectUrl } });
    expect((await journal('prePaymentUi')).length).toBe(calls);
    expectProblem(await hosted(no, { amount: { value: 1, currency: 'THB' } }), 422, 'UNPROCESSABLE');

    expectProblem(await get(no, otherKey), 404, 'NOT_FOUND');
    expectProblem(await call(t.baseUrl, 'POST', `/v1/paco/payments/${no}/void`, { token: otherKey, json: {} }), 404, 'NOT_FOUND');
    const theirs = await hosted(no, {}, otherKey);
    expect(theirs.body.status).toBe('requires_action');
    expect(theirs.body.pacoOrderNo).not.toBe(first.body.pacoOrderNo);

    const mine = await call(t.baseUrl, 'GET', `/v1/paco/transactions?orderNo=${no}`, { token: key });
    expect(mine.body.data).toEqual([expect.objectContaining({ orderNo: no, pacoOrderNo: first.body.pacoOrderNo, found: true, paymentStatus: 'PCPS', status: 'requires_action' })]);
    const all = await call(t.baseUrl, 'GET', '/v1/paco/transactions?limit=100', { token: otherKey });
    expect(all.body.data.map((x: { pacoOrderNo: string }) => x.pacoOrderNo)).toEqual([theirs.body.pacoOrderNo]);
  });

  it('hosted: refuses a return URL the merchant did not allow, and bad input, before anything is written', async () => {
    const no = orderNo();
    expect(expectProblem(await hosted(no, { returnUrl: 'https://evil.example/' }), 400, 'VALIDATION_FAILED').errors[0].field).toBe('returnUrl');
    expectProblem(await hosted(no, { amount: { value: 100, currency: 'XXX' } }), 400, 'VALIDATION_FAILED');
    expectProblem(await hosted('bad order no!'), 400, 'VALIDATION_FAILED');
    expectProblem(await get(no), 404, 'NOT_FOUND');
    expectProblem(await call(t.baseUrl, 'GET', '/v1/paco/payments/x%20y', { token: key }), 400, 'VALIDATION_FAILED');
  });

  it('nonUi: a declined card fails with PACO’s code, verified by notification and inquiry alike', async () => {
    const no = orderNo();
    const declined = await direct(no, DECLINE);
    expect(declined.status).toBe(200);
    expect(declined.body).toMatchObject({ status: 'failed', channel: 'direct', failure: { code: 'paco_PC-B053001' }, paco: { paymentStatus: 'F' } });
    await delivered(declined.body.pacoOrderNo);
    expect((await get(no)).body.status).toBe('failed');
    // The card never reaches Gatehouse's records or the emulator's journal beyond its last 4 digits.
    const stored = await t.app.get(PaymentsLedger).find({ id: declined.body.id });
    expect(JSON.stringify(stored)).not.toContain(DECLINE);
    expect((await control('GET', 'requests')).text).not.toContain(DECLINE);
  });

  it('nonUi: approved -> void (canceled); repeating the void is harmless; nothing after it', async () => {
    const no = orderNo();
    const approved = await direct(no, APPROVE);
    expect(approved.body).toMatchObject({ status: 'succeeded', captured: false, paco: { paymentStatus: 'A', responseCode: 'PC-B050000' } });
    const voided = await action(no, 'void');
    expect(voided.body).toMatchObject({ status: 'canceled', paco: { paymentStatus: 'V', paymentStep: 'VD' } });
    const voids = (await journal('void')).length;
    expect((await action(no, 'void')).body.status).toBe('canceled');
    expect((await journal('void')).length).toBe(voids);
    expectProblem(await action(no, 'settle'), 409, 'CONFLICT');
    expectProblem(await action(no, 'refund'), 409, 'CONFLICT');
    expect((await control('GET', 'orders')).body.data.find((o: { orderNo: string }) => o.orderNo === approved.body.pacoOrderNo).paymentStatus).toBe('V');
  });

  it('nonUi with 3-D Secure: requires_action with the challenge; completing it settles the payment by notification', async () => {
    const no = orderNo();
    const challenged = await direct(no, THREE_DS);
    expect(challenged.body).toMatchObject({ status: 'requires_action', nextAction: { type: 'redirect', redirectUrl: expect.stringContaining('/sandbox/paco/pay/') }, paco: { paymentStatus: 'I' } });
    const done = await send(challenged.body.nextAction.redirectUrl, form({ action: 'authenticate' }));
    expect(done.status).toBe(303);
    await delivered(challenged.body.pacoOrderNo);
    expect((await t.app.get(PaymentsLedger).find({ id: challenged.body.id }))!.status).toBe('succeeded');
  });

  it('a pending card stays pending until PACO decides; its notification then settles it', async () => {
    const no = orderNo();
    const waiting = await direct(no, '4000000000000259');
    expect(waiting.body).toMatchObject({ status: 'pending', paco: { paymentStatus: 'P', paymentStep: 'PR', responseCode: 'PC-B050001' } });
    expect((await get(no)).body.status).toBe('pending');
    expect((await control('POST', 'outcomes', { orderNo: waiting.body.pacoOrderNo, result: 'approve' })).body.appliedTo).toBe('order');
    await delivered(waiting.body.pacoOrderNo);
    expect((await t.app.get(PaymentsLedger).find({ id: waiting.body.id }))!.status).toBe('succeeded');
  });

  it('a lost answer leaves the payment pending with the reason; the retry asks PACO first and reuses the order number', async () => {
    const no = orderNo();
    await control('POST', 'fail-next', { operation: 'nonUi', drop: true });
    expectProblem(await direct(no, APPROVE), 502, 'PROVIDER_ERROR');
    const pending = await get(no);
    expect(pending.body).toMatchObject({ status: 'pending', lastError: expect.stringContaining('NETWORK') });
    const statusReads = (await journal('transactionStatus')).length;
    const retried = await direct(no, APPROVE);
    expect(retried.body).toMatchObject({ id: pending.body.id, status: 'succeeded', pacoOrderNo: pending.body.pacoOrderNo });
    expect((await journal('transactionStatus')).length).toBe(statusReads + 1);
    expect((await control('GET', 'orders')).body.data.filter((o: { orderNo: string }) => o.orderNo === pending.body.pacoOrderNo)).toHaveLength(1);
  });

  it('an answer with a response code Gatehouse does not know is not a failure: the order is read back', async () => {
    const no = orderNo();
    await control('POST', 'fail-next', { operation: 'nonUi', responseCode: 'PC-B059999' });
    const unclear = await direct(no, APPROVE);
    expect(unclear.body).toMatchObject({ status: 'pending', lastError: expect.stringContaining('PC-B059999') });
  });

  it('duplicate and late notifications change nothing', async () => {
    await control('POST', 'notifications', { mode: 'duplicate', times: 3 });
    try {
      const no = orderNo();
      const approved = await direct(no, APPROVE);
      await delivered(approved.body.pacoOrderNo, 3);
      const sent = (await journal('notification')).filter((e) => e.orderNo === approved.body.pacoOrderNo);
      expect(sent.map((e) => e.status)).toEqual([200, 200, 200]);
      await action(no, 'void');
      const before = (await get(no)).body;
      // A late "authorised" notification (sealed by PACO, for this order) after the void: no way back.
      const keys = t.app.get(PacoSandboxKeys, { strict: false });
      const { open } = await t.app.get(PacoKeyring).contexts();
      const ourPublic = loadRsaKey(toPem(createPublicKey(open.decryptionKey.keyObject)), 'encrypt');
      const late = await jose.sealResponse(
        { Data: { paymentResult: { orderNo: approved.body.pacoOrderNo, paymentStatusInfo: { PaymentStatus: 'A', PaymentStep: 'PA' }, transactionAmount: { AmountText: '000000001050', CurrencyCode: 'THB', DecimalPlaces: 2 } } }, Version: '1.0', ApiResponse: { ResponseCode: 'PC-B050000', ResponseToRequestMessageId: null } },
        createPacoSealContext({ signingKey: keys.emulatorKeys().pacoSign, encryptionKey: ourPublic }),
        { audience: PACO_SANDBOX_MERCHANT.token },
      );
      const reply = await call(t.baseUrl, 'POST', '/callbacks/paco', { body: late, headers: { 'content-type': 'application/jose' } });
      expect(reply.body).toEqual({ received: true, status: 'canceled' });
      expect((await get(no)).body).toMatchObject({ status: 'canceled', paco: before.paco });
    } finally {
      await control('POST', 'notifications', { mode: 'deliver' });
    }
  });

  describe('forged notifications are refused', () => {
    const notification = (pacoOrderNo: string) => ({ Data: { paymentResult: { orderNo: pacoOrderNo, paymentStatusInfo: { PaymentStatus: 'S', PaymentStep: 'ST' } } }, Version: '1.0', ApiResponse: { ResponseCode: 'PC-B050000' } });
    const post = (body: string, contentType = 'application/jose') => call(t.baseUrl, 'POST', '/callbacks/paco', { body, headers: { 'content-type': contentType } });

    it('garbage, plain JSON, a foreign signer, an expired or misaddressed token: 401/415, and the payment stays as it was', async () => {
      const no = orderNo();
      const pending = await hosted(no);
      const target = pending.body.pacoOrderNo as string;
      const { open } = await t.app.get(PacoKeyring).contexts();
      const ourPublic = loadRsaKey(toPem(createPublicKey(open.decryptionKey.keyObject)), 'encrypt');
      const pacoSign = t.app.get(PacoSandboxKeys, { strict: false }).emulatorKeys().pacoSign;
      const attacker = loadRsaKey(toPem(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey), 'sign');
      const seal = (signingKey = pacoSign, options: { audience?: string; issuer?: string; now?: number } = {}) =>
        jose.sealResponse(notification(target), createPacoSealContext({ signingKey, encryptionKey: ourPublic }), { audience: PACO_SANDBOX_MERCHANT.token, ...options });

      expectProblem(await post('a.b.c.d.e'), 401, 'INVALID_SIGNATURE');
      expectProblem(await post(''), 401, 'INVALID_SIGNATURE');
      expectProblem(await post(JSON.stringify(notification(target)), 'application/json'), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expectProblem(await post(await seal(attacker)), 401, 'INVALID_SIGNATURE');
      expectProblem(await post(await seal(pacoSign, { now: Math.floor(Date.now() / 1000) - 4000 })), 401, 'INVALID_SIGNATURE');
      expectProblem(await post(await seal(pacoSign, { audience: 'another-merchant-token' })), 401, 'INVALID_SIGNATURE');
      expectProblem(await post(await seal(pacoSign, { issuer: 'NotPaco' })), 401, 'INVALID_SIGNATURE');
      expect((await t.app.get(PaymentsLedger).find({ id: pending.body.id }))!.status).toBe('requires_action');
      // The genuine article for an order we do not know is a 404.
      expectProblem(await post(await jose.sealResponse(notification('GHNOSUCHORDER0000000'), createPacoSealContext({ signingKey: pacoSign, encryptionKey: ourPublic }), { audience: PACO_SANDBOX_MERCHANT.token })), 404, 'NOT_FOUND');
    });
  });

  describe('requests PACO must refuse (the emulator checks them in B.7 order; plain-JSON errors)', () => {
    const nonUiRequest = (no: string) => ({
      apiRequest: { requestMessageID: randomUUID(), requestDateTime: new Date().toISOString(), language: 'en-US' },
      officeId: PACO_SANDBOX_MERCHANT.officeId, orderNo: no, productDescription: 'x', paymentType: 'CC', paymentCategory: 'ECOM',
      transactionAmount: { amountText: '000000000100', currencyCode: 'THB', decimalPlaces: 2 },
      creditCardDetails: { cardNumber: APPROVE, cardExpiryMMYY: '1239', cvvCode: '123' },
    });
    const wire = (body: string, headers: Record<string, string> = { token: PACO_SANDBOX_MERCHANT.token }) =>
      send(`${t.baseUrl}/sandbox/paco/api/2.0/Payment/nonUi`, { method: 'POST', headers: { 'content-type': 'application/jose', ...headers }, body });
    const refused = (reply: { status: number; body: any }, status: number, description: string) => {
      expect({ status: reply.status, description: reply.body?.apiResponse?.responseDescription }).toEqual({ status, description });
    };

    it('missing or wrong token, wrong signer, wrong recipient key, expired, wrong audience, replayed message id', async () => {
      const { seal } = await t.app.get(PacoKeyring).contexts();
      const token = PACO_SANDBOX_MERCHANT.token;
      const good = await jose.sealRequest(nonUiRequest('NEG1'), seal, { token });
      refused(await wire(good, {}), 401, 'Access Denied');
      refused(await wire(good, { token: 'f'.repeat(32) }), 401, 'Access Denied');

      const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const wrongSigner = createPacoSealContext({ signingKey: loadRsaKey(toPem(stranger.privateKey), 'sign'), encryptionKey: seal.encryptionKey, kid: seal.kid });
      refused(await wire(await jose.sealRequest(nonUiRequest('NEG2'), wrongSigner, { token })), 401, 'Invalid JWS signature');
      const wrongRecipient = createPacoSealContext({ signingKey: seal.signingKey, encryptionKey: loadRsaKey(toPem(stranger.publicKey), 'encrypt'), kid: seal.kid });
      refused(await wire(await jose.sealRequest(nonUiRequest('NEG3'), wrongRecipient, { token })), 400, 'Invalid JWE');
      refused(await wire(await jose.sealRequest(nonUiRequest('NEG4'), seal, { token, now: Math.floor(Date.now() / 1000) - 400 })), 401, 'JWT expired');
      refused(await wire(await jose.sealRequest(nonUiRequest('NEG5'), seal, { token, audience: 'SomeoneElse' })), 401, 'Invalid JWT claims');

      const first = await wire(good);
      expect(first.status).toBe(200);
      refused(await wire(good), 400, 'Duplicate requestMessageID');
    });

    it("Gatehouse's client turns PACO's refusal into a 502 that names it, and never leaks the token", async () => {
      const contexts = await t.app.get(PacoKeyring).contexts();
      const config = { baseUrl: `${t.baseUrl}/sandbox/paco`, apiVersion: '2.0', officeId: PACO_SANDBOX_MERCHANT.officeId, token: 'wrong-token-0000000000', jose: true, critExp: false, callbackBaseUrl: t.baseUrl, timeoutMs: 5000, provision: false, enabled: true } as PacoConfig;
      const keyring = { contexts: async () => contexts, recover: async () => false } as unknown as PacoKeyring;
      const client = new PacoClient(config, jose, keyring);
      const error = await client.call('nonUi', nonUiRequest('NEG6')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PacoCallError);
      expect(error).toMatchObject({ kind: 'refused', httpStatus: 401, description: 'Access Denied' });
      const problem = (error as PacoCallError).toAppError();
      expect({ code: problem.code, status: problem.status }).toEqual({ code: 'PROVIDER_ERROR', status: 502 });
      expect(problem.message).toContain('Access Denied');
      expect(problem.message).not.toContain(config.token);
    });
  });
});

describe('2C2P PACO when an answer is lost after PACO acted (PACO_TIMEOUT_MS short, PACO slow)', () => {
  it('hosted: the timeout is a 504 and the payment stays pending; once PACO has the order, the inquiry finds it, but a page nobody saw is not offered', async () => {
    const t = await startTestApp({ PACO_TIMEOUT_MS: '1500' });
    try {
      const control = (method: string, path: string, json?: unknown) => call(t.baseUrl, method, `/sandbox/paco/__control/${path}`, { json });
      const { key } = await createMerchant(t.baseUrl, 'Slow shop', { scopes: ['payments', 'read'], allowedReturnUrls: [`${t.baseUrl}/sandbox/return`] });
      await t.app.get(PacoKeyring).contexts();
      await control('POST', 'fail-next', { operation: 'prePaymentUi', delayMs: 3000 });
      const body = { orderNo: 'slow-1', amount: { value: 1000, currency: 'THB' }, description: 'x', returnUrl: `${t.baseUrl}/sandbox/return` };
      expectProblem(await call(t.baseUrl, 'POST', '/v1/paco/payments', { token: key, json: body }), 504, 'PROVIDER_TIMEOUT');
      // PACO goes on with the request it received and makes the order.
      const end = Date.now() + 20_000;
      while (!(await control('GET', 'orders')).body.data.length) {
        if (Date.now() > end) throw new Error('the emulator never made the order');
        await new Promise((r) => setTimeout(r, 100));
      }
      const found = await call(t.baseUrl, 'GET', '/v1/paco/payments/slow-1', { token: key });
      expect(found.body).toMatchObject({ status: 'pending', paco: { paymentStatus: 'PCPS' }, lastError: expect.stringContaining('address was lost') });
      expect(found.body.nextAction).toBeUndefined();
      // The retry does not make a second PACO order.
      expect((await call(t.baseUrl, 'POST', '/v1/paco/payments', { token: key, json: body })).body.status).toBe('pending');
      expect((await control('GET', 'orders')).body.data).toHaveLength(1);
    } finally {
      await t.close();
    }
  }, 90_000);
});

describe('2C2P PACO with message encryption off (a non-PROD account whitelisted for plain JSON)', () => {
  it('registers for plain JSON and pays; production refuses PACO_JOSE=off at boot', async () => {
    const t = await startTestApp({ PACO_JOSE: 'off' });
    try {
      const { key } = await createMerchant(t.baseUrl, 'Plain shop', { scopes: ['payments', 'read'] });
      const paid = await call(t.baseUrl, 'POST', '/v1/paco/payments/direct', { token: key, json: { orderNo: 'plain-1', amount: { value: 500, currency: 'USD' }, description: 'x', card: card(APPROVE) } });
      expect(paid.body).toMatchObject({ status: 'succeeded', paco: { paymentStatus: 'A' } });
      expect((await call(t.baseUrl, 'GET', '/sandbox/paco/__control/merchants')).body.data[0].plainJson).toBe(true);
      // An unsigned notification is only a hint: the status is read from PACO.
      const settled = await call(t.baseUrl, 'POST', '/v1/paco/payments/plain-1/settle', { token: key, json: {} });
      const hint = { Data: { paymentResult: { orderNo: settled.body.pacoOrderNo, paymentStatusInfo: { PaymentStatus: 'R', PaymentStep: 'RF' } } }, ApiResponse: { ResponseCode: 'PC-B050000' } };
      expect((await call(t.baseUrl, 'POST', '/callbacks/paco', { json: hint })).body).toEqual({ received: true, status: 'succeeded' });
    } finally {
      await t.close();
    }
    await expect(
      startTestApp({ GATEHOUSE_MODE: 'production', TOKEN_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`, PACO_BASE_URL: 'https://core.demo-paco.2c2p.com', PACO_JOSE: 'off' }),
    ).rejects.toThrow(/PACO_JOSE[\s\S]*PACO_TOKEN|PACO_TOKEN[\s\S]*PACO_JOSE/);
  }, 90_000);
});
