import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { startEmulatorApp } from '../../../test/helpers/emulator-app.js';
import { send, sendJson, type WireReply as Reply } from '../../../test/helpers/wire.js';
import { loadRsaKey, toBareBase64Der, toPem } from '../../crypto/key-loader.js';
import { createPacoOpenContext, createPacoSealContext, PacoJoseService, type PacoOpenContext, type PacoSealContext, type SealRequestOptions } from '../../crypto/paco-jose.service.js';
import { PACO_SANDBOX_MERCHANT } from '../sandbox-accounts.js';
import { PacoSandboxKeys } from './paco-sandbox.keys.js';
import { PacoSandboxModule } from './paco-sandbox.module.js';

/**
 * The PACO emulator over real HTTP, driven by a merchant-side harness that seals with PacoJoseService.
 * The harness is onboarded like any merchant: its own key pairs, registered through the control API.
 */

const M = PACO_SANDBOX_MERCHANT;
// RSA-2048 keeps the harness quick; PACO's own keys are RSA-4096. The emulator accepts ≥ 2048.
const pair = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
const merchantSigning = pair();
const merchantEncryption = pair();
const registration = (extra: Record<string, unknown> = {}) => ({
  token: M.token,
  officeId: M.officeId,
  name: M.name,
  signingPublicKey: toPem(merchantSigning.publicKey),
  encryptionPublicKey: toBareBase64Der(merchantEncryption.publicKey),
  encryptionKeyId: M.merchantEncryptionKeyId,
  basic: M.basic,
  ...extra,
});
const sealFor = (signing: KeyObject, kid: string) => createPacoSealContext({ signingKey: loadRsaKey(toPem(signing), 'sign'), encryptionKey: loadRsaKey(toPem(keys.pacoEncryptionPublicKey), 'encrypt'), kid });
let app: NestExpressApplication;
let base: string;
let origin: string;
let keys: PacoSandboxKeys;
const jose = new PacoJoseService();
let seal: PacoSealContext;
let openCtx: PacoOpenContext;

interface Received {
  headers: IncomingHttpHeaders;
  text: string;
}
let receiver: Server;
let receiverUrl: string;
let received: Received[] = [];

