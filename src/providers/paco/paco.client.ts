import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DEFAULT_PROVIDER_HTTP_POLICY, ProviderHttp } from '../../common/http/provider-http.js';
import { parse as parseLossless } from 'lossless-json';
import { AppError } from '../../common/errors/app-error.js';
import { PacoJoseService } from '../../crypto/paco-jose.service.js';
import { PacoKeyring } from './paco-keyring.service.js';
import { PACO_CONFIG, type PacoApiVersion, type PacoConfig } from './paco.config.js';
import { readEnvelope, readPlainError, type PacoEnvelope } from './paco.mapper.js';

export type PacoOperation = 'prePaymentUi' | 'nonUi' | 'transactionStatus' | 'transactionList' | 'void' | 'settlement' | 'refund';

/** B.1: devzone paths (v2.0) and the PHP demo's (v1.0); PACO matches them case-insensitively anyway. */
const ROUTES: Record<PacoApiVersion, Record<PacoOperation, { method: 'GET' | 'POST' | 'PUT'; path: string }>> = {
  '2.0': {
    prePaymentUi: { method: 'POST', path: '/api/2.0/Payment/prePaymentUi' },
    nonUi: { method: 'POST', path: '/api/2.0/Payment/nonUi' },
    transactionStatus: { method: 'GET', path: '/api/2.0/Inquiry/transactionStatus' },
    transactionList: { method: 'POST', path: '/api/2.0/Inquiry/transactionList' },
    void: { method: 'POST', path: '/api/2.0/void' },
    settlement: { method: 'PUT', path: '/api/2.0/settlement' },
    refund: { method: 'POST', path: '/api/2.0/Refund/refund' },
  },
  '1.0': {
    prePaymentUi: { method: 'POST', path: '/api/1.0/Payment/prePaymentUi' },
    nonUi: { method: 'POST', path: '/api/1.0/Payment/NonUi' },
    transactionStatus: { method: 'GET', path: '/api/1.0/Inquiry/transactionStatus' },
    transactionList: { method: 'POST', path: '/api/1.0/Inquiry/transactionList' },
    void: { method: 'POST', path: '/api/1.0/Void' },
    settlement: { method: 'PUT', path: '/api/1.0/Settlement' },
    refund: { method: 'POST', path: '/api/1.0/Refund/refund' },
  },
};

const MAX_BODY = 512 * 1024;

/**
 * A PACO call that did not produce a readable answer. `refused`: PACO answered with a plain-JSON
 * error (token, JOSE, route), so nothing happened there. `unknown`: no answer, a 5xx, or an answer
 * we could not open or trust: whether PACO acted is unknown and must be read back (inquiry).
 */
export class PacoCallError extends Error {
  constructor(
    readonly kind: 'refused' | 'unknown',
    readonly operation: PacoOperation,
    readonly httpStatus: number | null,
    readonly code: string,
    readonly description: string,
    readonly timedOut = false,
  ) {
    super(`PACO ${operation}: ${kind} (${httpStatus ?? 'no answer'} ${code})`);
    this.name = 'PacoCallError';
  }

  /** What the merchant sees: 504 when PACO did not answer in time, 502 otherwise; never a secret. */
  toAppError(): AppError {
    if (this.timedOut) return new AppError('PROVIDER_TIMEOUT', `PACO did not answer ${this.operation} in time.`);
    const said = this.description ? `: ${this.description}` : '';
    return new AppError('PROVIDER_ERROR', `PACO ${this.kind === 'refused' ? 'refused' : 'gave no usable answer to'} ${this.operation} (${this.httpStatus ?? 'no answer'} ${this.code}${said}).`);
  }
}

export interface PacoAnswer extends PacoEnvelope {
  requestMessageId: string;
}

/**
 * 2C2P PACO's wire: paths, headers (`token`, `CompanyApiKey`, Basic when configured), the
 * apiRequest block, JWE(JWS) sealing and opening through PacoJoseService (plain JSON when JOSE is
 * off, and always for transactionStatus), lossless JSON, timeouts and typed failures. What the
 * answers mean is the mapper's job. Redirects are never followed.
 */
