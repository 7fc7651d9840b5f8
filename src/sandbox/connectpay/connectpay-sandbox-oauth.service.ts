import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import {
  CONNECTPAY_ACCESS_TOKEN_TTL_SECONDS,
  CONNECTPAY_CALLBACK_ERRORS,
  CONNECTPAY_FLOW_ID,
  CONNECTPAY_OTP_MAX_ATTEMPTS,
  CONNECTPAY_REFRESH_TOKEN_TTL_SECONDS,
  type ConnectPayScope,
} from './connectpay-sandbox.constants.js';
import { callbackUrl, checkRedirectUrl, checkScopes, isUuid, isUuidV4, maskCustomerName, parseBasicAuth, readFlowId, single } from './connectpay-sandbox.rules.js';
import { type AuthorizationRequest, ConnectPaySandboxStore, type IssuedTokens, type Psu, type SandboxClient, tokenHash } from './connectpay-sandbox.store.js';
import { forcedFailure, invalidClient, type JournalNote, NO_STORE, oauthError, sleep, type WireReply } from './connectpay-sandbox.wire.js';

/** What the Auth Web App does next. */
export type AuthorizeOutcome = { clientId?: string } & (
  | { kind: 'error-page'; status: number; title: string; message: string }
  | { kind: 'redirect'; location: string }
  | { kind: 'login-page'; request: AuthorizationRequest; pageNonce: string; error?: string; login?: string }
  | { kind: 'otp-page'; request: AuthorizationRequest; pageNonce: string; personId: string; error?: string }
  | { kind: 'consent-page'; request: AuthorizationRequest; pageNonce: string; personId: string; error?: string }
);

/** The request's X-Request-ID when it is a UUID (spec 2.5: required on every call). */
export function requestIdOf(req: Request): string | undefined {
  const value = req.headers['x-request-id'];
  return isUuid(value) ? value : undefined;
}

function formOf(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}

/** The checked `scope` boxes of the consent form: one value, several (repeated field) or none. */
function checkedScopes(value: unknown): string[] {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.filter((v): v is string => typeof v === 'string');
}

/** ConnectPay's Auth Web App (authorize, spec 2.3/2.4) and its OAuth endpoints (token and revoke, spec 2.5/2.6). */
@Injectable()
export class ConnectPaySandboxOAuthService {
  constructor(private readonly store: ConnectPaySandboxStore) {}

  /**
   * Until the client and its redirect_url are known good, errors are shown as a page (never redirect
   * to an unverified URL); after that they go back to the client as `error=…&state=…`.
   */
  authorize(query: Record<string, unknown>): AuthorizeOutcome {
    const client = this.store.findClient(single(query.client_id) ?? '');
    if (!client) return { kind: 'error-page', status: 400, title: 'Unknown application', message: 'The client_id is missing or is not a registered ConnectPay DevApp.' };
    const redirectUrl = single(query.redirect_url);
    const redirectCheck = checkRedirectUrl(redirectUrl, client.redirectUrls);
    if (redirectCheck !== 'ok') {
      const messages = {
        missing: 'The redirect_url parameter is missing (note: redirect_url, not redirect_uri).',
        malformed: 'The redirect_url is not a valid absolute URL.',
        'has-query': 'The redirect_url must not contain a query string or fragment.',
        'not-registered': 'The redirect_url is not one of the callback URLs registered for this DevApp.',
      } as const;
      return { kind: 'error-page', clientId: client.clientId, status: 400, title: 'Invalid redirect', message: messages[redirectCheck] };
    }
    const state = single(query.state);
    const fail = (error: string, description: string): AuthorizeOutcome => ({
      kind: 'redirect',
      clientId: client.clientId,
      location: callbackUrl(redirectUrl!, { error, error_description: description, state }),
    });
    if (single(query.response_type) !== 'code') return fail(CONNECTPAY_CALLBACK_ERRORS.unsupportedResponseType, 'Only response_type=code is supported.');
    if (readFlowId(query) !== CONNECTPAY_FLOW_ID) return fail(CONNECTPAY_CALLBACK_ERRORS.invalidRequest, `flowid must be ${CONNECTPAY_FLOW_ID}.`);
    if (!state) return fail(CONNECTPAY_CALLBACK_ERRORS.invalidRequest, 'The state parameter is required.');
    const nonce = single(query.nonce);
    if (!isUuidV4(nonce)) return fail(CONNECTPAY_CALLBACK_ERRORS.invalidRequest, 'The nonce must be a UUIDv4.');
    const scopes = checkScopes(single(query.scope));
    if (!scopes.ok) return fail(CONNECTPAY_CALLBACK_ERRORS.invalidScope, scopes.description);
    // Last: only a request that is otherwise valid uses up its nonce.
    if (!this.store.useNonce(nonce)) return fail(CONNECTPAY_CALLBACK_ERRORS.invalidRequest, 'The nonce was already used.');

    const request: AuthorizationRequest = { clientId: client.clientId, clientName: client.name, redirectUrl: redirectUrl!, state, nonce, scopes: scopes.scopes };
    const decision = this.store.takeDecision();
    if (decision) {
      // A scripted decision grants what was asked, or the part of it the script names.
      const granted = request.scopes.filter((s) => (decision.scopes ?? request.scopes).includes(s));
      return this.decide(request, decision.decision, decision, granted);
    }
    return { kind: 'login-page', clientId: client.clientId, request, pageNonce: this.store.createPage(request, 'login') };
  }

