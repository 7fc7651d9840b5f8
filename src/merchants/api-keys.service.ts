import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { AppError } from '../common/errors/app-error.js';
import { type ApiKeyScope, apiKeyMatches, issueApiKey, keyModeFor, parseApiKey } from './api-key.codec.js';
import { ApiKey } from './api-key.entity.js';
import type { MerchantPrincipal } from './merchant-auth.js';

// last_used_at is an audit aid, not a counter: one write a minute per key is plenty.
const LAST_USED_RESOLUTION_SECONDS = 60;

@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger(ApiKeysService.name);

  constructor(
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    private readonly config: AppConfig,
  ) {}

  /** Issues a key for the merchant; the returned `key` is the only time it is ever visible. */
  async issue(merchantId: string, scopes: ApiKeyScope[], label?: string): Promise<{ apiKey: ApiKey; key: string }> {
    const issued = issueApiKey(keyModeFor(this.config.mode));
    const apiKey = await this.keys.save(
      this.keys.create({
        merchantId,
        prefix: issued.prefix,
        secretHash: issued.secretHash,
        mode: keyModeFor(this.config.mode),
        scopes: [...new Set(scopes)],
        label: label ?? null,
        lastUsedAt: null,
        revokedAt: null,
      }),
    );
    return { apiKey, key: issued.key };
  }

  async authenticate(presented: string): Promise<MerchantPrincipal | undefined> {
    const parsed = parseApiKey(presented);
    if (!parsed || parsed.mode !== keyModeFor(this.config.mode)) return undefined;
    const apiKey = await this.keys.findOne({ where: { prefix: parsed.prefix, revokedAt: IsNull() }, relations: { merchant: true } });
    if (!apiKey?.merchant || !apiKeyMatches(presented, apiKey.secretHash)) return undefined;
    this.touch(apiKey.id);
    return { merchant: apiKey.merchant, apiKey: { id: apiKey.id, prefix: apiKey.prefix, scopes: apiKey.scopes, mode: apiKey.mode } };
  }

  list(merchantId: string): Promise<ApiKey[]> {
    return this.keys.find({ where: { merchantId }, order: { createdAt: 'DESC' } });
  }

  async get(merchantId: string, id: string): Promise<ApiKey> {
    const apiKey = await this.keys.findOne({ where: { id, merchantId } });
    if (!apiKey) throw new AppError('NOT_FOUND', 'No such API key.');
    return apiKey;
  }

  /** Revokes a key; revoking one that is already revoked changes nothing. */
  async revoke(id: string): Promise<ApiKey> {
    await this.keys.update({ id, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
    const apiKey = await this.keys.findOne({ where: { id } });
    if (!apiKey) throw new AppError('NOT_FOUND', 'No such API key.');
    return apiKey;
  }

  private touch(id: string): void {
    this.keys
      .createQueryBuilder()
      .update()
      .set({ lastUsedAt: () => 'now()' })
      .where('id = :id', { id })
      .andWhere(`(last_used_at IS NULL OR last_used_at < now() - make_interval(secs => :secs))`, { secs: LAST_USED_RESOLUTION_SECONDS })
      .execute()
      .catch((err: unknown) => this.logger.warn({ err }, 'could not record API key use'));
  }
}