@Injectable()
export class PacoClient {
  private readonly logger = new Logger(PacoClient.name);

  private readonly http: ProviderHttp;

  constructor(
    @Inject(PACO_CONFIG) private readonly config: PacoConfig,
    private readonly jose: PacoJoseService,
    private readonly keyring: PacoKeyring,
  ) {
    this.http = new ProviderHttp('PACO', { ...DEFAULT_PROVIDER_HTTP_POLICY, timeoutMs: config.timeoutMs }, (fields, message) => this.logger.warn(fields, message));
  }

  /**
   * One JOSE operation. The body gets PACO's apiRequest block with a fresh UUIDv4 requestMessageID
   * (that exact spelling) and the time; the answer must echo that id. A refusal of our credentials
   * in sandbox provisioning mode re-registers once and sends again (nothing was done by PACO).
   */
  async call(operation: Exclude<PacoOperation, 'transactionStatus'>, body: Record<string, unknown>): Promise<PacoAnswer> {
    try {
      return await this.callOnce(operation, body);
    } catch (err) {
      if (err instanceof PacoCallError && err.kind === 'refused' && (err.httpStatus === 401 || err.httpStatus === 400) && (await this.keyring.recover().catch(() => false))) {
        return this.callOnce(operation, body);
      }
      throw err;
    }
  }

  /** transactionStatus: GET with the order number, plain JSON both ways, never JOSE (B.1). */
  async transactionStatus(orderNo: string): Promise<PacoEnvelope> {
    const route = ROUTES[this.config.apiVersion].transactionStatus;
    const query = new URLSearchParams({ orderNo });
    const res = await this.send('transactionStatus', `${this.config.baseUrl}${route.path}?${query}`, {
      method: route.method,
      headers: { ...this.authHeaders(), apiKey: this.config.token, accept: 'application/json' },
    });
    const text = await this.text('transactionStatus', res);
    if (res.status !== 200) throw this.failure('transactionStatus', res.status, text);
    return readEnvelope(this.parseJson('transactionStatus', text));
  }

  private async callOnce(operation: Exclude<PacoOperation, 'transactionStatus'>, body: Record<string, unknown>): Promise<PacoAnswer> {
    const route = ROUTES[this.config.apiVersion][operation];
    const requestMessageId = randomUUID();
    const request = { apiRequest: { requestMessageID: requestMessageId, requestDateTime: new Date().toISOString(), language: 'en-US' }, ...body };
    let payload: string;
    let contentType: string;
    if (this.config.jose) {
      const { seal } = await this.keyring.contexts();
      payload = await this.jose.sealRequest(request, seal, { token: this.config.token });
      contentType = 'application/jose';
    } else {
      // Only reachable outside production (the config refuses PACO_JOSE=off there).
      await this.keyring.contexts();
      payload = JSON.stringify(request);
      contentType = 'application/json';
    }
    const res = await this.send(operation, `${this.config.baseUrl}${route.path}`, {
      method: route.method,
      headers: { ...this.authHeaders(), 'content-type': `${contentType}; charset=utf-8`, accept: contentType },
      body: payload,
    });
    const text = await this.text(operation, res);
    if (res.status !== 200) throw this.failure(operation, res.status, text);
    const response = this.config.jose ? await this.open(operation, text) : this.parseJson(operation, text);
    let envelope: PacoEnvelope;
    try {
      envelope = readEnvelope(response);
    } catch {
      throw new PacoCallError('unknown', operation, res.status, 'UNREADABLE', 'the answer has no apiResponse');
    }
    // An answer to another request (a replayed or misrouted message) is not an answer to ours.
    if (envelope.inReplyTo !== null && envelope.inReplyTo !== requestMessageId) {
      throw new PacoCallError('unknown', operation, res.status, 'MISMATCH', 'the answer is for another request');
    }
    return { ...envelope, requestMessageId };
  }

