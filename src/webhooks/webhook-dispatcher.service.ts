import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { WebhookEndpointsService } from './webhook-endpoints.service.js';
import { webhookHeaders } from './webhook-signature.js';
import { sendWebhook } from './webhook.sender.js';
import { WEBHOOKS_CONFIG, type WebhooksConfig } from './webhooks.config.js';

interface ClaimedDelivery {
  id: string;
  attempts: number;
  event_id: string;
  type: string;
  data: Record<string, unknown>;
  event_created_at: Date;
  endpoint_id: string;
  merchant_id: string;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
}

const BATCH = 20;

/** The payload every attempt of an event sends, byte for byte (Standard Webhooks: type, timestamp, data). */
export function webhookBody(event: { type: string; data: unknown; createdAt: Date }): string {
  return JSON.stringify({ type: event.type, timestamp: new Date(event.createdAt).toISOString(), data: event.data });
}

/**
 * Sends queued deliveries. Every instance polls; a delivery is claimed with FOR UPDATE SKIP LOCKED
 * and a lease, so it is sent by one instance at a time, and a crashed sender's claim simply runs
 * out. The webhook-id is the event id on every attempt, so receivers can deduplicate. Retries
 * follow WEBHOOK_RETRY_SCHEDULE_S with ±20 % jitter; a 410 disables the endpoint.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly endpoints: WebhookEndpointsService,
    @Inject(WEBHOOKS_CONFIG) private readonly config: WebhooksConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(this.config.pollMs);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .then((sent) => this.schedule(sent === BATCH ? 0 : this.config.pollMs))
        .catch((err: unknown) => {
          this.logger.warn({ err }, 'webhook dispatch failed; will retry');
          this.schedule(this.config.pollMs * 5);
        });
    }, ms);
    this.timer.unref();
  }

  /** One round: claim what is due, send it, record the outcome. Returns how many were claimed. */
  async tick(): Promise<number> {
    const leaseS = Math.ceil(this.config.timeoutMs / 1000) + 30;
    const claimed = (await this.dataSource.query(
      `WITH due AS (
         SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.enabled
          WHERE d.state = 'pending' AND d.next_attempt_at <= now() AND (d.locked_until IS NULL OR d.locked_until < now())
          ORDER BY d.next_attempt_at
          LIMIT $1
          FOR UPDATE OF d SKIP LOCKED
       )
       UPDATE webhook_deliveries d SET locked_until = now() + make_interval(secs => $2), attempts = d.attempts + 1
         FROM due, webhook_events ev, webhook_endpoints e
        WHERE d.id = due.id AND ev.id = d.event_id AND e.id = d.endpoint_id
       RETURNING d.id, d.attempts, ev.id AS event_id, ev.type, ev.data, ev.created_at AS event_created_at,
                 e.id AS endpoint_id, e.merchant_id, e.url, e.secret, e.previous_secret, e.previous_secret_expires_at`,
      [BATCH, leaseS],
    )) as [ClaimedDelivery[], number];
    const rows = claimed[0];
    await Promise.all(rows.map((row) => this.deliver(row)));
    return rows.length;
  }

  private async deliver(row: ClaimedDelivery): Promise<void> {
    const body = webhookBody({ type: row.type, data: row.data, createdAt: row.event_created_at });
    let result;
    try {
      const headers = webhookHeaders(this.endpoints.signingSecrets({ ...row, id: row.endpoint_id }), row.event_id, Math.floor(Date.now() / 1000), body);
      result = await sendWebhook(row.url, headers, body, this.config, this.config.timeoutMs);
    } catch (err) {
      result = { status: null, error: err instanceof Error ? err.message.slice(0, 200) : 'unexpected error', durationMs: 0 };
    }
    const ok = result.status !== null && result.status >= 200 && result.status < 300;
    const gone = result.status === 410;
    const exhausted = row.attempts > this.config.retryScheduleS.length;
    const waitS = exhausted || ok || gone ? 0 : this.config.retryScheduleS[row.attempts - 1] * (0.8 + Math.random() * 0.4);
    const state = ok ? 'delivered' : gone || exhausted ? 'failed' : 'pending';
    await this.dataSource.transaction(async (m) => {
      await m.query(`INSERT INTO webhook_attempts (delivery_id, status_code, error, duration_ms) VALUES ($1, $2, $3, $4)`, [row.id, result.status, result.error, result.durationMs]);
      await m.query(
        `UPDATE webhook_deliveries
            SET state = $2, locked_until = NULL, last_status = $3, last_error = $4,
                delivered_at = CASE WHEN $2 = 'delivered' THEN now() ELSE delivered_at END,
                next_attempt_at = now() + make_interval(secs => $5)
          WHERE id = $1`,
        [row.id, state, result.status, result.error ?? (ok ? null : `HTTP ${result.status}`), waitS],
      );
      if (gone) {
        await m.query(`UPDATE webhook_endpoints SET enabled = false, disabled_reason = 'the endpoint answered 410 Gone', updated_at = now() WHERE id = $1`, [row.endpoint_id]);
      }
    });
    if (!ok) this.logger.log({ deliveryId: row.id, endpointId: row.endpoint_id, status: result.status, attempt: row.attempts, state }, 'webhook attempt failed');
  }
}
