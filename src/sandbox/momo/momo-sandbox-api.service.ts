import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  MOMO_CURRENCY,
  MOMO_GATEWAY_MESSAGES,
  MOMO_LOGIN_FAILED,
  MOMO_SANDBOX_BASIC_USER_INFO,
  MOMO_SUBSCRIPTION_KEY_HEADER,
  MOMO_SUBSCRIPTION_KEY_QUERY,
  MOMO_TARGET_ENVIRONMENT,
  MOMO_TOKEN_REJECTS_BODY,
  type MomoProduct,
} from './momo-sandbox.constants.js';
import { formatCents } from './momo-sandbox.money.js';
import { accountHolderBehaviour, statusBody } from './momo-sandbox.outcomes.js';
import { matchWireRoute, type WireRoute } from './momo-sandbox.routes.js';
import {
  checkCallbackUrl,
  checkCurrency,
  isUuid,
  parseAccountHolder,
  parseBasicAuth,
  parseBearer,
  parsePaymentRequest,
  parseProviderCallbackHost,
  referenceIdFrom,
  type RuleError,
} from './momo-sandbox.rules.js';
import { MomoSandboxScheduler } from './momo-sandbox.scheduler.js';
import { type ApiUser, type ForcedFailure, MomoSandboxStore, tokenHash } from './momo-sandbox.store.js';
import { gatewayError, type JournalNote, journalNote, momoError, sendWire, sleep, type WireReply } from './momo-sandbox.wire.js';

type Routed<O extends WireRoute['operation']> = Extract<WireRoute, { operation: O }>;
type ProductRoute = Exclude<WireRoute, { operation: 'createApiUser' | 'createApiKey' | 'getApiUser' | 'token' }>;

function ruleError(error: RuleError): WireReply {
  return momoError(error.code, error.message);
}

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The answer a forced failure (`__control/fail-next`) gives in place of the real one. */
export function forcedReply(failure: ForcedFailure): WireReply {
  const status = failure.httpStatus!;
  const message = failure.message;
  if (failure.code) return momoError(failure.code, message ?? 'Failure forced by the sandbox control API.', status);
  // The gateway answers these before MoMo sees the call (§7.3).
  if (status === 401) return gatewayError(status, message ?? MOMO_GATEWAY_MESSAGES.invalidKey);
  if (status === 403) return gatewayError(status, message ?? MOMO_GATEWAY_MESSAGES.forbidden);
  if (status === 404) return gatewayError(status, message ?? MOMO_GATEWAY_MESSAGES.notFound);
  if (status === 429) return { ...gatewayError(status, message ?? MOMO_GATEWAY_MESSAGES.rateLimited), headers: { 'Retry-After': '1' } };
  const code = status === 400 ? 'BAD_REQUEST' : status === 409 ? 'RESOURCE_ALREADY_EXIST' : status === 503 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_PROCESSING_ERROR';
  return momoError(code, message, status);
}

/**
 * MoMo's wire surface: provisioning (§3), token (§4), collection and disbursement (§5). Checks run in
 * the order a call meets them: the route, the gateway (subscription key of the product, bearer token),
 * then MoMo (target environment, the API user's product, headers, body, currency, callback host,
 * reference-id reuse). Every answer is MoMo-shaped; nothing throws into the problem+json filter.
 */
@Injectable()
export class MomoSandboxApiService {
  constructor(
    private readonly store: MomoSandboxStore,
    private readonly scheduler: MomoSandboxScheduler,
  ) {}

  /** Serves one wire request; `path` is below /sandbox/momo, without the query. */
  async serve(req: Request, res: Response, path: string): Promise<void> {
    const note = journalNote(res);
    const match = matchWireRoute(req.method, path);
    note.product = match.kind !== 'route' ? match.product : 'product' in match.route ? match.route.product : undefined;
    if (match.kind !== 'route') {
      note.operation = 'unknown';
      const reply = match.kind === 'malformed' ? momoError('BAD_REQUEST', 'The URL contains an empty path segment.') : gatewayError(404, MOMO_GATEWAY_MESSAGES.notFound);
      note.errorCode = errorCodeOf(reply);
      return sendWire(res, reply);
    }
    const route = match.route;
    note.operation = route.operation;

    const failure = this.store.takeFailure(route.operation, note.product);
    const breaks = failure && (failure.drop || failure.httpStatus !== undefined);
    if (failure?.delayMs && failure.when !== 'after') await sleep(failure.delayMs);
    if (breaks && failure.when !== 'after') return this.fail(req, res, failure, note);

    const reply = this.execute(req, route, note);
    note.errorCode = errorCodeOf(reply);
    if (failure?.delayMs && failure.when === 'after') await sleep(failure.delayMs);
    if (breaks && failure.when === 'after') return this.fail(req, res, failure, note);
    sendWire(res, reply);
  }