  /** A POST of the login, one-time-code or consent form; `page` is the page's single-use nonce. */
  submit(body: unknown): AuthorizeOutcome {
    const form = formOf(body);
    const page = this.store.takePage(single(form.page) ?? '');
    if (!page) return { kind: 'error-page', status: 400, title: 'This page has expired', message: 'This sign-in page has expired or was already used. Start again from the site you came from.' };
    const { request } = page;
    const decision = single(form.decision);
    if (decision === 'deny') return this.decide(request, 'deny');
    const invalid = (message: string): AuthorizeOutcome => ({ kind: 'error-page', clientId: request.clientId, status: 400, title: 'Invalid request', message });

    switch (page.step) {
      case 'login': {
        // SCA, factor 1: the password.
        if (decision !== 'login') return invalid('Sign in or cancel.');
        const login = (single(form.username) ?? '').slice(0, 100);
        const person = this.store.authenticatePerson(login, single(form.password) ?? '');
        if (!person) {
          return { kind: 'login-page', clientId: request.clientId, request, pageNonce: this.store.createPage(request, 'login'), error: 'The username or password is incorrect.', login };
        }
        return { kind: 'otp-page', clientId: request.clientId, request, personId: person.personId, pageNonce: this.store.createPage(request, 'otp', person.personId) };
      }
      case 'otp': {
        // SCA, factor 2: the one-time code. Too many wrong codes end the request.
        if (decision !== 'verify') return invalid('Confirm the code or cancel.');
        const personId = page.personId!;
        if (!this.store.checkOtp(single(form.otp) ?? '')) {
          const failures = page.otpFailures + 1;
          if (failures >= CONNECTPAY_OTP_MAX_ATTEMPTS) return this.decide(request, 'deny', undefined, [], 'Too many wrong one-time codes.');
          const left = CONNECTPAY_OTP_MAX_ATTEMPTS - failures;
          return {
            kind: 'otp-page',
            clientId: request.clientId,
            request,
            personId,
            pageNonce: this.store.createPage(request, 'otp', personId, failures),
            error: `The code is not correct. ${left} attempt${left === 1 ? '' : 's'} left.`,
          };
        }
        return { kind: 'consent-page', clientId: request.clientId, request, personId, pageNonce: this.store.createPage(request, 'consent', personId) };
      }
      case 'consent': {
        // The strongly authenticated Person picks one of their Customers and grants some or all scopes.
        if (decision !== 'approve') return invalid('Approve or deny.');
        const personId = page.personId!;
        const again = (error: string): AuthorizeOutcome => ({ kind: 'consent-page', clientId: request.clientId, request, personId, pageNonce: this.store.createPage(request, 'consent', personId), error });
        const customerId = single(form.customer) ?? '';
        if (!this.store.isPsu(personId, customerId)) return again('Choose one of the customers you may act for.');
        const checked = checkedScopes(form.scope);
        const granted = request.scopes.filter((s) => checked.includes(s));
        if (!granted.length) return again('Grant at least one permission, or deny.');
        return this.decide(request, 'approve', { personId, customerId }, granted);
      }
    }
  }

  /** The end of the Auth Web App: a code for the granted scopes, or access_denied when nothing was granted. */
  private decide(request: AuthorizationRequest, decision: 'approve' | 'deny', psu?: Psu, granted: ConnectPayScope[] = [], why = 'The user denied access.'): AuthorizeOutcome {
    if (decision === 'deny' || !psu || !granted.length) {
      return {
        kind: 'redirect',
        clientId: request.clientId,
        location: callbackUrl(request.redirectUrl, { error: CONNECTPAY_CALLBACK_ERRORS.accessDenied, error_description: why, state: request.state }),
      };
    }
    const code = this.store.issueCode(request, psu, granted);
    return { kind: 'redirect', clientId: request.clientId, location: callbackUrl(request.redirectUrl, { code, state: request.state, flowid: CONNECTPAY_FLOW_ID }) };
  }

  /** Checks shared by token and revoke: X-Request-ID, a form body, Basic client authentication. */
  private authenticate(req: Request, note: JournalNote): { client: SandboxClient; form: Record<string, unknown> } | WireReply {
    const requestId = requestIdOf(req);
    if (!requestId) return oauthError(400, 'invalid_request', 'The X-Request-ID header is required and must be a UUID.', undefined);
    if (!req.is('application/x-www-form-urlencoded')) return oauthError(400, 'invalid_request', 'The body must be application/x-www-form-urlencoded.', requestId);
    const credentials = parseBasicAuth(req.headers.authorization);
    if (!credentials) return invalidClient('Client authentication with HTTP Basic is required.', requestId);
    const client = this.store.authenticateClient(credentials.clientId, credentials.clientSecret);
    if (!client) return invalidClient('Bad client credentials.', requestId);
    note.clientId = client.clientId;
    const form = formOf(req.body);
    if (form.client_id !== undefined && form.client_id !== client.clientId) return oauthError(400, 'invalid_request', 'client_id in the body does not match the Basic credentials.', requestId);
    return { client, form };
  }

