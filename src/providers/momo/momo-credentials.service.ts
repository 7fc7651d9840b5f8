import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppError } from '../../common/errors/app-error.js';
import { TokenCipher } from '../../crypto/token-cipher.service.js';
import { withAdvisoryLock } from '../../database/migration.runner.js';
import { MomoApiUser } from './momo-api-user.entity.js';
import { MomoClient } from './momo.client.js';
import { MOMO_CONFIG, type MomoConfig, type MomoProduct } from './momo.config.js';

const PROVISION_LOCK = 0x6d6f_6d6f; // "momo"

/** Gatehouse's own secrets are encrypted like tokens, bound to a system "row". */
export const systemAad = (product: MomoProduct, column: string) => ({ merchantId: 'gatehouse', consentId: `momo:${product}`, column });

export interface MomoCredentialsSet {
  apiUser: string;
  apiKey: string;
}

/**
 * The API user and key per product: from configuration, or, in a MoMo sandbox, provisioned once
 * through the provisioning API and kept (key encrypted) in Postgres so restarts and other
 * instances reuse them.
 */
@Injectable()
export class MomoCredentials {
  private readonly logger = new Logger(MomoCredentials.name);
  private readonly cache = new Map<MomoProduct, Promise<MomoCredentialsSet>>();

  constructor(
    @Inject(MOMO_CONFIG) private readonly config: MomoConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly client: MomoClient,
    private readonly cipher: TokenCipher,
  ) {}

  get(product: MomoProduct): Promise<MomoCredentialsSet> {
    let pending = this.cache.get(product);
    if (!pending) {
      pending = this.load(product);
      pending.catch(() => this.cache.delete(product));
      this.cache.set(product, pending);
    }
    return pending;
  }

  /**
   * MoMo refused our API user. A sandbox forgets its users (the emulator at each restart, MTN's
   * now and then): provision new ones, once. Configured credentials are never replaced.
   */
  async renewAfterRejection(product: MomoProduct): Promise<boolean> {
    const configured = this.config.products[product];
    if ((configured.apiUser && configured.apiKey) || !this.config.canProvision) return false;
    this.logger.warn({ product }, 'MoMo no longer knows our sandbox API user; provisioning a new one');
    await this.provision(product, { replace: true });
    return true;
  }

  /** The host MoMo will accept callbacks on must be the configured callback URL's host. */
  async checkCallbackHost(product: MomoProduct): Promise<{ ok: boolean; registered?: string; expected: string }> {
    const expected = new URL(this.config.callbackBaseUrl).hostname;
    const { apiUser } = await this.get(product);
    const registered = (await this.client.getApiUser(product, apiUser))?.providerCallbackHost;
    const ok = registered === expected;
    if (!ok) {
      this.logger.warn(
        { product, registered, expected },
        `MoMo ${product}: the API user's providerCallbackHost (${registered ?? 'unknown'}) differs from MOMO_CALLBACK_BASE_URL's host (${expected}); MoMo will refuse callbacks, so payments will settle by polling only`,
      );
    }
    return { ok, registered, expected };
  }

  private async load(product: MomoProduct): Promise<MomoCredentialsSet> {
    const configured = this.config.products[product];
    if (configured.apiUser && configured.apiKey) return { apiUser: configured.apiUser, apiKey: configured.apiKey };
    const stored = await this.stored(product);
    if (stored) return stored;
    if (!this.config.canProvision) {
      throw new AppError('SERVICE_UNAVAILABLE', `MoMo ${product} has no API user: set MOMO_${product.toUpperCase()}_API_USER and _API_KEY.`);
    }
    return this.provision(product);
  }

  /** Creates the API user and key in the sandbox (once, whichever instance gets the lock first). */
  async provision(product: MomoProduct, options: { replace?: boolean } = {}): Promise<MomoCredentialsSet> {
    return withAdvisoryLock(this.dataSource, PROVISION_LOCK, async () => {
      const existing = options.replace ? undefined : await this.stored(product);
      if (existing) return existing;
      const apiUser = randomUUID();
      const host = new URL(this.config.callbackBaseUrl).hostname;
      await this.client.createApiUser(product, apiUser, host);
      const apiKey = await this.client.createApiKey(product, apiUser);
      await this.dataSource.getRepository(MomoApiUser).upsert(
        { product, baseUrl: this.config.baseUrl, apiUser, apiKey: this.cipher.encrypt(apiKey, systemAad(product, 'api_key')), providerCallbackHost: host },
        ['product'],
      );
      this.logger.log({ product, apiUser, providerCallbackHost: host }, 'provisioned a MoMo sandbox API user');
      this.cache.set(product, Promise.resolve({ apiUser, apiKey }));
      return { apiUser, apiKey };
    });
  }

  private async stored(product: MomoProduct): Promise<MomoCredentialsSet | undefined> {
    const row = await this.dataSource.getRepository(MomoApiUser).findOneBy({ product });
    // Credentials provisioned against another MoMo (base URL changed) are not reused.
    if (!row || row.baseUrl !== this.config.baseUrl) return undefined;
    return { apiUser: row.apiUser, apiKey: this.cipher.decrypt(row.apiKey, systemAad(product, 'api_key')) };
  }
}
