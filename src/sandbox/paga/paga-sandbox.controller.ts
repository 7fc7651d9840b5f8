import { All, Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppError } from '../../common/errors/app-error.js';
import { PAGA_SANDBOX_PATH } from '../sandbox-accounts.js';
import { sendSandboxRedirect } from '../sandbox-page.js';
import { PAGA_WEBSERVICES_PATH } from './paga-sandbox.constants.js';
import { renderErrorPage, renderLoginPage, sendPage } from './paga-sandbox.page.js';
import { parseSecurePath } from './paga-sandbox.params.js';
import { PagaSandboxStore } from './paga-sandbox.store.js';
import { journalNote, NO_STORE, sendWire, springError } from './paga-sandbox.wire.js';
import { PagaSandboxApiService } from './paga-sandbox-api.service.js';
import { type AuthorizeOutcome, PagaSandboxOAuthService } from './paga-sandbox-oauth.service.js';

const WIRE_PREFIX = `${PAGA_SANDBOX_PATH}/${PAGA_WEBSERVICES_PATH}/`;

/** The request path with repeated slashes collapsed (Paga clients send `merchantPayment//referenceNumber`, spec 1.9). */
function normalizedPath(req: Request): string {
  return req.originalUrl.split('?')[0]!.replace(/\/{2,}/g, '/');
}

/**
 * Paga's wire surface as Paga clients reach it: the login page (P1), the token endpoint (P2) and the
 * secured URIs (P4–P6 and the emulator-only balance). Answers are Paga-shaped, written directly;
 * nothing here throws into Gatehouse's problem+json filter.
 */
@ApiExcludeController()
@Controller(PAGA_SANDBOX_PATH.slice(1))
export class PagaSandboxController {
  constructor(
    private readonly oauth: PagaSandboxOAuthService,
    private readonly api: PagaSandboxApiService,
    private readonly store: PagaSandboxStore,
  ) {}

  @Get(`${PAGA_WEBSERVICES_PATH}/authorization`)
  authorize(@Req() req: Request, @Res() res: Response): void {
    this.sendOutcome(req, res, this.oauth.authorize(req.query));
  }

  @Post(`${PAGA_WEBSERVICES_PATH}/authorization`)
  submit(@Req() req: Request, @Res() res: Response): void {
    this.sendOutcome(req, res, this.oauth.submit(req.body));
  }

  @Post(`${PAGA_WEBSERVICES_PATH}/token`)
  async token(@Req() req: Request, @Res() res: Response): Promise<void> {
    const note = journalNote(res);
    note.operation = 'token';
    sendWire(res, await this.oauth.token(req, note));
  }

  /** One wildcard: Paga clients send several path shapes for one operation; `parseSecurePath` tells them apart. */
  @All(`${PAGA_WEBSERVICES_PATH}/secure/{*rest}`)
  async secure(@Req() req: Request, @Res() res: Response): Promise<void> {
    const rest = normalizedPath(req).slice(`${WIRE_PREFIX}secure/`.length);
    sendWire(res, await this.api.execute(req, parseSecurePath(rest), journalNote(res)));
  }

  /**
   * Everything else under /sandbox/paga (registered last): paths that only differ by repeated
   * slashes go to their handler; the rest get Paga's 404 or 405 (Spring Boot's body).
   */
  @All('{*rest}')
  async fallback(@Req() req: Request, @Res() res: Response): Promise<void> {
    const path = normalizedPath(req).replace(/(.)\/$/, '$1');
    if (!path.startsWith(WIRE_PREFIX)) throw new AppError('ROUTE_NOT_FOUND', `No route matches ${req.method} ${path.slice(0, 200)}.`);
    const sub = path.slice(WIRE_PREFIX.length);
    if (sub === 'authorization' && req.method === 'GET') return this.authorize(req, res);
    if (sub === 'authorization' && req.method === 'POST') return this.submit(req, res);
    if (sub === 'token' && req.method === 'POST') return this.token(req, res);
    if (sub.startsWith('secure/')) return this.secure(req, res);
    if (sub === 'token' || sub === 'authorization') {
      journalNote(res).operation = sub;
      return sendWire(res, { ...springError(req, 405, this.store.now()), headers: { Allow: sub === 'token' ? 'POST' : 'GET, POST', ...NO_STORE } });
    }
    sendWire(res, springError(req, 404, this.store.now()));
  }

  private sendOutcome(req: Request, res: Response, outcome: AuthorizeOutcome): void {
    const note = journalNote(res);
    note.operation = 'authorization';
    note.clientId = outcome.clientId;
    switch (outcome.kind) {
      case 'error-page':
        sendPage(res, outcome.status, (csp) => renderErrorPage(outcome.title, outcome.message, csp), { hasForm: false });
        return;
      case 'redirect':
        sendSandboxRedirect(res, outcome.location);
        return;
      case 'login-page': {
        const view = { ...outcome, formAction: normalizedPath(req), users: this.store.listUsers() };
        sendPage(res, 200, (csp) => renderLoginPage(view, csp), { hasForm: true });
        return;
      }
    }
  }
}
