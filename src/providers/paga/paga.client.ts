import { Inject, Injectable, Logger } from '@nestjs/common';
import { parse as parseLossless } from 'lossless-json';
import { AppError } from '../../common/errors/app-error.js';
import { DEFAULT_PROVIDER_HTTP_POLICY, ProviderHttp } from '../../common/http/provider-http.js';
import { OAuthGrantError, ProviderUnauthorizedError } from '../../consents/oauth.errors.js';
import type { ProviderTokenSet } from '../../consents/consent-provider.registry.js';
import { PAGA_CONFIG, type PagaConfig } from './paga.config.js';
import { tokenSetFromPaga } from './paga.mapper.js';

const OAUTH = '/paga-webservices/oauth2';
const MAX_BODY_BYTES = 256 * 1024;

type Json = Record<string, unknown>;

/**
 * Paga Connect's wire: URLs, headers, Basic client auth, timeouts, and typed errors. Nothing
 * else: what the answers mean is the mapper's job. Secrets (codes, refresh tokens) travel in
 * form bodies, never in URLs (Paga accepts both; its own libraries used the query string).
 */
@Injectable()
export class PagaClient {
  private readonly logger = new Logger(PagaClient.name);

  private readonly http: ProviderHttp;

  constructor(@Inject(PAGA_CONFIG) private readonly config: PagaConfig) {
    this.http = new ProviderHttp('Paga', { ...DEFAULT_PROVIDER_HTTP_POLICY, timeoutMs: config.timeoutMs }, (fields, message) => this.logger.warn(fields, message));
  }

  get authorizationUrl(): string {
    return `${this.config.baseUrl}${OAUTH}/authorization`;
  }

  get tokenUrl(): string {
    return `${this.config.baseUrl}${OAUTH}/token`;
  }

  exchangeCode(code: string, redirectUri: string): Promise<ProviderTokenSet> {
    return this.token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
  }

  refresh(refreshToken: string): Promise<ProviderTokenSet> {
    return this.token({ grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  merchantPayment(accessToken: string, p: { referenceNumber: string; amount: string; merchantCustomerReference: string; merchantProductCode?: string; currency: string }): Promise<Json> {
    // The documented v3 shape: product code and currency are optional trailing segments, and
    // currency can only follow a product code.
    const seg = encodeURIComponent;
    let path = `${OAUTH}/secure/merchantPayment/v3/referenceNumber/${seg(p.referenceNumber)}/amount/${seg(p.amount)}/merchantCustomerReference/${seg(p.merchantCustomerReference)}`;
    if (p.merchantProductCode) path += `/merchantProductCode/${seg(p.merchantProductCode)}/currency/${seg(p.currency)}`;
    return this.secured(accessToken, path, 'merchantPayment');
  }

  moneyTransfer(accessToken: string, p: { amount: string; referenceNumber: string; recipientCredential: string; skipMessaging: boolean }): Promise<Json> {
    const query = new URLSearchParams({ amount: p.amount, referenceNumber: p.referenceNumber, skipMessaging: String(p.skipMessaging), recipientCredential: p.recipientCredential });
    return this.secured(accessToken, `${OAUTH}/secure/moneyTransfer/v2?${query}`, 'moneyTransfer');
  }

  userDetails(accessToken: string): Promise<Json> {
    return this.secured(accessToken, `${OAUTH}/secure/getUserDetails`, 'getUserDetails', true);
  }

  accountBalance(accessToken: string): Promise<Json> {
    return this.secured(accessToken, `${OAUTH}/secure/accountBalance`, 'accountBalance', true);
  }

  private async token(params: Record<string, string>): Promise<ProviderTokenSet> {
    const basic = Buffer.from(`${this.config.clientId}:${this.config.clientSecret}`, 'utf8').toString('base64');
    const res = await this.send('token', this.tokenUrl, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
    const body = await this.readJson(res, 'token');
    if (res.ok) return tokenSetFromPaga(body);
    const error = typeof body.error === 'string' ? body.error : `http_${res.status}`;
    if (error === 'invalid_grant') throw new OAuthGrantError(error, typeof body.error_description === 'string' ? body.error_description : undefined);
    throw new AppError('PROVIDER_ERROR', `Paga's token endpoint answered ${res.status} ${error}.`);
  }

  /** `idempotent`: a read, safe to send again after a timeout or a 5xx. Payments and transfers are sent once. */
  private async secured(accessToken: string, path: string, operation: string, idempotent = false): Promise<Json> {
    const res = await this.send(
      operation,
      `${this.config.baseUrl}${path}`,
      { method: 'POST', headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json', 'content-type': 'application/json' } },
      idempotent,
    );
    const body = await this.readJson(res, operation);
    if (res.status === 401) throw new ProviderUnauthorizedError();
    if (res.status === 403) throw new AppError('CONSENT_SCOPE_MISSING', 'Paga says the consent does not grant this operation.');
    if (!res.ok) throw new AppError('PROVIDER_ERROR', `Paga answered ${res.status} to ${operation}.`);
    return body;
  }

  private send(operation: string, url: string, init: RequestInit, idempotent = false): Promise<Response> {
    return this.http.send({ operation, url, init, idempotent });
  }

  private async readJson(res: Response, operation: string): Promise<Json> {
    const text = await res.text();
    if (text.length > MAX_BODY_BYTES) throw new AppError('PROVIDER_ERROR', `Paga's answer to ${operation} is too large.`);
    if (!text) return {};
    try {
      // Numbers stay strings: amounts are decimal and must not become floats.
      const parsed = parseLossless(text, null, (value: string) => value);
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Json) : {};
    } catch {
      if (res.ok) throw new AppError('PROVIDER_ERROR', `Paga's answer to ${operation} is not JSON.`);
      return {};
    }
  }
}