  /** The token endpoint (spec 2.5/2.6): grants authorization_code and refresh_token. */
  async token(req: Request, note: JournalNote): Promise<WireReply> {
    const requestId = requestIdOf(req);
    const forced = this.store.takeFailure('token');
    if (forced?.delayMs) await sleep(forced.delayMs);
    if (forced?.httpStatus && !forced.afterConsume) return forcedFailure('token', forced.httpStatus, forced.errorMessage, requestId);

    const auth = this.authenticate(req, note);
    if ('status' in auth) return auth;
    const { client, form } = auth;
    const grantType = single(form.grant_type);
    note.grantType = grantType?.slice(0, 40);
    let outcome: WireReply;
    if (grantType === 'authorization_code') {
      const code = single(form.code);
      if (!code) return oauthError(400, 'invalid_request', 'The code parameter is required.', requestId);
      const result = this.store.redeemCode(code, client.clientId, single(form.redirect_url));
      if (!result.ok) {
        const descriptions = {
          unknown: 'Invalid authorization code.',
          client_mismatch: 'The authorization code was issued to another client.',
          expired: 'The authorization code has expired (valid for 24 hours).',
          redirect_mismatch: 'redirect_url does not match the one of the authorization request.',
          reused: 'The authorization code was already used; the tokens issued for it are revoked.',
        } as const;
        return oauthError(400, 'invalid_grant', descriptions[result.reason], requestId);
      }
      outcome = this.tokenResponse(result.tokens, note);
    } else if (grantType === 'refresh_token') {
      const refreshToken = single(form.refresh_token);
      if (!refreshToken) return oauthError(400, 'invalid_request', 'The refresh_token parameter is required.', requestId);
      const result = this.store.refresh(refreshToken, client.clientId);
      if (!result.ok) {
        const descriptions = {
          unknown: 'Invalid refresh token.',
          client_mismatch: 'The refresh token was issued to another client.',
          expired: 'The refresh token has expired; authorize again.',
          revoked: 'The refresh token was revoked; authorize again.',
          rotated: 'The refresh token was already used; a refresh renews both tokens.',
        } as const;
        return oauthError(400, 'invalid_grant', descriptions[result.reason], requestId);
      }
      outcome = this.tokenResponse(result.tokens, note);
    } else if (!grantType) {
      return oauthError(400, 'invalid_request', 'The grant_type parameter is required.', requestId);
    } else {
      return oauthError(400, 'unsupported_grant_type', `Unsupported grant type: ${grantType.slice(0, 40)}`, requestId);
    }
    // The grant is done and its answer lost: the old code or refresh token is spent (spec 2.6 pitfall).
    if (forced?.httpStatus && forced.afterConsume) return forcedFailure('token', forced.httpStatus, forced.errorMessage, requestId);
    return outcome;
  }

  private tokenResponse(tokens: IssuedTokens, note: JournalNote): WireReply {
    note.personId = tokens.personId;
    note.customerId = tokens.customerId;
    note.tokenHash = tokenHash(tokens.accessToken);
    const psuIds = this.store.getSettings().includePsuIdsInTokenResponse ? { person_id: tokens.personId, customer_id: tokens.customerId } : {};
    return {
      status: 200,
      headers: NO_STORE,
      body: {
        token_type: 'Bearer',
        access_token: tokens.accessToken,
        refresh_token: tokens.refreshToken,
        expires_in: CONNECTPAY_ACCESS_TOKEN_TTL_SECONDS,
        client_customer_name: maskCustomerName(tokens.customerName),
        scope: tokens.scopes.join(' '),
        // A string, as ConnectPay sends it (spec 2.5).
        refresh_token_expires_in: String(CONNECTPAY_REFRESH_TOKEN_TTL_SECONDS),
        ...psuIds,
      },
    };
  }

  /** Revocation (spec 2.6 [A], RFC 7009): 200 with an empty body, also for unknown tokens. */
  async revoke(req: Request, note: JournalNote): Promise<WireReply> {
    const requestId = requestIdOf(req);
    const forced = this.store.takeFailure('revoke');
    if (forced?.delayMs) await sleep(forced.delayMs);
    if (forced?.httpStatus) return forcedFailure('revoke', forced.httpStatus, forced.errorMessage, requestId);
    const auth = this.authenticate(req, note);
    if ('status' in auth) return auth;
    const token = single(auth.form.token);
    if (!token) return oauthError(400, 'invalid_request', 'The token parameter is required.', requestId);
    this.store.revokeToken(token, auth.client.clientId);
    return { status: 200, headers: NO_STORE };
  }
}
