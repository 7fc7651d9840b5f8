import { Injectable } from '@nestjs/common';
import { randomInt, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { AppConfig } from '../../config/app-config.js';
import { PACO_SANDBOX_PATH } from '../sandbox-accounts.js';
import { sendSandboxPage } from '../sandbox-page.js';
import {
  PACO_ACCEPT_PLAIN_JSON,
  PACO_API_VERSIONS,
  PACO_CODES,
  PACO_OFFICE_ID_MAX,
  PACO_ORDER_NO_MAX,
  PACO_PARTIAL_SETTLEMENT,
  PACO_PAYMENT_PAGE_TTL_SECONDS,
  PACO_PLAIN_REPLAY_SECONDS,
  PACO_PENDING_TIMEOUT_SECONDS,
  PACO_REFUND_ONCE_PER_ORDER,
  PACO_REQUIRE_BASIC_AUTH,
  PACO_ROUTES,
  type PacoCodeName,
  type PacoOperation,
  type PacoResult,
  type PacoState,
} from './paco-sandbox.constants.js';
import { PacoSandboxJose } from './paco-sandbox.jose.js';
import { PacoSandboxMerchants, type PacoSandboxMerchant } from './paco-sandbox.merchants.js';
import { decimalToMinor, readAmount } from './paco-sandbox.money.js';
import { PacoSandboxNotifier } from './paco-sandbox.notifier.js';
import { renderCardForm, renderChallenge, renderMessage } from './paco-sandbox.page.js';
import { allows, cardResult, checkCard, get, getString, isPaymentFinal, last4 } from './paco-sandbox.rules.js';
import { PacoSandboxStore, type NotificationUrls, type PacoOrder } from './paco-sandbox.store.js';
import { apiResponse, envelope, iso, journalNote, orderView, plainError, resultMember, sleep } from './paco-sandbox.wire.js';

/** What a business handler answers: a response code and the `Data` of the sealed envelope. */
interface Outcome {
  code: PacoCodeName | { code: string; description: string };
  data: unknown;
  detail?: string;
}

const fail = (code: PacoCodeName, detail?: string): Outcome => ({ code, data: null, detail });

/** Where a payment outcome leaves an order, and the code it reports. */
const RESULT_STATE: Record<PacoResult, { state: PacoState; code: PacoCodeName }> = {
  approve: { state: 'authorized', code: 'SUCCESS' },
  decline: { state: 'failed', code: 'DECLINED' },
  '3ds': { state: 'challenge', code: 'AUTH_REQUIRED' },
  pending: { state: 'pending', code: 'PENDING' },
};

/**
 * PACO's wire behaviour, in B.7's order: route (case-insensitive, /api/1.0 and /api/2.0), token
 * (and Basic) → "Access Denied"; JOSE open (JWE header, decrypt, JWS, claims, replay) → plain-JSON
 * errors; business rules → a sealed envelope with a response code; transactionStatus in plain JSON.
 */
@Injectable()
export class PacoSandboxApiService {
  constructor(
    private readonly store: PacoSandboxStore,
    private readonly jose: PacoSandboxJose,
    private readonly notifier: PacoSandboxNotifier,
    private readonly merchants: PacoSandboxMerchants,
    private readonly config: AppConfig,
  ) {}

  async serve(req: Request, res: Response, path: string): Promise<void> {
    const started = performance.now();
    const note = journalNote(res);
    const page = /^\/pay\/([0-9a-f]{32})\/?$/i.exec(path);
    if (page) return this.servePage(req, res, page[1]!.toLowerCase());

    // 1. Route by method and path, case-insensitively.
    const match = /^\/api\/([^/]+)\/(.+?)\/?$/i.exec(path);
    const candidates = match && (PACO_API_VERSIONS as readonly string[]).includes(match[1]!) ? PACO_ROUTES.filter((r) => r.path === match[2]!.toLowerCase()) : [];
    const route = candidates.find((r) => r.method === req.method);
    if (!route) {
      note.operation = 'unknown';
      return this.sendPlain(res, note, plainError(candidates.length > 0 ? 'METHOD_NOT_ALLOWED' : 'NOT_FOUND'));
    }
    const operation = route.operation;
    note.operation = operation;

    const hook = this.store.takeFailure(operation);
    if (hook?.delayMs) await sleep(hook.delayMs);
    if (hook?.drop) {
      res.socket?.destroy();
      return;
    }
    if (hook?.httpStatus) {
      const body = { apiResponse: { responseCode: hook.responseCode ?? PACO_CODES.INJECTED.code, responseDescription: PACO_CODES.INJECTED.description } };
      return this.sendPlain(res, note, { status: hook.httpStatus, body });
    }

    // 1b. The merchant's token (and Basic credentials when sent or required).
    const merchant = this.authenticate(req);
    if (!merchant) return this.sendPlain(res, note, plainError('ACCESS_DENIED'));

    // 5. transactionStatus is always plain JSON.
    if (operation === 'transactionStatus') return this.transactionStatus(req, res, started, merchant);

    // 2. The JOSE envelope (or plain JSON, for a merchant registered without JOSE).
    const isJose = /^application\/jose\b/i.test(req.headers['content-type'] ?? '');
    const plain = !isJose && (PACO_ACCEPT_PLAIN_JSON || merchant.plainJson) && /^application\/json\b/i.test(req.headers['content-type'] ?? '');
    if (!isJose && !plain) return this.sendPlain(res, note, plainError('JOSE_REQUIRED'));
    let request: unknown;
    if (plain) {
      if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) return this.sendPlain(res, note, plainError('MALFORMED', 'the body must be a JSON object'));
      request = req.body;
      const id = getString(get(request, 'apiRequest'), 'requestMessageID');
      // The same replay rule as for JOSE requests, for as long as a sealed request would live.
      if (id && !(await this.store.replay.claim(`paco:req:${merchant.officeId}:msg:${id}`, Math.floor(Date.now() / 1000) + PACO_PLAIN_REPLAY_SECONDS))) {
        return this.sendPlain(res, note, plainError('DUPLICATE_MESSAGE'));
      }
    } else {
      if (typeof req.body !== 'string' || req.body.trim() === '') return this.sendPlain(res, note, plainError('INVALID_JWE', 'empty body'));
      const opened = await this.jose.openRequest(req.body, merchant);
      if (!opened.ok) return this.sendPlain(res, note, plainError(opened.error));
      request = opened.opened.body;
    }

    // 3. The request body; 4. the sealed response.
    const requestMessageId = getString(get(request, 'apiRequest'), 'requestMessageID') ?? null;
    let outcome: Outcome;
    if (hook?.responseCode) {
      outcome = { code: { code: hook.responseCode, description: PACO_CODES.INJECTED.description }, data: null };
    } else if (requestMessageId === null) {
      outcome = fail('VALIDATION', 'apiRequest.requestMessageID is required');
    } else {
      outcome = this.dispatch(operation, request, note, merchant);
    }
    const api = apiResponse(outcome.code, requestMessageId, this.store.now(), started, outcome.detail);
    note.responseCode = api.ResponseCode as string;
    if (plain) {
      res.status(200).type('application/json; charset=utf-8').send(JSON.stringify(envelope(outcome.data, api)));
      return;
    }
    const token = await this.jose.sealResponse(envelope(outcome.data, api), merchant);
    res.status(200).type('application/jose; charset=utf-8').send(token);
  }

  private dispatch(operation: PacoOperation, request: unknown, note: ReturnType<typeof journalNote>, merchant: PacoSandboxMerchant): Outcome {
    note.orderNo = getString(request, 'orderNo')?.slice(0, PACO_ORDER_NO_MAX);
    switch (operation) {
      case 'prePaymentUi':
      case 'nonUi':
        return this.payment(operation, request, note, merchant);
      case 'transactionList':
        return this.transactionList(request, merchant);
      case 'void':
      case 'settlement':
      case 'refund':
        return this.action(operation, request, merchant);
      default:
        return fail('NOT_FOUND');
    }
  }

  // ---- payments ----

  private payment(operation: 'prePaymentUi' | 'nonUi', request: unknown, note: ReturnType<typeof journalNote>, merchant: PacoSandboxMerchant): Outcome {
    const officeId = getString(request, 'officeId');
    if (!officeId || officeId.length > PACO_OFFICE_ID_MAX) return fail('VALIDATION', `officeId is required (at most ${PACO_OFFICE_ID_MAX} characters)`);
    if (officeId !== merchant.officeId) return fail('VALIDATION', 'officeId is not an office of this merchant');
    const orderNo = getString(request, 'orderNo');
    if (!orderNo || orderNo.length > PACO_ORDER_NO_MAX || !/^[A-Za-z0-9_-]+$/.test(orderNo)) return fail('VALIDATION', `orderNo is required (at most ${PACO_ORDER_NO_MAX} letters, digits, - or _)`);
    const productDescription = getString(request, 'productDescription');
    if (!productDescription) return fail('VALIDATION', 'productDescription is required');
    const amount = readAmount('transactionAmount', get(request, 'transactionAmount'), get);
    if (!amount.ok) return fail('VALIDATION', amount.error);
    if (amount.value.minor === 0) return fail('VALIDATION', 'transactionAmount must be more than zero');
    const urls = readUrls(get(request, 'notificationURLs'));
    if (!urls.ok) return fail('VALIDATION', urls.error);

    let card: { number: string } | undefined;
    if (operation === 'nonUi') {
      const checked = checkCard(get(request, 'creditCardDetails'), this.store.now());
      if (!checked.ok) return fail('VALIDATION', checked.error);
      card = checked;
      note.cardLast4 = last4(checked.number);
    }
    if (this.store.findOrder(officeId, orderNo)) return fail('DUPLICATE_ORDER', orderNo);

    if (operation === 'prePaymentUi') {
      const order = this.store.addOrder({
        orderNo, officeId, merchantToken: merchant.token, productDescription, channel: 'hosted', state: 'pageGenerated', amount: amount.value, lastCode: 'PENDING', urls: urls.value,
        pageValidTill: this.store.now() + PACO_PAYMENT_PAGE_TTL_SECONDS * 1000,
      })!;
      return {
        code: 'PENDING',
        data: {
          paymentIncompleteResult: { ...orderView(order), availablePaymentTypes: ['CC', 'CC-VI', 'CC-CA'] },
          paymentPage: { paymentPageURL: this.pageUrl(order), validTillDateTime: iso(order.pageValidTill!) },
        },
      };
    }

    const result = this.store.takeOutcome(orderNo, card!.number) ?? cardResult(card!.number);
    const { state, code } = RESULT_STATE[result];
    const order = this.store.addOrder({
      orderNo, officeId, merchantToken: merchant.token, productDescription, channel: 'nonUi', state, amount: amount.value, lastCode: code, urls: urls.value,
      cardLast4: last4(card!.number), planned: result,
    })!;
    this.enter(order, state, code);
    const view: Record<string, unknown> = orderView(order);
    if (state === 'challenge') view.aresACSChallenge = { acsURL: this.pageUrl(order), method: 'GET' };
    return { code, data: { [resultMember(order)]: view } };
  }

  /** Side effects of a payment reaching `state`: approval code, pending deadline, notification. */
  private enter(order: PacoOrder, state: PacoState, code: PacoCodeName): void {
    if (order.state !== state) this.store.transition(order, state, code);
    order.lastCode = code;
    if (state === 'authorized') order.approvalCode = String(randomInt(100000, 1000000));
    if (state === 'pending') {
      order.dueAt = this.store.now() + PACO_PENDING_TIMEOUT_SECONDS * 1000;
      this.notifier.arm();
    }
    if (isPaymentFinal(state)) void this.notifier.notify(order);
  }

  /** Resolves a pending or challenged payment (control API `outcomes` on an existing order). */
  resolve(order: PacoOrder, result: PacoResult): boolean {
    if (order.state !== 'pending' && order.state !== 'challenge' && order.state !== 'pageGenerated') return false;
    if (order.state === 'pageGenerated' && (result === 'approve' || result === 'decline')) {
      // A hosted payment still waiting for the payer: the outcome applies when the card is submitted.
      this.store.armOutcome({ orderNo: order.orderNo, result });
      return true;
    }
    order.dueAt = undefined;
    const { state, code } = RESULT_STATE[result];
    this.enter(order, state, code);
    this.notifier.arm();
    return true;
  }

  // ---- inquiry ----

  private async transactionStatus(req: Request, res: Response, started: number, merchant: PacoSandboxMerchant): Promise<void> {
    const note = journalNote(res);
    const orderNo = typeof req.query.orderNo === 'string' ? req.query.orderNo : undefined;
    await this.notifier.settle();
    let code: PacoCodeName = 'SUCCESS';
    let data: unknown[] = [];
    if (!orderNo) code = 'VALIDATION';
    else {
      note.orderNo = orderNo.slice(0, PACO_ORDER_NO_MAX);
      const officeId = typeof req.query.merchantId === 'string' ? req.query.merchantId : undefined;
      // Only the caller's office: another merchant's orders do not exist for it.
      data = this.store.findByOrderNo(orderNo).filter((o) => o.officeId === merchant.officeId && (officeId === undefined || o.officeId === officeId)).map(orderView);
      if (data.length === 0) code = 'ORDER_NOT_FOUND';
    }
    const api = apiResponse(code, null, this.store.now(), started, code === 'VALIDATION' ? 'orderNo is required' : undefined);
    note.responseCode = api.ResponseCode as string;
    res.status(200).type('application/json; charset=utf-8').send(JSON.stringify(envelope(data, api)));
  }

  private transactionList(request: unknown, merchant: PacoSandboxMerchant): Outcome {
    const params = get(request, 'advSearchParams');
    if (typeof params !== 'object' || params === null) return fail('VALIDATION', 'advSearchParams is required');
    const list = (name: string): string[] | undefined => {
      const value = get(params, name);
      if (value === null || value === undefined) return undefined;
      return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
    };
    const orderNos = list('orderNo');
    const officeIds = list('officeId');
    const ids = list('controllerInternalID');
    const from = dateParam(get(params, 'fromDate'));
    const to = dateParam(get(params, 'toDate'));
    const amountFrom = get(params, 'amountFrom');
    const amountTo = get(params, 'amountTo');
    const orders = this.store.listOrders().filter((o) => {
      if (o.officeId !== merchant.officeId) return false;
      if (orderNos?.length && !orderNos.includes(o.orderNo)) return false;
      if (officeIds?.length && !officeIds.includes(o.officeId)) return false;
      if (ids?.length && !ids.includes(o.controllerInternalID)) return false;
      if (from !== undefined && o.createdAt < from) return false;
      if (to !== undefined && o.createdAt > to) return false;
      const lo = amountFrom === null || amountFrom === undefined ? undefined : decimalToMinor(amountFrom, o.amount.decimalPlaces);
      const hi = amountTo === null || amountTo === undefined ? undefined : decimalToMinor(amountTo, o.amount.decimalPlaces);
      if (lo !== undefined && o.amount.minor < lo) return false;
      if (hi !== undefined && o.amount.minor > hi) return false;
      return true;
    });
    return { code: 'SUCCESS', data: orders.map(orderView) };
  }

  // ---- void / settlement / refund ----

  private action(operation: 'void' | 'settlement' | 'refund', request: unknown, merchant: PacoSandboxMerchant): Outcome {
    const officeId = getString(request, 'officeId');
    const orderNo = getString(request, 'orderNo');
    if (!officeId || !orderNo) return fail('VALIDATION', 'officeId and orderNo are required');
    if (officeId !== merchant.officeId) return fail('VALIDATION', 'officeId is not an office of this merchant');
    const order = this.store.findOrder(officeId, orderNo);
    if (!order) return fail('ORDER_NOT_FOUND', orderNo);
    const actionName = operation === 'settlement' ? 'settle' : operation;
    const amountField = operation === 'settlement' ? 'settlementAmount' : operation === 'void' ? 'voidAmount' : 'refundAmount';
    const rawAmount = get(request, amountField);
    let minor: number | undefined;
    if (rawAmount !== undefined && rawAmount !== null) {
      const amount = readAmount(amountField, rawAmount, get);
      if (!amount.ok) return fail('VALIDATION', amount.error);
      if (amount.value.currency !== order.amount.currency) return fail('CURRENCY_MISMATCH');
      minor = amount.value.minor;
    } else if (operation === 'refund') {
      return fail('VALIDATION', 'refundAmount is required');
    }
    if (!allows(order.state, actionName)) return { ...fail('INVALID_STATE', `${operation} is not possible in status ${order.state}`), data: orderView(order) };

    if (operation === 'void') {
      if (minor !== undefined && minor !== order.amount.minor) return fail('VALIDATION', 'voidAmount must be the full authorised amount');
      this.store.transition(order, 'voided', 'SUCCESS');
    } else if (operation === 'settlement') {
      const settle = minor ?? order.amount.minor;
      if (settle === 0) return fail('VALIDATION', 'settlementAmount must be more than zero');
      if (settle > order.amount.minor) return fail('AMOUNT_EXCEEDED', 'settlementAmount exceeds the authorised amount');
      if (!PACO_PARTIAL_SETTLEMENT && settle !== order.amount.minor) return fail('VALIDATION', 'settlementAmount must be the authorised amount');
      order.settledMinor = settle;
      this.store.transition(order, 'settled', 'SUCCESS');
    } else {
      if (PACO_REFUND_ONCE_PER_ORDER && order.refundCount > 0) return fail('INVALID_STATE', 'an order can be refunded one time only');
      if (minor === 0) return fail('VALIDATION', 'refundAmount must be more than zero');
      if (minor! > order.settledMinor - order.refundedMinor) return fail('AMOUNT_EXCEEDED', 'refundAmount exceeds the settled amount not yet refunded');
      order.refundedMinor += minor!;
      order.refundCount += 1;
      this.store.transition(order, 'refunded', 'SUCCESS');
    }
    return { code: 'SUCCESS', data: orderView(order) };
  }

  // ---- the hosted page ----

  private async servePage(req: Request, res: Response, id: string): Promise<void> {
    const note = journalNote(res);
    note.operation = 'paymentPage';
    const order = this.store.findById(id);
    const html = (status: number, render: (cspNonce: string) => string, hasForm = false) => sendSandboxPage(res, status, render, { hasForm });
    if (!order) return html(404, (n) => renderMessage(n, 'Payment not found', 'This payment link is not valid.'));
    note.orderNo = order.orderNo;
    const action = `${PACO_SANDBOX_PATH}/pay/${order.controllerInternalID}`;
    if (!allows(order.state, 'complete')) return html(409, (n) => renderMessage(n, 'Payment already processed', 'This payment cannot be changed any more.', order));
    if (order.state === 'pageGenerated' && order.pageValidTill! < this.store.now()) return html(410, (n) => renderMessage(n, 'Payment page expired', 'Start the payment again from the shop.', order));
    if (req.method === 'GET') return html(200, (n) => (order.state === 'challenge' ? renderChallenge(n, order, action) : renderCardForm(n, order, action)), true);
    if (req.method !== 'POST') return html(405, (n) => renderMessage(n, 'Method not allowed', 'Use the form.'));

    const form = (req.body ?? {}) as Record<string, unknown>;
    const choice = typeof form.action === 'string' ? form.action : 'pay';
    if (order.state === 'challenge') {
      if (choice !== 'authenticate' && choice !== 'fail') return html(400, (n) => renderChallenge(n, order, action), true);
      this.enter(order, choice === 'authenticate' ? 'authorized' : 'failed', choice === 'authenticate' ? 'SUCCESS' : 'DECLINED');
      return this.redirectBack(res, order);
    }
    if (choice === 'cancel') {
      this.enter(order, 'cancelled', 'CANCELLED');
      return this.redirectBack(res, order);
    }
    const checked = checkCard(form, this.store.now());
    if (!checked.ok) return html(400, (n) => renderCardForm(n, order, action, checked.error.replace('creditCardDetails.', '')), true);
    note.cardLast4 = last4(checked.number);
    order.cardLast4 = last4(checked.number);
    const result = this.store.takeOutcome(order.orderNo, checked.number) ?? cardResult(checked.number);
    order.planned = result;
    const { state, code } = RESULT_STATE[result];
    this.enter(order, state, code);
    if (state === 'challenge') return html(200, (n) => renderChallenge(n, order, action), true);
    return this.redirectBack(res, order);
  }

  /** Back to the merchant: confirmation, failed or cancellation URL with PACO's query (B.6), 303 after a POST. */
  private redirectBack(res: Response, order: PacoOrder): void {
    const url = order.state === 'cancelled' ? order.urls.cancellationURL : order.state === 'failed' ? order.urls.failedURL : order.urls.confirmationURL;
    if (!url) {
      sendSandboxPage(res, 200, (n) => renderMessage(n, order.state === 'authorized' ? 'Payment approved' : 'Payment not completed', 'You can close this page.', order), { hasForm: false });
      return;
    }
    const target = new URL(url);
    target.searchParams.set('orderNo', order.orderNo);
    target.searchParams.set('productDescription', order.productDescription);
    target.searchParams.set('controllerInternalId', order.controllerInternalID);
    res.redirect(303, target.toString());
  }

  // ---- helpers ----

  private pageUrl(order: PacoOrder): string {
    return `${this.config.publicBaseUrl.replace(/\/+$/, '')}${PACO_SANDBOX_PATH}/pay/${order.controllerInternalID}?lang=en-US`;
  }

  /**
   * B.2: the merchant whose token came in `token`, `CompanyApiKey` or `apiKey`. Basic credentials,
   * when sent (or when required), must be the merchant's: a merchant registered without Basic
   * credentials cannot send any.
   */
  private authenticate(req: Request): PacoSandboxMerchant | undefined {
    // An empty header counts as absent, so the next name is tried.
    const header = (name: string) => (typeof req.headers[name] === 'string' && req.headers[name] !== '' ? (req.headers[name] as string) : undefined);
    const token = header('token') ?? header('companyapikey') ?? header('apikey');
    const merchant = token === undefined ? undefined : this.merchants.byToken(token);
    if (!merchant) return undefined;
    const authorization = header('authorization');
    if (authorization === undefined) return PACO_REQUIRE_BASIC_AUTH ? undefined : merchant;
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization);
    if (!basic || !merchant.basic) return undefined;
    const { username, password } = merchant.basic;
    return safeEqual(Buffer.from(basic[1]!, 'base64').toString('utf8'), `${username}:${password}`) ? merchant : undefined;
  }

  private sendPlain(res: Response, note: ReturnType<typeof journalNote>, reply: { status: number; body: unknown }): void {
    note.responseCode = (reply.body as { apiResponse?: { responseCode?: string } })?.apiResponse?.responseCode;
    res.status(reply.status).type('application/json; charset=utf-8').send(JSON.stringify(reply.body));
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function readUrls(value: unknown): { ok: true; value: NotificationUrls } | { ok: false; error: string } {
  if (value === undefined || value === null) return { ok: true, value: {} };
  if (typeof value !== 'object') return { ok: false, error: 'notificationURLs must be an object' };
  const urls: NotificationUrls = {};
  for (const name of ['confirmationURL', 'failedURL', 'cancellationURL', 'backendURL'] as const) {
    const url = get(value, name);
    if (url === undefined || url === null || url === '') continue;
    if (typeof url !== 'string' || !/^https?:\/\/[^\s]+$/i.test(url) || !URL.canParse(url)) return { ok: false, error: `notificationURLs.${name} must be an http(s) URL` };
    urls[name] = url;
  }
  return { ok: true, value: urls };
}

/** PACO's "no filter" date is 0001-01-01T00:00:00 (B.5). */
function dateParam(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.startsWith('0001-01-01')) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
