import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error.js';
import { DEFAULT_PROVIDER_HTTP_POLICY, ProviderHttp } from '../../common/http/provider-http.js';
import { ProviderUnauthorizedError } from '../../consents/oauth.errors.js';
import { MOMO_CONFIG, type MomoConfig, type MomoProduct } from './momo.config.js';

type Json = Record<string, unknown>;

/** What a resource-creating POST ended as. MoMo answers 202 with no body when it accepts. */
export type MomoCreateOutcome =
  | { kind: 'accepted' }
  | { kind: 'duplicate' }
  | { kind: 'rejected'; httpStatus: number; code: string; message: string }
  | { kind: 'unknown'; cause: string };

/** MoMo's token endpoint refused the API user or key (`login_failed`). */
export class MomoCredentialsRejected extends Error {
  constructor(readonly product: MomoProduct) {
    super(`MoMo refused the ${product} API user or key`);
    this.name = 'MomoCredentialsRejected';
  }
}

export type MomoRead = { found: true; body: Json } | { found: false };

const MAX_BODY = 256 * 1024;

/**
 * MTN MoMo's wire: headers (subscription key, target environment, reference id, callback URL),
 * Basic and Bearer auth, timeouts, and typed outcomes. What the answers mean is the mapper's and
 * the services' job. Redirects are never followed.
 */
@Injectable()
export class MomoClient {
  private readonly logger = new Logger(MomoClient.name);

  private readonly http: ProviderHttp;

  constructor(@Inject(MOMO_CONFIG) private readonly config: MomoConfig) {
    this.http = new ProviderHttp('MoMo', { ...DEFAULT_PROVIDER_HTTP_POLICY, timeoutMs: config.timeoutMs }, (fields, message) => this.logger.warn(fields, message));
  }

  // --- sandbox provisioning (root path, subscription key only)

  async createApiUser(product: MomoProduct, referenceId: string, providerCallbackHost: string): Promise<void> {
    const res = await this.send('provision', `/v1_0/apiuser`, { method: 'POST', headers: { ...this.keyHeader(product), 'x-reference-id': referenceId, 'content-type': 'application/json' }, body: JSON.stringify({ providerCallbackHost }) });
    if (res.status !== 201) throw await this.providerError('provision', res);
  }

  async createApiKey(product: MomoProduct, apiUser: string): Promise<string> {
    const res = await this.send('provision', `/v1_0/apiuser/${apiUser}/apikey`, { method: 'POST', headers: this.keyHeader(product) });
    const body = await this.json(res);
    if (res.status !== 201 || typeof body.apiKey !== 'string') throw await this.providerError('provision', res, body);
    return body.apiKey;
  }

  async getApiUser(product: MomoProduct, apiUser: string): Promise<{ providerCallbackHost: string; targetEnvironment: string } | undefined> {
    const res = await this.send('provision', `/v1_0/apiuser/${apiUser}`, { method: 'GET', headers: this.keyHeader(product) }, true);
    const body = await this.json(res);
    if (res.status === 404) return undefined;
    if (!res.ok) throw await this.providerError('provision', res, body);
    return { providerCallbackHost: String(body.providerCallbackHost ?? ''), targetEnvironment: String(body.targetEnvironment ?? '') };
  }

  // --- token

  async token(product: MomoProduct, apiUser: string, apiKey: string): Promise<{ accessToken: string; expiresIn: number }> {
    const basic = Buffer.from(`${apiUser}:${apiKey}`, 'utf8').toString('base64');
    // No body: MTN lists a body on /token/ as a cause of 400. The trailing slash matters.
    // A client-credentials token: asking again is harmless.
    const res = await this.send('token', `/${product}/token/`, { method: 'POST', headers: { ...this.keyHeader(product), authorization: `Basic ${basic}` } }, true);
    const body = await this.json(res);
    // A gateway 401 ({statusCode, message}) is about the subscription key; {error} is about the API user.
    if (res.status === 401 && body.statusCode === undefined) throw new MomoCredentialsRejected(product);
    if (!res.ok || typeof body.access_token !== 'string') {
      throw new AppError('PROVIDER_ERROR', `MoMo refused a ${product} token (${res.status} ${String(body.error ?? body.message ?? '')}).`);
    }
    const expiresIn = Number(body.expires_in);
    return { accessToken: body.access_token, expiresIn: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600 };
  }