  /** Opens a sealed answer; an answer that does not open is not trusted (and not believed either way). */
  private async open(operation: PacoOperation, text: string): Promise<unknown> {
    const looksJose = /^"?[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]*){4}"?$/.test(text.trim());
    if (!looksJose) {
      // Some PACO errors come back as plain JSON with 200.
      const plain = this.tryJson(text);
      if (plain !== undefined) {
        const { code, description } = readPlainError(plain);
        throw new PacoCallError('refused', operation, 200, code, description);
      }
      throw new PacoCallError('unknown', operation, 200, 'NOT_JOSE', 'the answer is neither JOSE nor JSON');
    }
    const { open } = await this.keyring.contexts();
    try {
      return (await this.jose.open(text, open)).body;
    } catch (err) {
      if (err instanceof AppError && err.code === 'INVALID_SIGNATURE') {
        this.logger.warn({ operation }, "PACO's answer could not be decrypted or verified");
        throw new PacoCallError('unknown', operation, 200, 'UNVERIFIABLE', 'the answer could not be decrypted or verified');
      }
      throw err;
    }
  }

  private authHeaders(): Record<string, string> {
    // token (devzone, JUSPAY) and CompanyApiKey (PHP demo) carry the same value (B.2, PART E #10).
    const headers: Record<string, string> = { token: this.config.token, CompanyApiKey: this.config.token };
    if (this.config.basic) headers.authorization = `Basic ${Buffer.from(`${this.config.basic.username}:${this.config.basic.password}`, 'utf8').toString('base64')}`;
    return headers;
  }

  private failure(operation: PacoOperation, status: number, text: string): PacoCallError {
    const { code, description } = readPlainError(this.tryJson(text));
    // 4xx with PACO's error body: refused before anything happened. 5xx: unknown.
    const kind = status >= 400 && status < 500 ? 'refused' : 'unknown';
    this.logger.warn({ operation, status, code }, 'PACO refused a call');
    return new PacoCallError(kind, operation, status, code === 'unknown' ? `HTTP_${status}` : code, description);
  }

  private async send(operation: PacoOperation, url: string, init: RequestInit): Promise<Response> {
    try {
      // Timeout, no redirects, the circuit breaker. Only the plain status read is retried: sealed
      // requests carry a one-time requestMessageID.
      return await this.http.send({ operation, url, init, idempotent: operation === 'transactionStatus' });
    } catch (err) {
      if (err instanceof AppError && err.code === 'PROVIDER_UNAVAILABLE') throw err;
      const timedOut = err instanceof AppError && err.code === 'PROVIDER_TIMEOUT';
      this.logger.warn({ operation, timedOut }, 'PACO call failed');
      throw new PacoCallError('unknown', operation, null, timedOut ? 'TIMEOUT' : 'NETWORK', timedOut ? 'no answer in time' : 'PACO could not be reached', timedOut);
    }
  }

  private async text(operation: PacoOperation, res: Response): Promise<string> {
    let text: string;
    try {
      text = await res.text();
    } catch {
      throw new PacoCallError('unknown', operation, res.status, 'NETWORK', 'the answer was cut off');
    }
    if (text.length > MAX_BODY) throw new PacoCallError('unknown', operation, res.status, 'TOO_LARGE', 'the answer is too large');
    return text;
  }

  private parseJson(operation: PacoOperation, text: string): unknown {
    const parsed = this.tryJson(text);
    if (parsed === undefined) throw new PacoCallError('unknown', operation, 200, 'NOT_JSON', 'the answer is not JSON');
    return parsed;
  }

  /** Numbers stay strings (lossless): amounts must never pass through floats. */
  private tryJson(text: string): unknown {
    if (!text) return undefined;
    try {
      return parseLossless(text, null, (value: string) => value);
    } catch {
      return undefined;
    }
  }
}
