import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { PAYSERA_ACCESS_TOKEN_TTL_SECONDS, PAYSERA_MESSAGES, PAYSERA_SCOPES } from './paysera-sandbox.constants.js';
import { type AuthorizationRequest, PayseraSandboxStore } from './paysera-sandbox.store.js';
import { isReply, type JournalNote, ok, payseraError, type WireReply } from './paysera-sandbox.wire.js';
import { PayseraSandboxAuth } from './paysera-sandbox-auth.service.js';

export type AuthorizeOutcome =
  | { kind: 'error-page'; status: number; title: string; message: string }
  | { kind: 'redirect'; location: string }
  | { kind: 'login-page'; request: AuthorizationRequest; nonce: string; error?: string; email?: string };

function single(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Form fields of a urlencoded body; repeated names keep the first value. */
export function parseForm(raw: Buffer): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(raw.toString('utf8'))) if (!(name in fields)) fields[name] = value;
  return fields;
}

export function clientRedirect(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return url.toString();
}

/** Paysera's OAuth (A.8): the browser page, and the MAC-signed token endpoint. */
@Injectable()
export class PayseraSandboxOAuth {
  constructor(
    private readonly store: PayseraSandboxStore,
    private readonly auth: PayseraSandboxAuth,
  ) {}

  /** Client and redirect_uri errors are a page (never redirect to an unverified URI); later ones go back as error=. */
  authorize(query: Request['query']): AuthorizeOutcome {
    const client = this.store.findClient(single(query.client_id) ?? '');
    if (!client) return { kind: 'error-page', status: 400, title: 'Unknown application', message: 'The client_id is missing or is not a registered Paysera client.' };
    const redirectUri = single(query.redirect_uri);
    if (!redirectUri || !client.redirectUris.includes(redirectUri)) {
      return { kind: 'error-page', status: 400, title: 'Invalid redirect', message: 'The redirect_uri is missing or is not registered for this client.' };
    }
    const state = single(query.state);
    const fail = (error: string, description: string): AuthorizeOutcome => ({ kind: 'redirect', location: clientRedirect(redirectUri, { error, error_description: description, state }) });
    if (single(query.response_type) !== 'code') return fail('unsupported_response_type', 'Only response_type=code is supported');
    const scopes = (single(query.scope) ?? '').split(' ').filter(Boolean);
    if (!scopes.length) return fail('invalid_scope', 'At least one scope is required');
    const unknown = scopes.find((s) => !Object.hasOwn(PAYSERA_SCOPES, s));
    if (unknown) return fail('invalid_scope', `Unknown scope: ${unknown.slice(0, 64)}`);
    const request: AuthorizationRequest = { clientId: client.clientId, clientName: client.name, redirectUri, state, scopes: [...new Set(scopes)] };
    const decision = this.store.takeDecision();
    if (decision) return this.decide(request, decision.decision, decision.userId);
    return { kind: 'login-page', request, nonce: this.store.createLoginPage(request) };
  }

  /** The page's POST; its nonce stands for the request it was rendered for (single use). */
  submit(raw: Buffer): AuthorizeOutcome {
    const form = parseForm(raw);
    const request = form.nonce ? this.store.takeLoginPage(form.nonce) : undefined;
    if (!request) return { kind: 'error-page', status: 400, title: 'This page has expired', message: 'This login page has expired or was already used.' };
    if (form.decision === 'deny') return this.decide(request, 'deny');
    if (form.decision !== 'approve') return { kind: 'error-page', status: 400, title: 'Invalid request', message: 'Choose Approve or Deny.' };
    const email = (form.email ?? '').slice(0, 200);
    const user = this.store.authenticateUser(email, form.password ?? '');
    if (!user) return { kind: 'login-page', request, nonce: this.store.createLoginPage(request), error: 'The email or password is incorrect.', email };
    return this.decide(request, 'approve', user.userId);
  }

  private decide(request: AuthorizationRequest, decision: 'approve' | 'deny', userId?: number): AuthorizeOutcome {
    if (decision === 'deny' || userId === undefined) {
      return { kind: 'redirect', location: clientRedirect(request.redirectUri, { error: 'access_denied', error_description: 'The user denied access', state: request.state }) };
    }
    return { kind: 'redirect', location: clientRedirect(request.redirectUri, { code: this.store.issueCode(request, userId), state: request.state }) };
  }

  /** POST /oauth/v1/token: form-encoded, MAC-signed with the client's credentials (A.8). */
  async token(req: Request, raw: Buffer, note: JournalNote): Promise<WireReply> {
    const caller = await this.auth.verify(req, raw, note, 'client');
    if (isReply(caller)) return caller;
    if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')) {
      return payseraError('invalid_request', 'The token request must be application/x-www-form-urlencoded');
    }
    const form = parseForm(raw);
    note.grantType = form.grant_type?.slice(0, 40);
    const clientId = caller.client.clientId;
    if (form.grant_type === 'authorization_code') {
      if (!form.code) return payseraError('invalid_request', 'code is required');
      const result = this.store.redeemCode(form.code, clientId, form.redirect_uri);
      if (!result.ok) return payseraError('invalid_grant', result.description);
      note.userId = result.grant.userId;
      return this.tokenResponse(result.grant);
    }
    if (form.grant_type === 'refresh_token') {
      if (!form.refresh_token) return payseraError('invalid_request', 'refresh_token is required');
      const result = this.store.useRefreshToken(form.refresh_token, clientId);
      if (!result.ok) return payseraError('invalid_grant', result.description);
      const asked = (form.scope ?? '').split(' ').filter(Boolean);
      if (asked.some((s) => !result.refresh.scopes.includes(s))) return payseraError('invalid_scope', 'The scope asked for is wider than the one granted', 400);
      note.userId = result.refresh.userId;
      return this.tokenResponse({ clientId, userId: result.refresh.userId, scopes: asked.length ? asked : result.refresh.scopes });
    }
    if (!form.grant_type) return payseraError('invalid_request', 'grant_type is required');
    return payseraError('unsupported_grant_type', `Grant type ${form.grant_type.slice(0, 40)} is not supported`);
  }

  private tokenResponse(grant: { clientId: string; userId: number; scopes: string[] }): WireReply {
    const { access, refresh } = this.store.issueTokens(grant);
    return ok({
      access_token: access.accessToken,
      token_type: 'mac',
      mac_algorithm: 'hmac-sha-256',
      mac_key: access.macKey,
      expires_in: PAYSERA_ACCESS_TOKEN_TTL_SECONDS,
      refresh_token: refresh.refreshToken,
    });
  }

  /**
   * DELETE /oauth/v1/token?access_token=… (A.8), signed with client credentials. [ASSUMPTION] also
   * `?refresh_token=…`; 200 `{}` when revoked, 404 not_found for a token this client does not have.
   */
  async revoke(req: Request, raw: Buffer, note: JournalNote): Promise<WireReply> {
    const caller = await this.auth.verify(req, raw, note, 'client');
    if (isReply(caller)) return caller;
    const query = new URLSearchParams(req.originalUrl.split('?')[1] ?? '');
    const access = query.get('access_token');
    const refresh = query.get('refresh_token');
    if (!access && !refresh) return payseraError('invalid_request', 'access_token or refresh_token is required');
    const revoked = access ? this.store.revokeAccessToken(access, caller.client.clientId) : this.store.revokeRefreshToken(refresh!, caller.client.clientId);
    return revoked ? ok({}) : payseraError('not_found', access ? 'No such access token' : PAYSERA_MESSAGES.refreshUnknown);
  }
}
