import { All, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppError } from '../../common/errors/app-error.js';
import { CONNECTPAY_SANDBOX_PATH } from '../sandbox-accounts.js';
import { sendSandboxPage } from '../sandbox-page.js';
import { CONNECTPAY_API_PREFIX, CONNECTPAY_AUTHORIZE_PATH, CONNECTPAY_CALLBACK_REDIRECT_STATUS, CONNECTPAY_REVOKE_PATH, CONNECTPAY_TOKEN_PATH, type ConnectPayResourceOperation } from './connectpay-sandbox.constants.js';
import { renderConsentPage, renderErrorPage, renderLoginPage, renderOtpPage } from './connectpay-sandbox.page.js';
import { ConnectPaySandboxStore } from './connectpay-sandbox.store.js';
import { apiError, journalNote, sendWire, type WireReply } from './connectpay-sandbox.wire.js';
import { type Caller, ConnectPaySandboxApiService } from './connectpay-sandbox-api.service.js';
import { type AuthorizeOutcome, ConnectPaySandboxOAuthService, requestIdOf } from './connectpay-sandbox-oauth.service.js';

const API = CONNECTPAY_API_PREFIX;

/**
 * ConnectPay's wire surface as a ConnectPay client reaches it: the Auth Web App, the OAuth token
 * and revoke endpoints, and the PSD2 resource API. Answers are ConnectPay-shaped and written
 * directly; nothing here throws into Gatehouse's problem+json filter (except for unknown control paths).
 */
@ApiExcludeController()
@Controller(CONNECTPAY_SANDBOX_PATH.slice(1))
export class ConnectPaySandboxController {
  constructor(
    private readonly oauth: ConnectPaySandboxOAuthService,
    private readonly api: ConnectPaySandboxApiService,
    private readonly store: ConnectPaySandboxStore,
  ) {}

  @Get(CONNECTPAY_AUTHORIZE_PATH)
  authorize(@Req() req: Request, @Res() res: Response): void {
    this.sendOutcome(req, res, this.oauth.authorize(req.query as Record<string, unknown>));
  }

  @Post(CONNECTPAY_AUTHORIZE_PATH)
  submit(@Req() req: Request, @Res() res: Response): void {
    this.sendOutcome(req, res, this.oauth.submit(req.body));
  }

  @Post(CONNECTPAY_TOKEN_PATH)
  async token(@Req() req: Request, @Res() res: Response): Promise<void> {
    const note = this.note(req, res, 'token');
    sendWire(res, await this.oauth.token(req, note), requestIdOf(req));
  }

  @Post(CONNECTPAY_REVOKE_PATH)
  async revoke(@Req() req: Request, @Res() res: Response): Promise<void> {
    const note = this.note(req, res, 'revoke');
    sendWire(res, await this.oauth.revoke(req, note), requestIdOf(req));
  }

  @Get(`${API}/accounts`)
  accounts(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.resource(req, res, 'accounts', (caller) => this.api.listAccounts(caller, req.query));
  }

  @Get(`${API}/accounts/:accountId`)
  account(@Req() req: Request, @Res() res: Response, @Param('accountId') accountId: string): Promise<void> {
    return this.resource(req, res, 'account', (caller) => this.api.getAccount(caller, accountId));
  }

  @Get(`${API}/accounts/:accountId/balances`)
  balances(@Req() req: Request, @Res() res: Response, @Param('accountId') accountId: string): Promise<void> {
    return this.resource(req, res, 'balances', (caller) => this.api.getBalances(caller, accountId));
  }

  @Get(`${API}/accounts/:accountId/transactions`)
  transactions(@Req() req: Request, @Res() res: Response, @Param('accountId') accountId: string): Promise<void> {
    return this.resource(req, res, 'transactions', (caller) => this.api.listTransactions(caller, accountId, req.query));
  }

  @Post(`${API}/payments`)
  createPayment(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.resource(req, res, 'createPayment', (caller) => this.api.createPayment(caller, req));
  }

  @Get(`${API}/payments/:paymentOrderNo`)
  payment(@Req() req: Request, @Res() res: Response, @Param('paymentOrderNo') paymentOrderNo: string): Promise<void> {
    return this.resource(req, res, 'payment', (caller) => this.api.getPayment(caller, paymentOrderNo));
  }

