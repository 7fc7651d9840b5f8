import { Inject, Injectable, Logger } from '@nestjs/common';
import { DEFAULT_PROVIDER_HTTP_POLICY, ProviderHttp } from '../../common/http/provider-http.js';
import { parse as parseLossless } from 'lossless-json';
import { AppError } from '../../common/errors/app-error.js';
import type { ProviderTokenSet } from '../../consents/consent-provider.registry.js';
import { OAuthGrantError, ProviderUnauthorizedError } from '../../consents/oauth.errors.js';
import { OffsetClock, PayseraMacService, type MacCredentials } from '../../crypto/paysera-mac.service.js';
import { PAYSERA_CONFIG, type PayseraConfig } from './paysera.config.js';
import { tokenSetFromPaysera } from './paysera.mapper.js';

const REST = '/rest/v1';
const OAUTH = '/oauth/v1';
const MAX_BODY_BYTES = 256 * 1024;
const MAX_KEY_BYTES = 16 * 1024;

type Json = Record<string, unknown>;

/** Which MAC credentials sign a call: Gatehouse's client (client_id + MAC key) or a user's token. */
export type PayseraCredentials = { kind: 'client' } | { kind: 'user'; accessToken: string; macKey: string };
export const CLIENT_CREDENTIALS: PayseraCredentials = { kind: 'client' };

/** A refusal Paysera stated (`{error, error_description}` with a 4xx): the merchant sees 422 with Paysera's words. */
export class PayseraRefusal extends AppError {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly httpStatus: number,
    operation: string,
  ) {
    super('PROVIDER_REJECTED', `Paysera refused ${operation}: ${description || error}.`);
  }
}

interface WireAnswer {
  status: number;
  body: Json;
  correlationId: string | null;
}

/** A Paysera error description is shown to merchants: printable, short, never an echo of anything long. */
function describe(body: Json): string {
  const d = typeof body.error_description === 'string' ? body.error_description : '';
  return d.replace(/[^\x20-\x7e]/g, '').slice(0, 200);
}

/**
 * Paysera's wire (spec PART A): URLs, MAC signing of every call (client credentials for client calls,
 * the user's MAC token for user calls), timeouts and typed errors; what the answers mean is the
 * mapper's job. Each body is serialized once and those exact bytes are hashed, signed and sent.
 * On `invalid_timestamp` the server time is read (GET /rest/v1/server), the offset kept, and the
 * call signed afresh and sent once more, as Paysera's Java SDK does (A.7).
 */
@Injectable()
export class PayseraClient {
  private readonly logger = new Logger(PayseraClient.name);
  private readonly clock = new OffsetClock();
  private syncing?: Promise<void>;

  private readonly http: ProviderHttp;

  constructor(
    @Inject(PAYSERA_CONFIG) private readonly config: PayseraConfig,
    private readonly mac: PayseraMacService,
  ) {
    this.http = new ProviderHttp('Paysera', { ...DEFAULT_PROVIDER_HTTP_POLICY, timeoutMs: config.timeoutMs }, (fields, message) => this.logger.warn(fields, message));
  }

  get authorizationUrl(): string {
    return `${this.config.authBaseUrl}/oauth`;
  }

  get tokenUrl(): string {
    return `${this.config.apiBaseUrl}${OAUTH}/token`;
  }

  /** In production without PAYSERA_API_BASE_URL, Paysera is off: 503 before anything is written. */
  assertEnabled(): void {
    if (!this.config.enabled) throw new AppError('SERVICE_UNAVAILABLE', 'Paysera is not configured on this Gatehouse.');
  }

  /** Seconds our signatures are shifted by to match Paysera's clock. */
  get clockOffset(): number {
    return this.clock.offset;
  }

  confirmationUrl(transactionKey: string): string {
    return this.config.confirmUrlTemplate.replace('{transaction_key}', encodeURIComponent(transactionKey));
  }

  // ---- OAuth (A.8): form bodies, signed with the client's MAC credentials ----

  exchangeCode(code: string, redirectUri: string): Promise<ProviderTokenSet> {
    return this.token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
  }

