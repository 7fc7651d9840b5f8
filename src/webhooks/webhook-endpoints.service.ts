import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppError } from '../common/errors/app-error.js';
import { TokenCipher } from '../crypto/token-cipher.service.js';
import { newWebhookSecret } from './webhook-signature.js';
import { resolveAllowed, urlProblem } from './webhook-target.policy.js';
import { WEBHOOKS_CONFIG, type WebhooksConfig } from './webhooks.config.js';

export interface WebhookEndpointRow {
  id: string;
  merchant_id: string;
  url: string;
  description: string | null;
  event_types: string[] | null;
  enabled: boolean;
  disabled_reason: string | null;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface EndpointChanges {
  url?: string;
  description?: string | null;
  eventTypes?: string[] | null;
  enabled?: boolean;
}

const aad = (row: { merchant_id: string; id: string }, column: string) => ({ merchantId: row.merchant_id, consentId: row.id, column });

/** A merchant's webhook endpoints: where events go, and the secrets that sign them (stored encrypted). */
@Injectable()
export class WebhookEndpointsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cipher: TokenCipher,
    @Inject(WEBHOOKS_CONFIG) private readonly config: WebhooksConfig,
  ) {}

  async create(merchantId: string, input: { url: string; description?: string; eventTypes?: string[] }): Promise<{ endpoint: WebhookEndpointRow; secret: string }> {
    await this.checkTarget(input.url);
    const id = randomUUID();
    const secret = newWebhookSecret();
    const [endpoint] = (await this.dataSource.query(
      `INSERT INTO webhook_endpoints (id, merchant_id, url, description, event_types, secret) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [id, merchantId, input.url, input.description ?? null, input.eventTypes ?? null, this.cipher.encrypt(secret, aad({ merchant_id: merchantId, id }, 'webhook_secret'))],
    )) as WebhookEndpointRow[];
    return { endpoint, secret };
  }

  list(merchantId: string): Promise<WebhookEndpointRow[]> {
    return this.dataSource.query(`SELECT * FROM webhook_endpoints WHERE merchant_id = $1 ORDER BY created_at, id`, [merchantId]);
  }

  async get(merchantId: string, id: string): Promise<WebhookEndpointRow> {
    const [row] = (await this.dataSource.query(`SELECT * FROM webhook_endpoints WHERE id = $1 AND merchant_id = $2`, [id, merchantId])) as WebhookEndpointRow[];
    if (!row) throw new AppError('NOT_FOUND', 'No such webhook endpoint.');
    return row;
  }

  async update(merchantId: string, id: string, changes: EndpointChanges): Promise<WebhookEndpointRow> {
    const current = await this.get(merchantId, id);
    if (changes.url !== undefined) await this.checkTarget(changes.url);
    // UPDATE answers [rows, count] through TypeORM.
    const [[row]] = (await this.dataSource.query(
      `UPDATE webhook_endpoints
          SET url = $3, description = $4, event_types = $5, enabled = $6,
              disabled_reason = CASE WHEN $6 THEN NULL ELSE coalesce(disabled_reason, 'disabled by the merchant') END, updated_at = now()
        WHERE id = $1 AND merchant_id = $2 RETURNING *`,
      [
        id,
        merchantId,
        changes.url ?? current.url,
        changes.description !== undefined ? changes.description : current.description,
        changes.eventTypes !== undefined ? changes.eventTypes : current.event_types,
        changes.enabled ?? current.enabled,
      ],
    )) as [WebhookEndpointRow[], number];
    return row;
  }

  async remove(merchantId: string, id: string): Promise<void> {
    const rows = (await this.dataSource.query(`DELETE FROM webhook_endpoints WHERE id = $1 AND merchant_id = $2 RETURNING id`, [id, merchantId])) as [unknown[], number];
    if (!rows[1]) throw new AppError('NOT_FOUND', 'No such webhook endpoint.');
  }

  /** A new secret signs from now on; the previous one signs too for WEBHOOK_SECRET_GRACE_S, so receivers can switch without a gap. */
  async rotate(merchantId: string, id: string): Promise<{ endpoint: WebhookEndpointRow; secret: string }> {
    const current = await this.get(merchantId, id);
    const secret = newWebhookSecret();
    const previous = this.cipher.decrypt(current.secret, aad(current, 'webhook_secret'));
    const [[endpoint]] = (await this.dataSource.query(
      `UPDATE webhook_endpoints
          SET secret = $3, previous_secret = $4, previous_secret_expires_at = now() + make_interval(secs => $5), updated_at = now()
        WHERE id = $1 AND merchant_id = $2 RETURNING *`,
      [id, merchantId, this.cipher.encrypt(secret, aad(current, 'webhook_secret')), this.cipher.encrypt(previous, aad(current, 'previous_webhook_secret')), this.config.secretGraceS],
    )) as [WebhookEndpointRow[], number];
    return { endpoint, secret };
  }

  /** The secrets that sign a delivery now: the current one, and the previous one during its grace period. */
  signingSecrets(row: Pick<WebhookEndpointRow, 'id' | 'merchant_id' | 'secret' | 'previous_secret' | 'previous_secret_expires_at'>): string[] {
    const secrets = [this.cipher.decrypt(row.secret, aad(row, 'webhook_secret'))];
    if (row.previous_secret && row.previous_secret_expires_at && new Date(row.previous_secret_expires_at).getTime() > Date.now()) {
      secrets.push(this.cipher.decrypt(row.previous_secret, aad(row, 'previous_webhook_secret')));
    }
    return secrets;
  }

  private async checkTarget(url: string): Promise<void> {
    const problem = urlProblem(url, this.config) ?? (await resolveAllowed(new URL(url).hostname, this.config).then((r) => (typeof r === 'string' ? r : undefined)));
    if (problem) throw new AppError('WEBHOOK_URL_NOT_ALLOWED', `The webhook URL ${problem}.`, { errors: [{ field: 'url', message: problem }] });
  }
}
