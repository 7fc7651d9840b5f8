/**
 * The transactional outbox of merchant webhooks. An event is written by the same statement or
 * transaction as the state change it reports, so a rollback leaves no event and a commit never
 * loses one; a delivery row per subscribed, enabled endpoint is queued with it. The dispatcher
 * sends them later (webhook-dispatcher.service.ts).
 */

/** Anything that can run SQL: a DataSource, an EntityManager inside a transaction, a QueryRunner. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

export interface OutboxEvent {
  merchantId: string;
  /** `payment.succeeded`, `consent.valid`, … */
  type: string;
  data: Record<string, unknown>;
}

/**
 * A CTE body that queues a delivery of each event in `events` (a CTE with id, merchant_id, type)
 * to every enabled endpoint of its merchant that subscribes to its type.
 */
export function fanOutSql(events: string): string {
  return `INSERT INTO webhook_deliveries (event_id, endpoint_id)
          SELECT ${events}.id, e.id
            FROM ${events}
            JOIN webhook_endpoints e ON e.merchant_id = ${events}.merchant_id AND e.enabled
                 AND (e.event_types IS NULL OR ${events}.type = ANY (e.event_types))`;
}

/** Records one event and queues its deliveries, in one statement (atomic on its own, or in the caller's transaction). */
export async function recordEvent(db: Queryable, event: OutboxEvent): Promise<void> {
  await db.query(
    `WITH ev AS (
       INSERT INTO webhook_events (merchant_id, type, data) VALUES ($1, $2, $3::jsonb) RETURNING id, merchant_id, type
     ), queued AS (${fanOutSql('ev')})
     SELECT 1`,
    [event.merchantId, event.type, JSON.stringify(event.data)],
  );
}