beforeAll(async () => {
  ({ app, origin } = await startEmulatorApp(PacoSandboxModule)); // onModuleInit starts generating the RSA-4096 keys
  base = `${origin}/sandbox/paco`;
  keys = app.get(PacoSandboxKeys);
  await keys.ready();
  expect((await control('POST', 'merchants', registration())).status).toBe(200);
  seal = sealFor(merchantSigning.privateKey, keys.pacoKeyId);
  openCtx = createPacoOpenContext({
    direction: 'response',
    decryptionKey: loadRsaKey(toPem(merchantEncryption.privateKey), 'decrypt'),
    verificationKey: loadRsaKey(toPem(keys.pacoSigningPublicKey), 'verify'),
    audience: M.token,
  });
  receiver = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, text });
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/paco/notify`;
}, 60_000);

afterAll(async () => {
  await app?.close();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
});

beforeEach(async () => {
  expect((await control('POST', 'reset')).status).toBe(200);
  received = [];
});

// ---- harness ----

function control(method: string, path: string, json?: unknown): Promise<Reply> {
  return sendJson(`${base}/__control/${path}`, method, json);
}

const apiRequest = () => ({ requestMessageID: randomUUID(), requestDateTime: new Date().toISOString(), language: 'en-US' });
const amount = (text: string, currencyCode = 'THB') => ({ amountText: text, currencyCode, decimalPlaces: 2 });
const urls = () => ({ confirmationURL: 'https://shop.test/ok', failedURL: 'https://shop.test/failed', cancellationURL: 'https://shop.test/cancel', backendURL: receiverUrl });

function nonUiBody(orderNo: string, cardNumber = '4111111111111111', extra: Record<string, unknown> = {}) {
  return {
    apiRequest: apiRequest(), officeId: M.officeId, orderNo, productDescription: 'Ticket', paymentType: 'CC', paymentCategory: 'ECOM',
    transactionAmount: { ...amount('000000001050'), amount: 10.5 }, notificationURLs: urls(),
    creditCardDetails: { cardNumber, cardExpiryMMYY: '1239', cvvCode: '761', payerName: 'Test Payer' }, ...extra,
  };
}

async function sealed(request: unknown, options: Partial<SealRequestOptions> = {}, context = seal): Promise<string> {
  return jose.sealRequest(request, context, { token: M.token, ...options });
}

async function call(method: string, path: string, request: unknown, init: { headers?: Record<string, string>; token?: string; sealOptions?: Partial<SealRequestOptions>; context?: PacoSealContext } = {}): Promise<Reply> {
  const body = typeof request === 'string' ? request : await sealed(request, init.sealOptions, init.context);
  return send(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/jose; charset=utf-8', accept: 'application/jose', token: init.token ?? M.token, ...init.headers },
    body,
  });
}

async function opened(reply: Reply, now?: number): Promise<any> {
  expect(reply.status).toBe(200);
  expect(reply.headers.get('content-type')).toMatch(/^application\/jose/);
  const result = await jose.open(reply.text, openCtx, now === undefined ? {} : { now });
  return { ...(result.body as object), jweHeader: result.jweHeader, jwsHeader: result.jwsHeader };
}

const nonUi = (body: unknown) => call('POST', '/api/1.0/Payment/NonUi', body);
const action = (method: string, path: string, body: Record<string, unknown>) => call(method, path, { apiRequest: apiRequest(), officeId: M.officeId, ...body });

async function notifications(count: number, now?: number): Promise<any[]> {
  for (let i = 0; i < 100 && received.length < count; i++) await new Promise((r) => setTimeout(r, 20));
  expect(received).toHaveLength(count);
  return Promise.all(
    received.map(async (r) => {
      expect(r.headers['content-type']).toMatch(/^application\/jose/);
      return (await jose.open(r.text, openCtx, now === undefined ? {} : { now })).body;
    }),
  );
}

// ---- tests ----

describe('keys and merchants', () => {
  it('publishes PACO public keys and kid, never a private key', async () => {
    const reply = await control('GET', 'keys');
    expect(reply.status).toBe(200);
    expect(reply.body.kid).toMatch(/^[0-9a-f]{32}$/);
    expect(reply.body.bits).toBe(4096);
    expect(reply.body.signing.pem).toContain('BEGIN PUBLIC KEY');
    expect(reply.body.encryption.base64Der).toMatch(/^MIICIjANBgkqhkiG9w0BAQEFAAOCAg8A/);
    expect(reply.text).not.toContain('PRIVATE');
    expect(keys.generationMs).toBeGreaterThan(0);
  });

  it('registers merchants with their public keys; shows no token, password or key; refuses bad keys and taken offices', async () => {
    const again = await control('POST', 'merchants', registration());
    expect(again.body).toMatchObject({ tokenLast4: M.token.slice(-4), officeId: M.officeId, encryptionKeyId: M.merchantEncryptionKeyId, basic: true, plainJson: false, replaced: true });
    const list = await control('GET', 'merchants');
    expect(list.body.data).toEqual([expect.objectContaining({ officeId: M.officeId, signingKeyFingerprint: expect.stringMatching(/^sha256:/) })]);
    for (const text of [again.text, list.text]) {
      expect(text).not.toContain(M.token);
      expect(text).not.toContain(M.basic.password);
      expect(text).not.toContain('BEGIN');
    }
    const taken = await control('POST', 'merchants', registration({ token: 'b'.repeat(32) }));
    expect({ status: taken.status, code: taken.body.code }).toEqual({ status: 409, code: 'CONFLICT' });
    const privateKey = await control('POST', 'merchants', registration({ token: 'c'.repeat(32), officeId: 'OTHER', signingPublicKey: toPem(merchantSigning.privateKey) }));
    expect({ status: privateKey.status, field: privateKey.body.errors?.[0]?.field }).toEqual({ status: 400, field: 'signingPublicKey' });
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    expect((await control('POST', 'merchants', registration({ token: 'c'.repeat(32), officeId: 'OTHER', encryptionPublicKey: toPem(small) }))).status).toBe(400);
    const sameKey = registration({ token: 'c'.repeat(32), officeId: 'OTHER', encryptionPublicKey: toPem(merchantSigning.publicKey) });
    expect((await control('POST', 'merchants', sameKey)).status).toBe(400);
    expect((await control('POST', 'merchants', { ...registration(), token: 'short' })).status).toBe(400);
  });

  it('a second merchant pays with its own keys and never sees the first one’s orders', async () => {
    await opened(await nonUi(nonUiBody('ORD-M1')));
    const other = { token: 'd'.repeat(32), officeId: 'SHOP2' };
    const signing = pair();
    const encryption = pair();
    const registered = await control('POST', 'merchants', { ...other, signingPublicKey: toBareBase64Der(signing.publicKey), encryptionPublicKey: toPem(encryption.publicKey) });
    expect(registered.body.encryptionKeyId).toMatch(/^[0-9a-f]{32}$/);
    const otherSeal = sealFor(signing.privateKey, keys.pacoKeyId);
    const otherOpen = createPacoOpenContext({ direction: 'response', decryptionKey: loadRsaKey(toPem(encryption.privateKey), 'decrypt'), verificationKey: loadRsaKey(toPem(keys.pacoSigningPublicKey), 'verify'), audience: other.token });
    const as2 = (path: string, body: Record<string, unknown>, method = 'POST') => call(method, path, { apiRequest: apiRequest(), officeId: other.officeId, ...body }, { token: other.token, context: otherSeal, sealOptions: { token: other.token } });

    const status = await send(`${base}/api/2.0/Inquiry/transactionStatus?orderNo=ORD-M1`, { headers: { token: other.token } });
    expect(status.body).toMatchObject({ Data: [], ApiResponse: { ResponseCode: 'PC-B052101' } });
    const voidOther = await as2('/api/2.0/void', { orderNo: 'ORD-M1' });
    const voidAnswer = await jose.open(voidOther.text, otherOpen);
    expect((voidAnswer.body as any).ApiResponse.ResponseCode).toBe('PC-B052101');
    const foreignOffice = await call('POST', '/api/2.0/void', { apiRequest: apiRequest(), officeId: M.officeId, orderNo: 'ORD-M1' }, { token: other.token, context: otherSeal, sealOptions: { token: other.token } });
    expect(((await jose.open(foreignOffice.text, otherOpen)).body as any).ApiResponse).toMatchObject({ ResponseCode: 'PC-B052001', ResponseDescription: expect.stringContaining('officeId') });
    // Its own payment is sealed to its own key, with its own kid.
    const paid = await jose.open((await as2('/api/2.0/Payment/nonUi', { ...nonUiBody('ORD-M2'), officeId: other.officeId, notificationURLs: undefined })).text, otherOpen);
    expect(paid.jweHeader.kid).toBe(registered.body.encryptionKeyId);
    expect((paid.body as any).ApiResponse.ResponseCode).toBe('PC-B050000');
    // The first merchant's key cannot open it; and a request of merchant 1 signed with merchant 2's key is refused.
    await expect(jose.open((await as2('/api/2.0/Payment/nonUi', { ...nonUiBody('ORD-M3'), officeId: other.officeId, notificationURLs: undefined })).text, openCtx)).rejects.toMatchObject({ code: 'INVALID_SIGNATURE' });
    const crossSigned = await call('POST', '/api/2.0/Payment/nonUi', nonUiBody('ORD-M4'), { context: otherSeal });
    expect({ status: crossSigned.status, description: crossSigned.body.apiResponse.responseDescription }).toEqual({ status: 401, description: 'Invalid JWS signature' });
    await notifications(1); // only the first merchant's payment named a backend URL
  });

  it('a merchant registered for plain JSON sends and receives bare JSON; replays are still refused', async () => {
    const plain = { token: 'e'.repeat(32), officeId: 'PLAIN1' };
    expect((await control('POST', 'merchants', { ...plain, signingPublicKey: toPem(pair().publicKey), encryptionPublicKey: toPem(pair().publicKey), plainJson: true })).status).toBe(200);
    const body = { ...nonUiBody('ORD-PJ'), officeId: plain.officeId, notificationURLs: undefined };
    const post = () => send(`${base}/api/2.0/Payment/nonUi`, { method: 'POST', headers: { 'content-type': 'application/json', token: plain.token }, body: JSON.stringify(body) });
    const first = await post();
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^application\/json/);
    expect(first.body.ApiResponse.ResponseCode).toBe('PC-B050000');
    const replay = await post();
    expect({ status: replay.status, description: replay.body.apiResponse.responseDescription }).toEqual({ status: 400, description: 'Duplicate requestMessageID' });
    // The JOSE merchant still may not send plain JSON.
    expect((await send(`${base}/api/2.0/Payment/nonUi`, { method: 'POST', headers: { 'content-type': 'application/json', token: M.token }, body: JSON.stringify(nonUiBody('ORD-PJ2')) })).status).toBe(415);
  });
});

describe('nonUi + transactionStatus + notification', () => {
  it('approves, echoes the request id, seals PACO-style and notifies the backend URL', async () => {
    const body = nonUiBody('ORD-1');
    const res = await opened(await nonUi(body));
    expect(res.jweHeader).toEqual({ alg: 'RSA-OAEP', enc: 'A128CBC-HS256', kid: M.merchantEncryptionKeyId, typ: 'JWT' });
    expect(res.jwsHeader).toEqual({ alg: 'PS256', typ: 'JWT' });
    expect(res.Version).toBe('1.0');
    expect(res.ApiResponse).toMatchObject({ ResponseCode: 'PC-B050000', ResponseToRequestMessageId: body.apiRequest.requestMessageID });
    const result = res.Data.paymentResult;
    expect(result.paymentStatusInfo).toMatchObject({ PaymentStatus: 'A', PaymentStep: 'PA' });
    expect(result.transactionAmount).toEqual({ AmountText: '000000001050', CurrencyCode: 'THB', DecimalPlaces: 2, Amount: 10.5 });
    expect(result.controllerInternalID).toMatch(/^[0-9a-f]{32}$/);
    expect(result.creditCardDetails.cardNumber).toBe('XXXXXXXXXXXX1111');

    const [note] = await notifications(1);
    expect(note.Data.paymentResult).toMatchObject({ orderNo: 'ORD-1', paymentStatusInfo: { PaymentStatus: 'A' } });
    expect(note.ApiResponse.ResponseCode).toBe('PC-B050000');

    const status = await send(`${base}/api/2.0/Inquiry/transactionStatus?orderNo=ORD-1`, { headers: { apiKey: M.token } });
    expect(status.status).toBe(200);
    expect(status.headers.get('content-type')).toMatch(/^application\/json/);
    expect(status.body.Data).toHaveLength(1);
    expect(status.body.Data[0].paymentStatusInfo.PaymentStatus).toBe('A');
    const missing = await send(`${base}/api/2.0/Inquiry/transactionStatus?orderNo=NOPE`, { headers: { token: M.token } });
    expect(missing.body).toMatchObject({ Data: [], ApiResponse: { ResponseCode: 'PC-B052101' } });
    expect((await send(`${base}/api/2.0/Inquiry/transactionStatus?orderNo=ORD-1`)).status).toBe(401);
  });

  it('declines, refuses a duplicate orderNo, validates the card and the amount', async () => {
    const declined = await opened(await nonUi(nonUiBody('ORD-2', '4000000000000002')));
    expect(declined.ApiResponse.ResponseCode).toBe('PC-B053001');
    expect(declined.Data.paymentResult.paymentStatusInfo.PaymentStatus).toBe('F');
    const dup = await opened(await nonUi(nonUiBody('ORD-2')));
    expect(dup.ApiResponse.ResponseCode).toBe('PC-B052002');
    expect((await opened(await nonUi(nonUiBody('ORD-3', '4111111111111112')))).ApiResponse.ResponseCode).toBe('PC-B052001');
    const badAmount = await opened(await nonUi(nonUiBody('ORD-4', undefined, { transactionAmount: { amountText: '10.50', currencyCode: 'THB', decimalPlaces: 2 } })));
    expect(badAmount.ApiResponse).toMatchObject({ ResponseCode: 'PC-B052001', ResponseDescription: expect.stringContaining('amountText') });
    const mismatch = await opened(await nonUi(nonUiBody('ORD-5', undefined, { transactionAmount: { AmountText: '000000001050', CurrencyCode: 'THB', DecimalPlaces: 2, Amount: 10.51 } })));
    expect(mismatch.ApiResponse.ResponseDescription).toContain('does not match');
    await notifications(1); // only the declined payment reached a final state
  });

  it('a pending card stays P/PR, then times out to F with a notification on time/advance', async () => {
    const res = await opened(await nonUi(nonUiBody('ORD-P', '4000000000000259')));
    expect(res.ApiResponse.ResponseCode).toBe('PC-B050001');
    expect(res.Data.paymentIncompleteResult.paymentStatusInfo).toMatchObject({ PaymentStatus: 'P', PaymentStep: 'PR' });
    expect(received).toHaveLength(0);
    const advanced = await control('POST', 'time/advance', { seconds: 120 });
    expect(advanced.body.timedOut).toBe(1);
    const [note] = await notifications(1, Math.floor(Date.now() / 1000) + 120);
    expect(note.ApiResponse.ResponseCode).toBe('PC-B053002');
    expect(note.Data.paymentResult.paymentStatusInfo.PaymentStatus).toBe('F');
  });

  it('time/advance moves business time only: JWT times and replay memory follow the wall clock', async () => {
    await control('POST', 'time/advance', { seconds: 3 * 3600 });
    const body = nonUiBody('ORD-T');
    const res = await opened(await nonUi(body)); // opened at the real time: iat is not 3 h ahead
    expect(res.ApiResponse.ResponseCode).toBe('PC-B050000');
    expect(Date.parse(res.ApiResponse.ResponseDateTime) - Date.now()).toBeGreaterThan(3 * 3600 * 1000 - 60_000);
    expect((await nonUi(body)).body.apiResponse.responseDescription).toBe('Duplicate requestMessageID');
    await notifications(1);
  });

  it('forced outcomes: by card (armed) and on an existing pending order', async () => {
    expect((await control('POST', 'outcomes', { cardNumber: '4111111111111111', result: 'decline' })).body.appliedTo).toBe('armed');
    expect((await opened(await nonUi(nonUiBody('ORD-F1')))).ApiResponse.ResponseCode).toBe('PC-B053001');
    await opened(await nonUi(nonUiBody('ORD-F2', '4000000000000259')));
    expect((await control('POST', 'outcomes', { orderNo: 'ORD-F2', result: 'approve' })).body.appliedTo).toBe('order');
    const notes = await notifications(2);
    expect(notes[1].Data.paymentResult.paymentStatusInfo.PaymentStatus).toBe('A');
    expect((await control('POST', 'outcomes', { orderNo: 'ORD-F2', result: 'decline' })).status).toBe(409);
    expect((await control('POST', 'outcomes', { result: 'maybe' })).headers.get('content-type')).toMatch(/problem\+json/);
  });
});

describe('state machine: void, settlement, refund', () => {
  it('voids only before settlement, refunds only after, partial refunds up to the settled amount', async () => {
    await opened(await nonUi(nonUiBody('ORD-S')));
    const early = await opened(await action('POST', '/api/1.0/Refund/refund', { orderNo: 'ORD-S', refundAmount: { AmountText: '000000000100', CurrencyCode: 'THB', DecimalPlaces: 2 } }));
    expect(early.ApiResponse.ResponseCode).toBe('PC-B052102');
    const tooMuch = await opened(await action('PUT', '/api/2.0/settlement', { orderNo: 'ORD-S', settlementAmount: amount('000000001051') }));
    expect(tooMuch.ApiResponse.ResponseCode).toBe('PC-B052103');
    const settled = await opened(await action('PUT', '/api/1.0/Settlement', { orderNo: 'ORD-S', settlementAmount: amount('000000001000') }));
    expect(settled.ApiResponse.ResponseCode).toBe('PC-B050000');
    expect(settled.Data.paymentStatusInfo).toMatchObject({ PaymentStatus: 'S', PaymentStep: 'ST' });
    expect((await opened(await action('POST', '/api/2.0/void', { orderNo: 'ORD-S' }))).ApiResponse.ResponseCode).toBe('PC-B052102');
    const usd = await opened(await action('POST', '/api/2.0/Refund/refund', { orderNo: 'ORD-S', refundAmount: amount('000000000100', 'USD') }));
    expect(usd.ApiResponse.ResponseCode).toBe('PC-B052104');
    const r1 = await opened(await action('POST', '/api/2.0/Refund/refund', { orderNo: 'ORD-S', refundAmount: amount('000000000600') }));
    expect(r1.Data.paymentStatusInfo).toMatchObject({ PaymentStatus: 'R', PaymentStep: 'RF' });
    expect((await opened(await action('POST', '/api/2.0/Refund/refund', { orderNo: 'ORD-S', refundAmount: amount('000000000401') }))).ApiResponse.ResponseCode).toBe('PC-B052103');
    const r2 = await opened(await action('POST', '/api/2.0/Refund/refund', { orderNo: 'ORD-S', refundAmount: amount('000000000400') }));
    expect(r2.Data.refundAmount.AmountText).toBe('000000001000');
    expect((await opened(await action('POST', '/api/2.0/Refund/refund', { orderNo: 'ORD-S', refundAmount: amount('000000000001') }))).ApiResponse.ResponseCode).toBe('PC-B052103');

    await opened(await nonUi(nonUiBody('ORD-V')));
    const voided = await opened(await action('POST', '/api/1.0/Void', { orderNo: 'ORD-V', voidAmount: amount('000000001050') }));
    expect(voided.Data.paymentStatusInfo).toMatchObject({ PaymentStatus: 'V', PaymentStep: 'VD' });
    expect((await opened(await action('PUT', '/api/2.0/settlement', { orderNo: 'ORD-V' }))).ApiResponse.ResponseCode).toBe('PC-B052102');
    expect((await opened(await action('POST', '/api/2.0/void', { orderNo: 'NOPE' }))).ApiResponse.ResponseCode).toBe('PC-B052101');

    const list = await opened(await call('POST', '/api/1.0/Inquiry/transactionList', { apiRequest: apiRequest(), advSearchParams: { controllerInternalID: null, officeId: [M.officeId], orderNo: ['ORD-V'], fromDate: '0001-01-01T00:00:00', toDate: '0001-01-01T00:00:00', amountFrom: null, amountTo: null } }));
    expect(list.Data.map((o: any) => o.orderNo)).toEqual(['ORD-V']);
    const orders = await control('GET', 'orders');
    expect(orders.body.data.find((o: any) => o.orderNo === 'ORD-S')).toMatchObject({ settledAmountText: '000000001000', refundedAmountText: '000000001000', paymentStatus: 'R' });
  });
});

describe('hosted page and 3-D Secure', () => {
  it('prePaymentUi returns a page URL; posting the card form pays, redirects and notifies', async () => {
    const res = await opened(await call('POST', '/api/2.0/payment/prePaymentUI', { ...nonUiBody('ORD-H'), creditCardDetails: undefined }));
    expect(res.ApiResponse.ResponseCode).toBe('PC-B050001');
    expect(res.Data.paymentIncompleteResult.paymentStatusInfo).toMatchObject({ PaymentStatus: 'PCPS', PaymentStep: 'GP' });
    const pageUrl = new URL(res.Data.paymentPage.paymentPageURL);
    expect(pageUrl.origin).toBe('http://gatehouse.test');
    const local = `${origin}${pageUrl.pathname}${pageUrl.search}`;
    const page = await send(local);
    expect(page.status).toBe(200);
    expect(page.text).toContain('4000000000003220');
    // No script, the style by nonce; no form-action, or a browser aborts the redirect chain to the shop's origin.
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toMatch(/default-src 'none'; style-src 'nonce-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain('form-action');
    expect(page.text).toMatch(/<style nonce="[A-Za-z0-9+/=]+">/);
    const bad = await send(local, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'cardNumber=1234&cardExpiryMMYY=1239&cvvCode=123&action=pay' });
    expect(bad.status).toBe(400);
    const paid = await send(local, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'cardNumber=4111111111111111&cardExpiryMMYY=1239&cvvCode=123&action=pay' });
    expect(paid.status).toBe(303);
    const back = new URL(paid.headers.get('location')!);
    expect(back.origin + back.pathname).toBe('https://shop.test/ok');
    expect(back.searchParams.get('orderNo')).toBe('ORD-H');
    expect(back.searchParams.get('controllerInternalId')).toMatch(/^[0-9a-f]{32}$/);
    const [note] = await notifications(1);
    expect(note.Data.paymentResult.paymentStatusInfo.PaymentStatus).toBe('A');
    expect((await send(local)).status).toBe(409);
  });

  it('nonUi with the 3DS card is I/AC with an ACS URL; the challenge page completes it', async () => {
    const res = await opened(await nonUi(nonUiBody('ORD-3DS', '4000000000003220')));
    expect(res.ApiResponse.ResponseCode).toBe('PC-B050002');
    const result = res.Data.paymentIncompleteResult;
    expect(result.paymentStatusInfo).toMatchObject({ PaymentStatus: 'I', PaymentStep: 'AC' });
    const acs = new URL(result.aresACSChallenge.acsURL);
    const local = `${origin}${acs.pathname}`;
    expect((await send(local)).text).toContain('3-D Secure');
    expect(received).toHaveLength(0);
    const done = await send(local, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'action=authenticate' });
    expect(done.status).toBe(303);
    const [note] = await notifications(1);
    expect(note.Data.paymentResult.paymentStatusInfo.PaymentStatus).toBe('A');
  });

  it('cancel on the hosted page goes to the cancellation URL', async () => {
    const res = await opened(await call('POST', '/api/1.0/Payment/prePaymentUi', { ...nonUiBody('ORD-C'), creditCardDetails: undefined }));
    const pageUrl = new URL(res.Data.paymentPage.paymentPageURL);
    const cancelled = await send(`${origin}${pageUrl.pathname}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'action=cancel' });
    expect(new URL(cancelled.headers.get('location')!).pathname).toBe('/cancel');
    const [note] = await notifications(1);
    expect(note.ApiResponse.ResponseCode).toBe('PC-B053003');
  });
});