  @Get(`${API}/payments/:paymentOrderNo/status`)
  paymentStatus(@Req() req: Request, @Res() res: Response, @Param('paymentOrderNo') paymentOrderNo: string): Promise<void> {
    return this.resource(req, res, 'paymentStatus', (caller) => this.api.getPaymentStatus(caller, paymentOrderNo));
  }

  /** Everything else below /sandbox/connectpay (registered last): ConnectPay's 404 or 405. */
  @All('{*rest}')
  fallback(@Req() req: Request, @Res() res: Response): void {
    const path = req.originalUrl.split('?')[0]!.replace(/\/{2,}/g, '/');
    if (path.startsWith(`${CONNECTPAY_SANDBOX_PATH}/__control`)) throw new AppError('ROUTE_NOT_FOUND', `No route matches ${req.method} ${path.slice(0, 200)}.`);
    const sub = path.slice(CONNECTPAY_SANDBOX_PATH.length + 1).replace(/\/$/, '');
    const allowed: Record<string, string> = { [CONNECTPAY_AUTHORIZE_PATH]: 'GET, POST', [CONNECTPAY_TOKEN_PATH]: 'POST', [CONNECTPAY_REVOKE_PATH]: 'POST', [`${API}/payments`]: 'POST' };
    const requestId = requestIdOf(req);
    const reply: WireReply = Object.hasOwn(allowed, sub)
      ? apiError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed here.`, requestId, { Allow: allowed[sub]! })
      : apiError(404, 'NOT_FOUND', 'No such resource.', requestId);
    this.note(req, res, 'unknown');
    sendWire(res, reply, requestId);
  }

  private note(req: Request, res: Response, operation: 'token' | 'revoke' | 'authorize' | 'unknown') {
    const note = journalNote(res);
    note.operation = operation;
    const raw = req.headers['x-request-id'];
    if (typeof raw === 'string') note.requestId = raw.slice(0, 100);
    return note;
  }

  /** Guard (request id, forced failure, token, scope), then the operation, bound to the token's PSU. */
  private async resource(req: Request, res: Response, operation: ConnectPayResourceOperation, run: (caller: Caller) => WireReply): Promise<void> {
    const note = this.note(req, res, 'unknown');
    const guarded = await this.api.guard(req, operation, note);
    const reply = guarded.ok ? run(guarded.caller) : guarded.reply;
    if (reply.status >= 400) note.errorCode = (reply.body as { code?: string } | undefined)?.code;
    sendWire(res, reply, requestIdOf(req));
  }

  private sendOutcome(req: Request, res: Response, outcome: AuthorizeOutcome): void {
    const note = this.note(req, res, 'authorize');
    note.clientId = outcome.clientId;
    const formAction = `${CONNECTPAY_SANDBOX_PATH}/${CONNECTPAY_AUTHORIZE_PATH}`;
    switch (outcome.kind) {
      case 'error-page':
        sendSandboxPage(res, outcome.status, (csp) => renderErrorPage(outcome.title, outcome.message, csp), { hasForm: false, headers: { Pragma: 'no-cache' } });
        return;
      case 'redirect':
        res.setHeader('Cache-Control', 'no-store');
        res.status(CONNECTPAY_CALLBACK_REDIRECT_STATUS).setHeader('Location', outcome.location);
        res.end();
        return;
      case 'login-page': {
        const view = { ...outcome, formAction, persons: this.store.listPersons(), customers: (id: string) => this.store.findCustomer(id) };
        sendSandboxPage(res, 200, (csp) => renderLoginPage(view, csp), { hasForm: true, headers: { Pragma: 'no-cache' } });
        return;
      }
      case 'otp-page': {
        const person = this.store.findPerson(outcome.personId)!;
        note.personId = person.personId;
        const view = { ...outcome, formAction, person };
        sendSandboxPage(res, 200, (csp) => renderOtpPage(view, csp), { hasForm: true, headers: { Pragma: 'no-cache' } });
        return;
      }
      case 'consent-page': {
        const person = this.store.findPerson(outcome.personId)!;
        note.personId = person.personId;
        const customers = person.customerIds.map((id) => this.store.findCustomer(id)!);
        const view = { ...outcome, formAction, person, customers };
        sendSandboxPage(res, 200, (csp) => renderConsentPage(view, csp), { hasForm: true, headers: { Pragma: 'no-cache' } });
        return;
      }
    }
  }
}
