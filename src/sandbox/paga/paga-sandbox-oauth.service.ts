import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { PAGA_SCOPES, PAGA_USER_DATA } from './paga-sandbox.constants.js';
import { parseBasicAuth, parseList, readParam } from './paga-sandbox.params.js';
import { type AuthorizationRequest, type IssuedTokens, PagaSandboxStore, tokenHash } from './paga-sandbox.store.js';
import { type JournalNote, NO_STORE, oauthError, sleep, type WireReply } from './paga-sandbox.wire.js';
import { forcedHttpFailure } from './paga-sandbox-failures.js';

/** What the authorization endpoint does next. */
export type AuthorizeOutcome = { clientId?: string } & (
  | { kind: 'error-page'; status: number; title: string; message: string }
  | { kind: 'redirect'; location: string }
  | { kind: 'login-page'; request: AuthorizationRequest; nonce: string; error?: string; login?: string }
);

function single(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The redirect back to the client, with our parameters added to any it already has. */
export function clientRedirect(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return url.toString();
}

/** Paga's authorization server: the browser endpoint (P1) and the token endpoint (P2). */
@Injectable()
export class PagaSandboxOAuthService {
  constructor(private readonly store: PagaSandboxStore) {}

  /**
   * Validates an authorization request. Until the client and its redirect_uri are known good, errors
   * are shown as a page (RFC 6749 §4.1.2.1: never redirect to an unverified URI); after that, they
   * are sent back to the client as `error=` parameters.
   */
  authorize(query: Request['query']): AuthorizeOutcome {
    const clientId = single(query.client_id);
    const client = clientId ? this.store.findClient(clientId) : undefined;
    if (!client) return { kind: 'error-page', status: 400, title: 'Unknown application', message: 'The client_id is missing or is not a registered Paga client.' };
    const redirectUri = single(query.redirect_uri);
    if (!redirectUri) return { kind: 'error-page', status: 400, title: 'Invalid request', message: 'The redirect_uri parameter is missing.' };
    if (!client.redirectUris.includes(redirectUri)) {
      return { kind: 'error-page', clientId: client.clientId, status: 400, title: 'Invalid redirect', message: 'The redirect_uri does not match any redirect URI registered for this client.' };
    }
    const state = single(query.state);
    const fail = (error: string, description: string): AuthorizeOutcome => ({
      kind: 'redirect',
      clientId: client.clientId,
      location: clientRedirect(redirectUri, { error, error_description: description, state }),
    });
    if (single(query.response_type) !== 'code') return fail('unsupported_response_type', 'Only response_type=code is supported.');
    const scopes = parseList(query.scope);
    if (!scopes.length) return fail('invalid_scope', 'At least one scope is required.');
    const unknownScope = scopes.find((s) => !Object.hasOwn(PAGA_SCOPES, s));
    if (unknownScope) return fail('invalid_scope', `Invalid scope: ${unknownScope.slice(0, 64)}`);
    const userData = parseList(query.user_data);
    const unknownField = userData.find((f) => !Object.hasOwn(PAGA_USER_DATA, f));
    if (unknownField) return fail('invalid_request', `Invalid user_data field: ${unknownField.slice(0, 64)}`);

    const request: AuthorizationRequest = { clientId: client.clientId, clientName: client.name, redirectUri, state, scopes, userData };
    const decision = this.store.takeDecision(client.clientId);
    if (decision) return this.decide(request, decision.decision, decision.username);
    return { kind: 'login-page', clientId: client.clientId, request, nonce: this.store.createLoginPage(request) };
  }

  /** The login form's POST: the nonce stands for the request the page was rendered for (single use). */
  submit(body: unknown): AuthorizeOutcome {
    const form = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const nonce = single(form.nonce);
    const request = nonce ? this.store.takeLoginPage(nonce) : undefined;
    if (!request) {
      return { kind: 'error-page', status: 400, title: 'This page has expired', message: 'This sign-in page has expired or was already used.' };
    }
    const decision = single(form.decision);
    if (decision === 'deny') return this.decide(request, 'deny');
    if (decision !== 'approve') return { kind: 'error-page', clientId: request.clientId, status: 400, title: 'Invalid request', message: 'Choose Approve or Deny.' };
    const login = single(form.username)?.slice(0, 100) ?? '';
    const user = this.store.authenticateUser(login, single(form.password) ?? '');
    if (!user) {
      return { kind: 'login-page', clientId: request.clientId, request, nonce: this.store.createLoginPage(request), error: 'The username or password is incorrect.', login };
    }
    return this.decide(request, 'approve', user.username);
  }

  private decide(request: AuthorizationRequest, decision: 'approve' | 'deny', username?: string): AuthorizeOutcome {
    if (decision === 'deny' || !username) {
      return {
        kind: 'redirect',
        clientId: request.clientId,
        location: clientRedirect(request.redirectUri, { error: 'access_denied', error_description: 'The user denied access.', state: request.state }),
      };
    }
    const code = this.store.issueCode(request, username);
    return { kind: 'redirect', clientId: request.clientId, location: clientRedirect(request.redirectUri, { code, state: request.state }) };
  }

  /** The token endpoint (P2). Basic client authentication; parameters in the query string or a form body. */
  async token(req: Request, note: JournalNote): Promise<WireReply> {
    const forced = this.store.peekFailure('token');
    if (forced) {
      this.store.takeFailure('token');
      if (forced.delayMs) await sleep(forced.delayMs);
      if (forced.httpStatus) return forcedHttpFailure('token', forced);
    }
    note.grantType = readParam(req, 'grant_type')?.slice(0, 40);
    const credentials = parseBasicAuth(req.headers.authorization);
    const client = credentials ? this.store.authenticateClient(credentials.clientId, credentials.clientSecret) : undefined;
    if (!client) {
      return oauthError(401, 'invalid_client', 'Bad client credentials', { 'WWW-Authenticate': 'Basic realm="oauth2/client"', ...NO_STORE });
    }
    note.clientId = client.clientId;
    const grantType = readParam(req, 'grant_type');
    if (!grantType) return oauthError(400, 'invalid_request', 'Missing grant type', NO_STORE);

    if (grantType === 'authorization_code') {
      const code = readParam(req, 'code');
      if (!code) return oauthError(400, 'invalid_request', 'An authorization code must be supplied.', NO_STORE);
      const result = this.store.redeemCode(code, client.clientId, readParam(req, 'redirect_uri'));
      if (!result.ok) {
        const descriptions = {
          unknown: 'Invalid authorization code',
          expired: 'Authorization code expired',
          redirect_mismatch: 'Redirect URI mismatch.',
          reused: 'Authorization code already used; the tokens issued from it are revoked.',
        } as const;
        return oauthError(400, 'invalid_grant', descriptions[result.reason], NO_STORE);
      }
      // scope and user_data re-sent by the libraries are tolerated and ignored (spec 1.6): the grant is the code's.
      return this.tokenResponse(result.tokens, note);
    }

    if (grantType === 'refresh_token') {
      const refreshToken = readParam(req, 'refresh_token');
      if (!refreshToken) return oauthError(400, 'invalid_request', 'A refresh token must be supplied.', NO_STORE);
      const result = this.store.refresh(refreshToken, client.clientId, parseList(readParam(req, 'scope')));
      if (!result.ok) {
        if (result.reason === 'scope') {
          return oauthError(400, 'invalid_scope', `Unable to narrow the scope of the client authentication to [${result.allowed.join(', ')}].`, NO_STORE);
        }
        const descriptions = { unknown: 'Invalid refresh token', revoked: 'Invalid refresh token (revoked)', expired: 'Invalid refresh token (expired)' } as const;
        return oauthError(400, 'invalid_grant', descriptions[result.reason], NO_STORE);
      }
      return this.tokenResponse(result.tokens, note);
    }

    return oauthError(400, 'unsupported_grant_type', `Unsupported grant type: ${grantType.slice(0, 40)}`, NO_STORE);
  }

  private tokenResponse(tokens: IssuedTokens, note: JournalNote): WireReply {
    note.username = tokens.username;
    note.tokenHash = tokenHash(tokens.accessToken);
    return {
      status: 200,
      headers: NO_STORE,
      body: {
        access_token: tokens.accessToken,
        token_type: 'bearer',
        refresh_token: tokens.refreshToken,
        expires_in: tokens.expiresIn,
        scope: tokens.scopes.join(' '),
        user_data: tokens.userData.join(' '),
        authorities: [],
      },
    };
  }
}