describe('B.7 rejections (plain JSON)', () => {
  const expectPlain = (reply: Reply, status: number, description: string) => {
    expect(reply.status).toBe(status);
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
    expect(reply.body.apiResponse.responseDescription).toContain(description);
    expect(reply.body.apiResponse.responseCode).toMatch(/^PC-B05/);
  };

  it('refuses a missing or wrong token and wrong Basic credentials: Access Denied', async () => {
    expectPlain(await call('POST', '/api/1.0/Payment/NonUi', nonUiBody('X1'), { token: 'wrong' }), 401, 'Access Denied');
    expectPlain(await send(`${base}/api/1.0/Payment/NonUi`, { method: 'POST', headers: { 'content-type': 'application/jose' }, body: 'x' }), 401, 'Access Denied');
    const wrongBasic = { authorization: `Basic ${Buffer.from('gatehouse-sbx:nope').toString('base64')}` };
    expectPlain(await call('POST', '/api/1.0/Payment/NonUi', nonUiBody('X1'), { headers: wrongBasic }), 401, 'Access Denied');
    const rightBasic = { authorization: `Basic ${Buffer.from(`${M.basic.username}:${M.basic.password}`).toString('base64')}`, token: '', companyapikey: M.token };
    expect((await opened(await call('POST', '/api/1.0/Payment/NonUi', nonUiBody('X1'), { headers: rightBasic }))).ApiResponse.ResponseCode).toBe('PC-B050000');
  });

  it('refuses plain JSON, a bad JWE, a wrong kid and a wrong JWE alg', async () => {
    expectPlain(await send(`${base}/api/1.0/Payment/NonUi`, { method: 'POST', headers: { 'content-type': 'application/json', token: M.token }, body: JSON.stringify(nonUiBody('X2')) }), 415, 'encryption');
    expectPlain(await call('POST', '/api/1.0/Payment/NonUi', 'a.b.c.d.e'), 400, 'Invalid JWE');
    const token = await sealed(nonUiBody('X2'));
    expectPlain(await call('POST', '/api/1.0/Payment/NonUi', token.slice(0, -4) + 'AAAA'), 400, 'Invalid JWE');
    const wrongKid = createPacoSealContext({ signingKey: seal.signingKey, encryptionKey: seal.encryptionKey, kid: '0'.repeat(32) });
    expectPlain(await call('POST', '/api/1.0/Payment/NonUi', nonUiBody('X2'), { context: wrongKid }), 400, 'Invalid JWE');
    const wrongAlg = createPacoSealContext({ signingKey: seal.signingKey, encryptionKey: seal.encryptionKey, kid: keys.pacoKeyId, keyManagementAlgorithm: 'RSA-OAEP-256' });
    expectPlain(await call('POST', '/api/1.0/Payment/NonUi', nonUiBody('X2'), { context: wrongAlg }), 400, 'Invalid JWE');
    // The right kid, but encrypted to another key: it does not decrypt.
    const wrongRecipient = createPacoSealContext({ signingKey: seal.signingKey, encryptionKey: loadRsaKey(toPem(merchantEncryption.publicKey), 'encrypt'), kid: keys.pacoKeyId });
    expectPlain(await call('POST', '/api/1.0/Payment/NonUi', nonUiBody('X2'), { context: wrongRecipient }), 400, 'Invalid JWE');
  });

  it('refuses a JWS by another key, expired tokens, wrong aud or iss, and a replayed requestMessageID', async () => {
    const otherSigner = sealFor(merchantEncryption.privateKey, keys.pacoKeyId);
    expectPlain(await call('POST', '/api/1.0/Payment/NonUi', nonUiBody('X3'), { context: otherSigner }), 401, 'Invalid JWS');
    const now = Math.floor(Date.now() / 1000);
    expectPlain(await call('POST', '/api/1.0/Payment/NonUi', nonUiBody('X3'), { sealOptions: { now: now - 400 } }), 401, 'JWT expired');
    expectPlain(await call('POST', '/api/1.0/Payment/NonUi', nonUiBody('X3'), { sealOptions: { audience: 'SomeoneElse' } }), 401, 'Invalid JWT claims');
    expectPlain(await call('POST', '/api/1.0/Payment/NonUi', nonUiBody('X3'), { sealOptions: { token: 'f'.repeat(32) } }), 401, 'Invalid JWT claims');
    const token = await sealed(nonUiBody('X3'));
    expect((await opened(await call('POST', '/api/1.0/Payment/NonUi', token))).ApiResponse.ResponseCode).toBe('PC-B050000');
    expectPlain(await call('POST', '/api/1.0/Payment/NonUi', token), 400, 'Duplicate requestMessageID');
    // a new envelope reusing the requestMessageID is a replay too
    const body = nonUiBody('X4');
    await opened(await nonUi(body));
    expectPlain(await nonUi({ ...body, orderNo: 'X5' }), 400, 'Duplicate requestMessageID');
  });

  it('routes case-insensitively on both versions; unknown paths 404, wrong methods 405', async () => {
    expect((await opened(await call('POST', '/API/2.0/PAYMENT/nonui', nonUiBody('R1')))).ApiResponse.ResponseCode).toBe('PC-B050000');
    expectPlain(await call('POST', '/api/3.0/Payment/NonUi', nonUiBody('R2')), 404, 'not found');
    expectPlain(await send(`${base}/api/1.0/Payment/NonUi`, { headers: { token: M.token } }), 405, 'Method not allowed');
    expect((await control('GET', 'nope')).headers.get('content-type')).toMatch(/problem\+json/);
  });
});

