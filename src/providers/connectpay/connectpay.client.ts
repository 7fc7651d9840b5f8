import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DEFAULT_PROVIDER_HTTP_POLICY, ProviderHttp } from '../../common/http/provider-http.js';
import { parse as parseLossless } from 'lossless-json';
import { AppError } from '../../common/errors/app-error.js';
import type { ProviderTokenSet } from '../../consents/consent-provider.registry.js';
import { OAuthGrantError, ProviderUnauthorizedError } from '../../consents/oauth.errors.js';
import { CONNECTPAY_CONFIG, type ConnectPayConfig } from './connectpay.config.js';
import { apiErrorFrom, tokenSetFromConnectPay } from './connectpay.mapper.js';

const MAX_BODY_BYTES = 1024 * 1024;

type Json = Record<string, unknown>;

export interface TransactionQuery {
  dateFrom?: string;
  dateTo?: string;
  sortOrder?: 'asc' | 'desc';
  pageNo: number;
  pageSize: number;
}

/**
 * ConnectPay's wire: URLs, headers (a fresh X-Request-ID on every call, spec 2.5), HTTP Basic
 * client authentication with form bodies at the token endpoint, Bearer on the resource API,
 * timeouts, and typed errors. What the answers mean is the mapper's job.
 *
 * Errors: 401 from the resource API is ProviderUnauthorizedError (the vault refreshes once and
 * retries); any other 4xx is ConnectPayApiError, a definite refusal; 5xx and transport failures
 * are PROVIDER_ERROR / PROVIDER_TIMEOUT, outcomes unknown.
 */
@Injectable()
export class ConnectPayClient {
  private readonly logger = new Logger(ConnectPayClient.name);

  private readonly http: ProviderHttp;

  constructor(@Inject(CONNECTPAY_CONFIG) private readonly config: ConnectPayConfig) {
    this.http = new ProviderHttp('ConnectPay', { ...DEFAULT_PROVIDER_HTTP_POLICY, timeoutMs: config.timeoutMs }, (fields, message) => this.logger.warn(fields, message));
  }

  get authorizationUrl(): string {
    return this.config.authorizeUrl;
  }

  get tokenUrl(): string {
    return this.config.tokenUrl;
  }

  /** Spec 2.5: `grant_type=authorization_code&code=…` only (redirect_url when configured). Never retried. */
  exchangeCode(code: string): Promise<ProviderTokenSet> {
    return this.token({ grant_type: 'authorization_code', code, ...(this.config.tokenSendsRedirectUrl ? { redirect_url: this.config.callbackUrl } : {}) });
  }

