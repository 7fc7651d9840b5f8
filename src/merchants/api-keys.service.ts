import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { AppError } from '../common/errors/app-error.js';
import { type ApiKeyScope, apiKeyMatches, issueApiKey, keyModeFor, parseApiKey } from './api-key.codec.js';
import { ApiKey } from './api-key.entity.js';
import { Merchant } from './merchant.entity.js';
import { prepared, runPrepared } from '../database/prepared-statement.js';
import type { MerchantPrincipal } from './merchant-auth.js';

interface KeyRow {
  id: string;
  prefix: string;
  secret_hash: string;
  mode: ApiKey['mode'];
  scopes: ApiKeyScope[];
  last_used_at: Date | null;
  m_id: string;
  m_name: string;
  m_status: Merchant['status'];
  m_return_urls: string[];
  m_webhook_urls: string[];
  m_is_demo: boolean;
  m_created_at: Date;
  m_updated_at: Date;
}

const AUTHENTICATE = prepared(
  'api_key_authenticate',
  `SELECT k.id, k.prefix, k.secret_hash, k.mode, k.scopes, k.last_used_at,
          m.id AS m_id, m.name AS m_name, m.status AS m_status, m.allowed_return_urls AS m_return_urls,
          m.webhook_urls AS m_webhook_urls, m.is_demo AS m_is_demo, m.created_at AS m_created_at, m.updated_at AS m_updated_at
     FROM api_keys k JOIN merchants m ON m.id = k.merchant_id
    WHERE k.prefix = $1 AND k.revoked_at IS NULL`,
);

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
    // The hot path of every merchant request: one indexed query, prepared once per connection.
    const { rows: [row] } = await runPrepared<KeyRow>(this.keys.manager, AUTHENTICATE, [parsed.prefix]);
    if (!row || !apiKeyMatches(presented, row.secret_hash)) return undefined;
    if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > LAST_USED_RESOLUTION_SECONDS * 1000) this.touch(row.id);
    const merchant = Object.assign(new Merchant(), {
      id: row.m_id,
      name: row.m_name,
      status: row.m_status,
      allowedReturnUrls: row.m_return_urls,
      webhookUrls: row.m_webhook_urls,
      isDemo: row.m_is_demo,
      createdAt: row.m_created_at,
      updatedAt: row.m_updated_at,
    });
    return { merchant, apiKey: { id: row.id, prefix: row.prefix, scopes: row.scopes, mode: row.mode } };
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