  private fail(req: Request, res: Response, failure: ForcedFailure, note: JournalNote): void {
    if (failure.drop) {
      req.socket.destroy();
      return;
    }
    const reply = forcedReply(failure);
    note.errorCode = errorCodeOf(reply);
    sendWire(res, reply);
  }

  private execute(req: Request, route: WireRoute, note: JournalNote): WireReply {
    // Whatever became due since the last request is final before anything is read.
    void this.scheduler.settle();
    switch (route.operation) {
      case 'createApiUser':
        return this.createApiUser(req, note);
      case 'createApiKey':
        return this.createApiKey(req, route, note);
      case 'getApiUser':
        return this.getApiUser(req, route, note);
      case 'token':
        return this.token(req, route, note);
      default:
        return this.productCall(req, route, note);
    }
  }

  // ---- the gateway ----

  /** The product of the subscription key presented (header, or the `subscription-key` query parameter), or the gateway's 401. */
  private subscription(req: Request): MomoProduct | WireReply {
    const fromQuery = (req.query as Record<string, unknown>)[MOMO_SUBSCRIPTION_KEY_QUERY];
    const key = header(req, MOMO_SUBSCRIPTION_KEY_HEADER) ?? (typeof fromQuery === 'string' ? fromQuery : undefined);
    if (!key) return gatewayError(401, MOMO_GATEWAY_MESSAGES.missingKey);
    return this.store.productOfSubscriptionKey(key) ?? gatewayError(401, MOMO_GATEWAY_MESSAGES.invalidKey);
  }

  /** A product path needs that product's key: another product's key is as invalid as a wrong one. */
  private productKey(req: Request, product: MomoProduct): WireReply | undefined {
    const found = this.subscription(req);
    if (typeof found !== 'string') return found;
    return found === product ? undefined : gatewayError(401, MOMO_GATEWAY_MESSAGES.invalidKey);
  }

  // ---- provisioning (§3): any product's key; the API user belongs to that product ----

  private createApiUser(req: Request, note: JournalNote): WireReply {
    const product = this.subscription(req);
    if (typeof product !== 'string') return product;
    note.product = product;
    const id = referenceIdFrom(header(req, 'x-reference-id'));
    if (!id.ok) return ruleError(id.error);
    note.referenceId = note.apiUser = id.value;
    const host = parseProviderCallbackHost(req.body);
    if (!host.ok) return ruleError(host.error);
    if (!this.store.createApiUser(id.value, product, host.value)) return momoError('RESOURCE_ALREADY_EXIST');
    return { status: 201 };
  }

  private provisionedUser(req: Request, apiUser: string, note: JournalNote): ApiUser | WireReply {
    const product = this.subscription(req);
    if (typeof product !== 'string') return product;
    note.product = product;
    if (!isUuid(apiUser)) return momoError('BAD_REQUEST', 'The API user id must be a UUID.');
    note.apiUser = apiUser.toLowerCase();
    return this.store.findApiUser(apiUser) ?? momoError('RESOURCE_NOT_FOUND');
  }

  private createApiKey(req: Request, route: Routed<'createApiKey'>, note: JournalNote): WireReply {
    const user = this.provisionedUser(req, route.apiUser, note);
    if ('status' in user) return user;
    const apiKey = this.store.createApiKey(user.apiUser);
    return apiKey ? { status: 201, body: { apiKey } } : momoError('RESOURCE_NOT_FOUND');
  }

  private getApiUser(req: Request, route: Routed<'getApiUser'>, note: JournalNote): WireReply {
    const user = this.provisionedUser(req, route.apiUser, note);
    if ('status' in user) return user;
    return { status: 200, body: { providerCallbackHost: user.providerCallbackHost, targetEnvironment: MOMO_TARGET_ENVIRONMENT } };
  }

  // ---- token (§4) ----

  private token(req: Request, route: Routed<'token'>, note: JournalNote): WireReply {
    const keyError = this.productKey(req, route.product);
    if (keyError) return keyError;
    if (MOMO_TOKEN_REJECTS_BODY && hasBody(req)) return momoError('BAD_REQUEST', 'The token endpoint takes no body.');
    const credentials = parseBasicAuth(header(req, 'authorization'));
    if (credentials && isUuid(credentials.apiUser)) note.apiUser = credentials.apiUser.toLowerCase();
    const user = credentials && this.store.authenticate(credentials.apiUser, credentials.apiKey);
    if (!user) return { status: 401, body: { error: MOMO_LOGIN_FAILED } };
    // An API user of the other product still gets a token here; its product calls then fail (§1).
    const { accessToken, expiresIn } = this.store.issueToken(route.product, user.apiUser);
    note.tokenHash = tokenHash(accessToken);
    return { status: 200, body: { access_token: accessToken, token_type: 'access_token', expires_in: expiresIn } };
  }

