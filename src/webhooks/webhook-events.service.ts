import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppError } from '../common/errors/app-error.js';

export interface WebhookEventRow {
  id: string;
  type: string;
  data: Record<string, unknown>;
  created_at: Date;
}

export interface DeliveryLogRow {
  id: string;
  endpoint_id: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: Date;
  last_status: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  log: { at: string; statusCode: number | null; error: string | null; durationMs: number }[];
}

/** The merchant's events (the outbox, read back), their delivery log, and manual replay. */
@Injectable()
export class WebhookEventsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  list(merchantId: string, query: { type?: string; afterId?: string; limit: number }): Promise<WebhookEventRow[]> {
    return this.dataSource.query(
      `SELECT id, type, data, created_at FROM webhook_events
        WHERE merchant_id = $1 AND ($2::text IS NULL OR type = $2)
          AND ($3::uuid IS NULL OR (created_at, id) > (SELECT a.created_at, a.id FROM webhook_events a WHERE a.id = $3 AND a.merchant_id = $1))
        ORDER BY created_at, id LIMIT $4`,
      [merchantId, query.type ?? null, query.afterId ?? null, query.limit],
    );
  }

  async get(merchantId: string, id: string): Promise<{ event: WebhookEventRow; deliveries: DeliveryLogRow[] }> {
    const [event] = (await this.dataSource.query(`SELECT id, type, data, created_at FROM webhook_events WHERE id = $1 AND merchant_id = $2`, [id, merchantId])) as WebhookEventRow[];
    if (!event) throw new AppError('NOT_FOUND', 'No such event.');
    const deliveries = (await this.dataSource.query(
      `SELECT d.id, d.endpoint_id, d.state, d.attempts, d.next_attempt_at, d.last_status, d.last_error, d.delivered_at,
              coalesce((SELECT jsonb_agg(jsonb_build_object('at', a.at, 'statusCode', a.status_code, 'error', a.error, 'durationMs', a.duration_ms) ORDER BY a.id)
                          FROM webhook_attempts a WHERE a.delivery_id = d.id), '[]'::jsonb) AS log
         FROM webhook_deliveries d WHERE d.event_id = $1 ORDER BY d.created_at, d.id`,
      [id],
    )) as DeliveryLogRow[];
    return { event, deliveries };
  }

  /** Sends an event again (with the same webhook-id) to one endpoint or to all the merchant's enabled ones. */
  async replay(merchantId: string, id: string, endpointId?: string): Promise<number> {
    await this.get(merchantId, id);
    const rows = (await this.dataSource.query(
      `INSERT INTO webhook_deliveries (event_id, endpoint_id)
       SELECT ev.id, e.id FROM webhook_events ev
         JOIN webhook_endpoints e ON e.merchant_id = ev.merchant_id AND e.enabled AND ($3::uuid IS NULL OR e.id = $3)
        WHERE ev.id = $1 AND ev.merchant_id = $2
       RETURNING id`,
      [id, merchantId, endpointId ?? null],
    )) as unknown[];
    if (endpointId && rows.length === 0) throw new AppError('NOT_FOUND', 'No such enabled webhook endpoint.');
    return rows.length;
  }
}