  // --- product calls

  create(product: MomoProduct, operation: 'requesttopay' | 'transfer', accessToken: string, referenceId: string, body: Json, callbackUrl?: string): Promise<MomoCreateOutcome> {
    return this.createCall(product, operation, `/${product}/v1_0/${operation}`, accessToken, referenceId, body, callbackUrl);
  }

  async read(product: MomoProduct, accessToken: string, path: string): Promise<MomoRead> {
    const res = await this.send(path, `/${product}${path}`, { method: 'GET', headers: this.productHeaders(product, accessToken) }, true);
    const body = await this.json(res);
    if (res.status === 401) throw new ProviderUnauthorizedError();
    if (res.status === 404) return { found: false };
    if (!res.ok) throw await this.providerError(path, res, body);
    return { found: true, body };
  }

  private async createCall(product: MomoProduct, operation: string, path: string, accessToken: string, referenceId: string, body: Json, callbackUrl?: string): Promise<MomoCreateOutcome> {
    let res: Response;
    try {
      res = await this.send(operation, path, {
        method: 'POST',
        headers: { ...this.productHeaders(product, accessToken), 'x-reference-id': referenceId, 'content-type': 'application/json', ...(callbackUrl ? { 'x-callback-url': callbackUrl } : {}) },
        body: JSON.stringify(body),
      });
    } catch (err) {
      return { kind: 'unknown', cause: err instanceof AppError ? err.code : 'network error' };
    }
    if (res.status === 202) return { kind: 'accepted' };
    const answer = await this.json(res).catch(() => ({}) as Json);
    if (res.status === 409) return { kind: 'duplicate' };
    if (res.status === 401) throw new ProviderUnauthorizedError();
    const code = typeof answer.code === 'string' ? answer.code : `HTTP_${res.status}`;
    const message = typeof answer.message === 'string' ? answer.message : '';
    // MoMo sends business and configuration errors as 500 with a code; without a code, a 5xx
    // leaves the outcome unknown.
    if (res.status >= 500 && typeof answer.code !== 'string') return { kind: 'unknown', cause: `HTTP ${res.status}` };
    return { kind: 'rejected', httpStatus: res.status, code, message };
  }

  private keyHeader(product: MomoProduct): Record<string, string> {
    return { 'ocp-apim-subscription-key': this.config.products[product].subscriptionKey };
  }

  private productHeaders(product: MomoProduct, accessToken: string): Record<string, string> {
    return { ...this.keyHeader(product), authorization: `Bearer ${accessToken}`, 'x-target-environment': this.config.targetEnvironment, accept: 'application/json' };
  }

  /**
   * Reads and token requests are `idempotent` (retried with backoff); creates are sent once: an
   * unknown outcome is resolved by reading the status first (MomoPaymentsService).
   */
  private send(operation: string, path: string, init: RequestInit, idempotent = false): Promise<Response> {
    return this.http.send({ operation, url: `${this.config.baseUrl}${path}`, init, idempotent });
  }

  private async json(res: Response): Promise<Json> {
    const text = await res.text();
    if (!text || text.length > MAX_BODY) return {};
    try {
      const parsed: unknown = JSON.parse(text);
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Json) : {};
    } catch {
      return {};
    }
  }

  private async providerError(operation: string, res: Response, body?: Json): Promise<AppError> {
    const answer = body ?? (await this.json(res));
    const code = String(answer.code ?? answer.error ?? answer.statusCode ?? res.status);
    return new AppError('PROVIDER_ERROR', `MoMo answered ${res.status} (${code}) to ${operation}.`);
  }
}