  // ---- collection and disbursement (§5) ----

  private productCall(req: Request, route: ProductRoute, note: JournalNote): WireReply {
    const keyError = this.productKey(req, route.product);
    if (keyError) return keyError;
    const bearer = parseBearer(header(req, 'authorization'));
    if (bearer) note.tokenHash = tokenHash(bearer);
    const lookup = bearer ? this.store.lookupToken(bearer) : undefined;
    // A token from the other product's /token/ is not valid here either (§15 #1 for the body).
    if (lookup?.status !== 'valid' || lookup.token.product !== route.product) return gatewayError(401, MOMO_GATEWAY_MESSAGES.invalidToken);
    note.apiUser = lookup.token.apiUser;
    const environment = header(req, 'x-target-environment');
    if (environment === undefined) return momoError('BAD_REQUEST', 'X-Target-Environment header is missing.');
    if (environment !== MOMO_TARGET_ENVIRONMENT) return momoError('NOT_ALLOWED_TARGET_ENVIRONMENT');
    const user = this.store.findApiUser(lookup.token.apiUser);
    if (!user || user.product !== route.product) return momoError('NOT_ALLOWED_TARGET_ENVIRONMENT');

    switch (route.operation) {
      case 'requesttopay':
      case 'transfer':
        return this.create(req, route, user, note);
      case 'status':
        return this.status(route, note);
      case 'balance':
        if (route.currency !== undefined && route.currency !== MOMO_CURRENCY) return momoError('INVALID_CURRENCY');
        return { status: 200, body: { availableBalance: formatCents(this.store.getBalance(route.product)), currency: MOMO_CURRENCY } };
      case 'accountholderActive':
      case 'basicUserInfo':
        return this.accountHolder(route);
    }
  }

  private create(req: Request, route: Routed<'requesttopay' | 'transfer'>, user: ApiUser, note: JournalNote): WireReply {
    const referenceId = referenceIdFrom(header(req, 'x-reference-id'));
    if (!referenceId.ok) return ruleError(referenceId.error);
    note.referenceId = referenceId.value;
    const request = parsePaymentRequest(route.kind, req.body);
    if (!request.ok) return ruleError(request.error);
    const currency = checkCurrency(request.value.currency);
    if (!currency.ok) return ruleError(currency.error);
    const callbackUrl = checkCallbackUrl(req.headers['x-callback-url'], user.providerCallbackHost);
    if (!callbackUrl.ok) return ruleError(callbackUrl.error);
    const created = this.store.createTransaction({
      kind: route.kind,
      product: route.product,
      referenceId: referenceId.value,
      apiUser: user.apiUser,
      callbackUrl: callbackUrl.value,
      request: request.value,
    });
    if (!created.ok) return momoError('RESOURCE_ALREADY_EXIST');
    this.scheduler.arm();
    return { status: 202 };
  }

  private status(route: Routed<'status'>, note: JournalNote): WireReply {
    if (!isUuid(route.referenceId)) return momoError('BAD_REQUEST', 'The reference id must be a UUID.');
    note.referenceId = route.referenceId.toLowerCase();
    const transaction = this.store.findTransaction(route.kind, route.referenceId);
    if (!transaction) return momoError('RESOURCE_NOT_FOUND');
    return { status: 200, body: statusBody(transaction, this.store.getSettings().reasonFormat) };
  }

  private accountHolder(route: Routed<'accountholderActive' | 'basicUserInfo'>): WireReply {
    const holder = parseAccountHolder(route.idType, route.id, { msisdnOnly: route.operation === 'basicUserInfo' });
    if (!holder.ok) return ruleError(holder.error);
    const behaviour = accountHolderBehaviour(holder.value.type, holder.value.id);
    if (behaviour?.kind === 'error') return momoError(behaviour.code);
    if (route.operation === 'basicUserInfo') return { status: 200, body: { ...MOMO_SANDBOX_BASIC_USER_INFO } };
    return { status: 200, body: { result: behaviour?.kind !== 'inactive' } };
  }
}

/** Whether the request carried a body (the parsers have read it by now; the headers tell). */
function hasBody(req: Request): boolean {
  const length = Number(req.headers['content-length'] ?? 0);
  return length > 0 || req.headers['transfer-encoding'] !== undefined;
}

/** The error code an answer carries, for the journal: MoMo's `code`, the token `error`, or `gateway-<status>`. */
function errorCodeOf(reply: WireReply): string | undefined {
  if (reply.status < 400) return undefined;
  const body = reply.body as { code?: unknown; error?: unknown; statusCode?: unknown } | undefined;
  if (typeof body?.code === 'string') return body.code;
  if (typeof body?.error === 'string') return body.error;
  if (typeof body?.statusCode === 'number') return `gateway-${body.statusCode}`;
  return undefined;
}