  refresh(refreshToken: string): Promise<ProviderTokenSet> {
    return this.token({ grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  /**
   * DELETE /oauth/v1/token?access_token=… (A.8). The access token is a MAC id, sent in every
   * Authorization header anyway; without its MAC key it opens nothing.
   */
  async revokeAccessToken(accessToken: string): Promise<void> {
    const reply = await this.call('token.revoke', 'DELETE', `${OAUTH}/token?access_token=${encodeURIComponent(accessToken)}`, CLIENT_CREDENTIALS);
    if (reply.status === 404) return; // already gone
    this.expectOk(reply, CLIENT_CREDENTIALS, 'token.revoke');
  }

  // ---- wallet REST API (A.9) ----

  async user(credentials: PayseraCredentials): Promise<Json> {
    return this.rest('user.get', 'GET', '/user/me', credentials);
  }

  async balance(credentials: PayseraCredentials): Promise<Json> {
    return this.rest('wallet.balance', 'GET', '/wallet/me/balance', credentials);
  }

  createTransaction(body: Json): Promise<Json> {
    return this.rest('transaction.create', 'POST', '/transaction', CLIENT_CREDENTIALS, body);
  }

  getTransaction(key: string): Promise<Json> {
    return this.rest('transaction.get', 'GET', `/transaction/${encodeURIComponent(key)}`, CLIENT_CREDENTIALS);
  }

  /** The token's owner accepts and pays (scope initiate_transfers). */
  reserveTransaction(key: string, credentials: PayseraCredentials): Promise<Json> {
    return this.rest('transaction.reserve', 'PUT', `/transaction/${encodeURIComponent(key)}/reserve`, credentials);
  }

  /** Paid from the wallet's active allowance to this client, signed by the client. */
  reserveWithAllowance(key: string, walletId: string): Promise<Json> {
    return this.rest('transaction.reserve', 'PUT', `/transaction/${encodeURIComponent(key)}/reserve/${encodeURIComponent(walletId)}`, CLIENT_CREDENTIALS);
  }

  confirmTransaction(key: string): Promise<Json> {
    return this.rest('transaction.confirm', 'PUT', `/transaction/${encodeURIComponent(key)}/confirm`, CLIENT_CREDENTIALS);
  }

  revokeTransaction(key: string): Promise<Json> {
    return this.rest('transaction.revoke', 'DELETE', `/transaction/${encodeURIComponent(key)}`, CLIENT_CREDENTIALS);
  }

  createAllowance(credentials: PayseraCredentials, body: Json): Promise<Json> {
    return this.rest('allowance.create', 'POST', '/allowance', credentials, body);
  }

  getAllowance(id: string): Promise<Json> {
    return this.rest('allowance.get', 'GET', `/allowance/${encodeURIComponent(id)}`, CLIENT_CREDENTIALS);
  }

  cancelAllowance(id: string): Promise<Json> {
    return this.rest('allowance.cancel', 'DELETE', `/allowance/${encodeURIComponent(id)}`, CLIENT_CREDENTIALS);
  }

  /** GET /publickey: the PEM key callbacks are signed with (A.9). Unauthenticated. */
  async publicKey(): Promise<string> {
    const res = await this.send('publickey', `${this.config.apiBaseUrl}/publickey`, { method: 'GET', headers: { accept: 'text/plain, application/x-pem-file, */*' } });
    const text = await res.text();
    if (!res.ok || text.length > MAX_KEY_BYTES || !text.includes('-----BEGIN PUBLIC KEY-----')) {
      throw new AppError('PROVIDER_ERROR', `Paysera's /publickey answered ${res.status} without a usable key.`);
    }
    return text;
  }

  /** GET /rest/v1/server: Paysera's clock in Unix seconds (A.7). Unauthenticated. */
  async serverTime(): Promise<number> {
    const res = await this.send('server', `${this.config.apiBaseUrl}${REST}/server`, { method: 'GET', headers: { accept: 'application/json' } });
    const body = await this.readJson(res, 'server');
    const time = typeof body.time === 'string' && /^\d{9,11}$/.test(body.time) ? Number(body.time) : NaN;
    if (!res.ok || !Number.isSafeInteger(time)) throw new AppError('PROVIDER_ERROR', `Paysera's server time is unreadable (${res.status}).`);
    return time;
  }

  // ---- the wire ----

  private async token(params: Record<string, string>): Promise<ProviderTokenSet> {
    const reply = await this.call('token', 'POST', `${OAUTH}/token`, CLIENT_CREDENTIALS, { form: params });
    if (reply.status === 200) return tokenSetFromPaysera(reply.body);
    const error = typeof reply.body.error === 'string' ? reply.body.error : `http_${reply.status}`;
    // A.8: Paysera's refusals of a code or refresh token ("Refresh token expired", ...) end the consent.
    if (error === 'invalid_grant') throw new OAuthGrantError(error, describe(reply.body) || undefined);
    this.logger.warn({ operation: 'token', status: reply.status, error, correlationId: reply.correlationId }, 'Paysera token endpoint refused');
    throw new AppError('PROVIDER_ERROR', `Paysera's token endpoint answered ${reply.status} ${error}.`);
  }

  private async rest(operation: string, method: string, path: string, credentials: PayseraCredentials, json?: Json): Promise<Json> {
    const reply = await this.call(operation, method, `${REST}${path}`, credentials, json === undefined ? undefined : { json });
    return this.expectOk(reply, credentials, operation);
  }

  private expectOk(reply: WireAnswer, credentials: PayseraCredentials, operation: string): Json {
    if (reply.status >= 200 && reply.status < 300) return reply.body;
    const error = typeof reply.body.error === 'string' ? reply.body.error.slice(0, 64) : `http_${reply.status}`;
    const description = describe(reply.body);
    this.logger.warn({ operation, status: reply.status, error, credential: credentials.kind, correlationId: reply.correlationId }, 'Paysera refused a call');
    if (reply.status === 401) {
      // A user token Paysera no longer takes (expired: invalid_grant; revoked: unauthorized): the
      // token vault refreshes once and retries, or ends the consent.
      if (credentials.kind === 'user' && error !== 'invalid_timestamp') throw new ProviderUnauthorizedError(`Paysera: ${error}`);
      throw new AppError('PROVIDER_ERROR', `Paysera refused Gatehouse's signature on ${operation} (${error}${description ? `: ${description}` : ''}).`);
    }
    if (reply.status === 403) {
      if (credentials.kind === 'user') throw new AppError('CONSENT_SCOPE_MISSING', `Paysera says the consent does not allow ${operation}${description ? ` (${description})` : ''}.`);
      throw new AppError('PROVIDER_ERROR', `Paysera does not let Gatehouse's client do ${operation}.`);
    }
    if (reply.status >= 400 && reply.status < 500 && reply.status !== 429) throw new PayseraRefusal(error, description, reply.status, operation);
    throw new AppError('PROVIDER_ERROR', `Paysera answered ${reply.status} to ${operation}.`);
  }

  /**
   * One signed exchange, with the one retry A.7 allows: a fresh ts and nonce after a clock sync.
   * Nothing is retried otherwise (Paysera's refusal came before it acted on the request).
   */
  private async call(operation: string, method: string, path: string, credentials: PayseraCredentials, body?: { json: Json } | { form: Record<string, string> }): Promise<WireAnswer> {
    const url = new URL(`${this.config.apiBaseUrl}${path}`);
    let bytes: Buffer | undefined;
    let contentType: string | undefined;
    if (body && 'json' in body) {
      bytes = Buffer.from(JSON.stringify(body.json), 'utf8');
      contentType = 'application/json';
    } else if (body) {
      bytes = Buffer.from(new URLSearchParams(body.form).toString(), 'utf8');
      contentType = 'application/x-www-form-urlencoded';
    }
    const mac: MacCredentials =
      credentials.kind === 'client' ? { macId: this.config.clientId, macKey: this.config.macKey } : { macId: credentials.accessToken, macKey: credentials.macKey };
    for (let attempt = 1; ; attempt++) {
      const signature = this.mac.sign({ method, url, body: bytes }, mac, { ts: this.clock.now() });
      const headers: Record<string, string> = { authorization: signature.authorization, accept: 'application/json' };
      if (contentType) headers['content-type'] = contentType;
      const res = await this.send(operation, url.toString(), { method, headers, body: bytes });
      const answer: WireAnswer = { status: res.status, body: await this.readJson(res, operation), correlationId: res.headers.get('paysera-correlation-id') };
      if (attempt === 1 && res.status === 401 && answer.body.error === 'invalid_timestamp') {
        this.logger.warn({ operation, offset: this.clock.offset, correlationId: answer.correlationId }, 'Paysera refused our timestamp; syncing the clock');
        await this.syncClock();
        continue;
      }
      return answer;
    }
  }

  /** One server-time read however many calls hit invalid_timestamp together. */
  private syncClock(): Promise<void> {
    this.syncing ??= this.serverTime()
      .then((time) => {
        this.clock.syncTo(time);
        this.logger.log({ offset: this.clock.offset }, 'Paysera clock offset updated');
      })
      .finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private async send(operation: string, url: string, init: RequestInit): Promise<Response> {
    this.assertEnabled();
    try {
      // Never follow a provider's redirect: it could carry our signed request somewhere else.
      // Timeout and circuit breaker; never a blind retry: each signed request has a one-time nonce.
      const res = await this.http.send({ operation, url, init });
      if (res.status >= 300 && res.status < 400) throw new AppError('PROVIDER_ERROR', `Paysera redirected ${operation}; redirects are not followed.`);
      return res;
    } catch (err) {
      if (err instanceof AppError) throw err;
      const timedOut = (err as Error).name === 'TimeoutError';
      this.logger.warn({ operation, timedOut }, 'Paysera call failed');
      throw new AppError(timedOut ? 'PROVIDER_TIMEOUT' : 'PROVIDER_ERROR', timedOut ? `Paysera did not answer ${operation} in time.` : `Paysera could not be reached for ${operation}.`, { cause: err });
    }
  }

  private async readJson(res: Response, operation: string): Promise<Json> {
    const text = await res.text();
    if (text.length > MAX_BODY_BYTES) throw new AppError('PROVIDER_ERROR', `Paysera's answer to ${operation} is too large.`);
    if (!text) {
      // A.6: a 200 without a body is an error in Paysera's own client.
      if (res.ok && res.status !== 204) throw new AppError('PROVIDER_ERROR', `Paysera's answer to ${operation} is empty.`);
      return {};
    }
    try {
      // Numbers stay strings: amounts are cents or decimals and must not become floats.
      const parsed = parseLossless(text, null, (value: string) => value);
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Json) : {};
    } catch {
      if (res.ok) throw new AppError('PROVIDER_ERROR', `Paysera's answer to ${operation} is not JSON.`);
      return {};
    }
  }
}