  /** Spec 2.6 [A]: the RFC 6749 refresh grant; ConnectPay rotates both tokens. */
  refresh(refreshToken: string): Promise<ProviderTokenSet> {
    return this.token({ grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  /** Spec 2.6 [A]: RFC 7009-style `token=…`; 200 with any body is success. */
  async revoke(token: string): Promise<void> {
    const { res } = await this.send('revoke', this.config.revokeUrl, {
      method: 'POST',
      headers: { ...this.basic(), 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ token }).toString(),
    });
    await res.body?.cancel();
    if (!res.ok) throw new AppError('PROVIDER_ERROR', `ConnectPay's revoke endpoint answered ${res.status}.`);
  }

  listAccounts(accessToken: string, withBalance: boolean): Promise<Json> {
    return this.api(accessToken, 'GET', `/accounts?withBalance=${withBalance}`, 'accounts');
  }

  balances(accessToken: string, accountId: string): Promise<Json> {
    return this.api(accessToken, 'GET', `/accounts/${encodeURIComponent(accountId)}/balances`, 'balances');
  }

  transactions(accessToken: string, accountId: string, q: TransactionQuery): Promise<Json> {
    const query = new URLSearchParams();
    if (q.dateFrom) query.set('dateFrom', q.dateFrom);
    if (q.dateTo) query.set('dateTo', q.dateTo);
    if (q.sortOrder) query.set('sortOrder', q.sortOrder);
    query.set('pageNo', String(q.pageNo));
    query.set('pageSize', String(q.pageSize));
    return this.api(accessToken, 'GET', `/accounts/${encodeURIComponent(accountId)}/transactions?${query}`, 'transactions');
  }

  createPayment(accessToken: string, body: Json): Promise<Json> {
    return this.api(accessToken, 'POST', '/payments', 'createPayment', body);
  }

  paymentStatus(accessToken: string, paymentOrderNo: string): Promise<Json> {
    return this.api(accessToken, 'GET', `/payments/${encodeURIComponent(paymentOrderNo)}/status`, 'paymentStatus');
  }

  private basic(): Record<string, string> {
    const credentials = Buffer.from(`${this.config.clientId}:${this.config.clientSecret}`, 'utf8').toString('base64');
    return { authorization: `Basic ${credentials}` };
  }

  private async token(params: Record<string, string>): Promise<ProviderTokenSet> {
    const { res } = await this.send('token', this.config.tokenUrl, {
      method: 'POST',
      headers: { ...this.basic(), accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
    const body = await this.readJson(res, 'token');
    if (res.ok) return tokenSetFromConnectPay(body);
    const error = typeof body.error === 'string' ? body.error.slice(0, 40) : `http_${res.status}`;
    if (error === 'invalid_grant') throw new OAuthGrantError(error, typeof body.error_description === 'string' ? body.error_description.slice(0, 200) : undefined);
    throw new AppError('PROVIDER_ERROR', `ConnectPay's token endpoint answered ${res.status} ${error}.`);
  }

  private async api(accessToken: string, method: 'GET' | 'POST', path: string, operation: string, json?: Json): Promise<Json> {
    const { res, requestId } = await this.send(operation, `${this.config.apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${accessToken}`,
        accept: 'application/json',
        ...(json ? { 'content-type': 'application/json' } : {}),
      },
      body: json ? JSON.stringify(json) : undefined,
    });
    if (res.status === 401) {
      await res.body?.cancel();
      throw new ProviderUnauthorizedError();
    }
    const body = await this.readJson(res, operation);
    if (res.status >= 400 && res.status < 500) throw apiErrorFrom(res.status, body, requestId);
    if (!res.ok) throw new AppError('PROVIDER_ERROR', `ConnectPay answered ${res.status} to ${operation} (request ${requestId}).`);
    return body;
  }

  /** One call with a fresh X-Request-ID (returned, to quote in errors and logs; it is not a secret). */
  private async send(operation: string, url: string, init: RequestInit): Promise<{ res: Response; requestId: string }> {
    const requestId = randomUUID();
    const headers = { ...(init.headers as Record<string, string>), 'x-request-id': requestId };
    try {
      // Never follow a provider's redirect: it could send our credentials somewhere else.
      // Timeout, no redirects, the circuit breaker; reads may be retried (same X-Request-ID), writes never.
      const res = await this.http.send({ operation, url, init: { ...init, headers }, idempotent: (init.method ?? 'GET') === 'GET' });
      if (res.status >= 300 && res.status < 400) {
        await res.body?.cancel();
        throw new AppError('PROVIDER_ERROR', `ConnectPay answered ${operation} with a redirect; not followed.`);
      }
      if (res.status >= 500) this.logger.warn({ operation, status: res.status, requestId }, 'ConnectPay answered with a server error');
      return { res, requestId };
    } catch (err) {
      if (err instanceof AppError) throw err;
      const timedOut = (err as Error).name === 'TimeoutError';
      this.logger.warn({ operation, timedOut, requestId }, 'ConnectPay call failed');
      throw new AppError(
        timedOut ? 'PROVIDER_TIMEOUT' : 'PROVIDER_ERROR',
        timedOut ? `ConnectPay did not answer ${operation} in time (request ${requestId}).` : `ConnectPay could not be reached for ${operation} (request ${requestId}).`,
        { cause: err },
      );
    }
  }

  private async readJson(res: Response, operation: string): Promise<Json> {
    const text = await res.text();
    if (text.length > MAX_BODY_BYTES) throw new AppError('PROVIDER_ERROR', `ConnectPay's answer to ${operation} is too large.`);
    if (!text) return {};
    try {
      // Numbers stay strings: amounts are decimal and must not become floats.
      const parsed = parseLossless(text, null, (value: string) => value);
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Json) : {};
    } catch {
      if (res.ok) throw new AppError('PROVIDER_ERROR', `ConnectPay's answer to ${operation} is not JSON.`);
      return {};
    }
  }
}