describe('control hooks and journal', () => {
  it('fail-next: HTTP status, response code only, drop', async () => {
    await control('POST', 'fail-next', { operation: 'nonUi', httpStatus: 503 });
    expectPlainStatus(await nonUi(nonUiBody('F1')), 503);
    expect((await opened(await nonUi(nonUiBody('F1')))).ApiResponse.ResponseCode).toBe('PC-B050000');
    await control('POST', 'fail-next', { operation: 'refund', responseCode: 'PC-B059999' });
    expect((await opened(await action('POST', '/api/2.0/Refund/refund', { orderNo: 'F1', refundAmount: amount('000000000001') }))).ApiResponse.ResponseCode).toBe('PC-B059999');
    await control('POST', 'fail-next', { operation: 'void', drop: true });
    await expect(action('POST', '/api/2.0/void', { orderNo: 'F1' })).rejects.toThrow();
    expect((await control('POST', 'fail-next', { operation: 'void' })).status).toBe(400);
  });

  it('notifications: drop, duplicate, delay', async () => {
    await control('POST', 'notifications', { mode: 'drop' });
    await opened(await nonUi(nonUiBody('N1')));
    await control('POST', 'notifications', { mode: 'duplicate', times: 3 });
    await opened(await nonUi(nonUiBody('N2')));
    const copies = await notifications(3);
    expect(copies.every((n) => n.Data.paymentResult.orderNo === 'N2')).toBe(true);
    received = [];
    await control('POST', 'notifications', { mode: 'delay', delayMs: 300 });
    const started = Date.now();
    await opened(await nonUi(nonUiBody('N3')));
    await notifications(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    const journal = await control('GET', 'requests?operation=notification');
    expect(journal.body.data.map((e: any) => [e.orderNo, e.outcome ?? 'sent'])).toEqual([['N1', 'skipped'], ['N2', 'sent'], ['N2', 'sent'], ['N2', 'sent'], ['N3', 'sent']]);
  });

  it('the journal holds no secrets: no token, no JWE body, no card number beyond the last 4', async () => {
    await opened(await nonUi(nonUiBody('J1', '5555555555554444')));
    await send(`${base}/api/2.0/Inquiry/transactionStatus?orderNo=J1`, { headers: { token: M.token } });
    const journal = await control('GET', 'requests');
    const text = journal.text;
    expect(journal.body.data.find((e: any) => e.operation === 'nonUi')).toMatchObject({ status: 200, responseCode: 'PC-B050000', orderNo: 'J1', cardLast4: '4444' });
    expect(text).not.toContain(M.token);
    expect(text).not.toContain('5555555555554444');
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}/);
    expect(text).not.toContain(M.basic.password);
  });
});

function expectPlainStatus(reply: Reply, status: number): void {
  expect(reply.status).toBe(status);
  expect(reply.body.apiResponse.responseCode).toBe('PC-B054001');
}
