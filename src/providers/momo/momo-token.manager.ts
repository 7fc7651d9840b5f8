import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error.js';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ProviderUnauthorizedError } from '../../consents/oauth.errors.js';
import { TokenCipher } from '../../crypto/token-cipher.service.js';
import { MomoAccessToken } from './momo-access-token.entity.js';
import { MomoCredentials, systemAad } from './momo-credentials.service.js';
import { MomoClient, MomoCredentialsRejected } from './momo.client.js';
import { MOMO_CONFIG, type MomoConfig, type MomoProduct } from './momo.config.js';

// Renew a minute early, so a token never expires between our check and MoMo's.
const SKEW_MS = 60_000;

interface Cached {
  token: string;
  expiresAt: number;
}

/**
 * One access token per product, shared: in-process callers wait on one fetch, and instances take
 * the product's row lock in Postgres and re-check before fetching, so a cold start with hundreds
 * of requests makes one token request. A 401 forces one refresh and one retry.
 */
@Injectable()
export class MomoTokenManager {
  private readonly logger = new Logger(MomoTokenManager.name);
  private readonly cached = new Map<MomoProduct, Cached>();
  private readonly inflight = new Map<MomoProduct, Promise<string>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly client: MomoClient,
    private readonly credentials: MomoCredentials,
    private readonly cipher: TokenCipher,
    @Inject(MOMO_CONFIG) config: MomoConfig,
  ) {
    this.enabled = config.enabled;
  }

  private readonly enabled: boolean;

  async withToken<T>(product: MomoProduct, call: (accessToken: string) => Promise<T>): Promise<T> {
    const token = await this.accessToken(product);
    try {
      return await call(token);
    } catch (err) {
      if (!(err instanceof ProviderUnauthorizedError)) throw err;
      this.logger.warn({ product }, 'MoMo refused the access token; fetching a new one once');
      try {
        return await call(await this.accessToken(product, token));
      } catch (again) {
        // Refused twice, the second time with a fresh token: MoMo's fault (502), not ours (500).
        if (again instanceof ProviderUnauthorizedError) throw new AppError('PROVIDER_ERROR', `MoMo refused a fresh ${product} access token.`, { cause: again });
        throw again;
      }
    }
  }

  /** A valid token; `stale` is one MoMo just refused, which must not be handed out again. */
  accessToken(product: MomoProduct, stale?: string): Promise<string> {
    if (!this.enabled) return Promise.reject(new AppError('SERVICE_UNAVAILABLE', 'MTN MoMo is not configured on this deployment (MOMO_BASE_URL).'));
    const hit = this.cached.get(product);
    if (hit && hit.token !== stale && hit.expiresAt - SKEW_MS > Date.now()) return Promise.resolve(hit.token);
    const running = this.inflight.get(product);
    if (running) return running;
    const work = this.fetchShared(product, stale).finally(() => this.inflight.delete(product));
    this.inflight.set(product, work);
    return work;
  }

  private async tokenWithRenewal(product: MomoProduct): Promise<{ accessToken: string; expiresIn: number }> {
    const { apiUser, apiKey } = await this.credentials.get(product);
    try {
      return await this.client.token(product, apiUser, apiKey);
    } catch (err) {
      if (!(err instanceof MomoCredentialsRejected) || !(await this.credentials.renewAfterRejection(product))) throw err;
      const renewed = await this.credentials.get(product);
      return this.client.token(product, renewed.apiUser, renewed.apiKey);
    }
  }

  private async fetchShared(product: MomoProduct, stale: string | undefined): Promise<string> {
    const token = await this.dataSource.transaction(async (m) => {
      await m.createQueryBuilder().insert().into(MomoAccessToken).values({ product, accessToken: null, expiresAt: null }).orIgnore().execute();
      const row = await m.findOne(MomoAccessToken, { where: { product }, lock: { mode: 'pessimistic_write' } });
      if (row?.accessToken && row.expiresAt && row.expiresAt.getTime() - SKEW_MS > Date.now()) {
        const shared = this.cipher.decrypt(row.accessToken, systemAad(product, 'access_token'));
        // Another instance fetched one while we waited for the lock: use it.
        if (shared !== stale) return { token: shared, expiresAt: row.expiresAt.getTime() };
      }
      const fresh = await this.tokenWithRenewal(product);
      const expiresAt = Date.now() + fresh.expiresIn * 1000;
      await m.update(MomoAccessToken, { product }, { accessToken: this.cipher.encrypt(fresh.accessToken, systemAad(product, 'access_token')), expiresAt: new Date(expiresAt) });
      return { token: fresh.accessToken, expiresAt };
    });
    this.cached.set(product, token);
    return token.token;
  }
}
