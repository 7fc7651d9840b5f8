import { All, Controller, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { PAYSERA_SANDBOX_PATH } from '../sandbox-accounts.js';
import { sendSandboxPage, sendSandboxRedirect } from '../sandbox-page.js';
import { renderConfirmPage, renderErrorPage, renderLoginPage, renderMessagePage } from './paysera-sandbox.page.js';
import { rawBodyOf } from '../../common/http/raw-body.js';
import { matchRoute, subPath } from './paysera-sandbox.routes.js';
import { PayseraSandboxStore } from './paysera-sandbox.store.js';
import { journalNote, ok, payseraError, sendWire } from './paysera-sandbox.wire.js';
import { PayseraSandboxApi } from './paysera-sandbox-api.service.js';
import { PayseraSandboxCallbacks } from './paysera-sandbox-callbacks.service.js';
import { type ConfirmOutcome, PayseraSandboxConfirmation } from './paysera-sandbox-confirm.service.js';
import { type AuthorizeOutcome, PayseraSandboxOAuth } from './paysera-sandbox-oauth.service.js';

/**
 * Paysera's wire surface below /sandbox/paysera: the OAuth page, /oauth/v1/token, /publickey and
 * /rest/v1/*, dispatched by one route table (paysera-sandbox.routes.ts). Answers are Paysera-shaped,
 * written directly; nothing here reaches Gatehouse's problem+json filter.
 */
@ApiExcludeController()
@Controller(PAYSERA_SANDBOX_PATH.slice(1))
export class PayseraSandboxController {
  constructor(
    private readonly store: PayseraSandboxStore,
    private readonly oauth: PayseraSandboxOAuth,
    private readonly api: PayseraSandboxApi,
    private readonly callbacks: PayseraSandboxCallbacks,
    private readonly confirmation: PayseraSandboxConfirmation,
  ) {}

  @All('{*rest}')
  async dispatch(@Req() req: Request, @Res() res: Response): Promise<void> {
    const note = journalNote(res);
    const path = subPath(req.originalUrl, PAYSERA_SANDBOX_PATH) ?? '/';
    const { match, allowed } = matchRoute(req.method, path);
    if (!match) {
      note.operation = 'unknown';
      if (allowed.length) return sendWire(res, { ...payseraError('invalid_request', `Method ${req.method} is not allowed here`, 405), headers: { Allow: allowed.join(', ') } });
      return sendWire(res, payseraError('not_found', 'No such resource'));
    }
    note.operation = match.operation;
    const forced = this.store.takeFailure(match.operation);
    if (forced) return sendWire(res, payseraError(forced.error, forced.errorDescription, forced.httpStatus));
    const raw = rawBodyOf(req);

    switch (match.operation) {
      case 'authorize':
        return this.sendOutcome(res, req.method === 'GET' ? this.oauth.authorize(req.query) : this.oauth.submit(raw));
      case 'transaction.page':
        return this.sendConfirmation(res, req.method === 'GET' ? this.confirmation.show(match.params.key!) : this.confirmation.submit(match.params.key!, raw));
      case 'token':
        return sendWire(res, await this.oauth.token(req, raw, note));
      case 'token.revoke':
        return sendWire(res, await this.oauth.revoke(req, raw, note));
      case 'publickey':
        res.setHeader('Cache-Control', 'public, max-age=3600');
        res.status(200).type('text/plain').send(this.callbacks.publicKey);
        return;
      case 'server':
        return sendWire(res, ok({ time: this.store.serverTime() }));
      default:
        return sendWire(res, await this.api.execute(req, raw, match, note));
    }
  }

  private sendConfirmation(res: Response, outcome: ConfirmOutcome): void {
    switch (outcome.kind) {
      case 'redirect':
        sendSandboxRedirect(res, outcome.location);
        return;
      case 'message':
        return sendSandboxPage(res, outcome.status, (csp) => (outcome.status >= 400 ? renderErrorPage : renderMessagePage)(outcome.title, outcome.message, csp), { hasForm: false });
      case 'page':
        return sendSandboxPage(res, 200, (csp) => renderConfirmPage(outcome.view, csp), { hasForm: true });
    }
  }

  private sendOutcome(res: Response, outcome: AuthorizeOutcome): void {
    switch (outcome.kind) {
      case 'error-page':
        return sendSandboxPage(res, outcome.status, (csp) => renderErrorPage(outcome.title, outcome.message, csp), { hasForm: false });
      case 'redirect':
        sendSandboxRedirect(res, outcome.location);
        return;
      case 'login-page': {
        const view = { ...outcome, formAction: `${PAYSERA_SANDBOX_PATH}/oauth`, users: this.store.listUsers() };
        return sendSandboxPage(res, 200, (csp) => renderLoginPage(view, csp), { hasForm: true });
      }
    }
  }
}
