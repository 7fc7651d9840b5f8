import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { prepared, runPrepared } from '../database/prepared-statement.js';

// Every merchant POST with a key runs these two: prepared once per connection.
const CLAIM = prepared(
  'idempotency_claim',
  `INSERT INTO idempotency_keys (merchant_id, key, request_fingerprint, state, locked_until, expires_at)
   VALUES ($1, $2, $3, 'running', now() + make_interval(secs => $4), now() + make_interval(secs => $5))
   ON CONFLICT (merchant_id, key) DO UPDATE
      SET request_fingerprint = EXCLUDED.request_fingerprint, state = 'running', locked_until = EXCLUDED.locked_until,
          expires_at = EXCLUDED.expires_at, created_at = now(), response_status = NULL, response_body = NULL
    WHERE idempotency_keys.expires_at < now()
       OR (idempotency_keys.state = 'running' AND idempotency_keys.locked_until < now()
           AND idempotency_keys.request_fingerprint = EXCLUDED.request_fingerprint)
   RETURNING 1`,
);

const COMPLETE = prepared(
  'idempotency_complete',
  `UPDATE idempotency_keys SET state = 'done', locked_until = NULL, response_status = $3, response_body = $4
    WHERE merchant_id = $1 AND key = $2 AND state = 'running'`,
);

/** What a finished request answered, kept for replay. */
export interface StoredResponse {
  status: number;
  /** JSON text of the body (a resource, or a problem). */
  body: string;
}

export type Claim =
  | { kind: 'claimed' }
  | { kind: 'mismatch' }
  | { kind: 'running' }
  | { kind: 'done'; response: StoredResponse };

/**
 * Idempotency keys in Postgres, so that two instances can never both run one key. A key is
 * claimed by one INSERT … ON CONFLICT: the winner runs the request, everyone else sees the row.
 * A claim is a lease: if its holder died (the lease ran out), the same request may claim it again
 * (safe, because the operations behind it are themselves idempotent by their references).
 */
@Injectable()
export class IdempotencyStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async claim(merchantId: string, key: string, fingerprint: string, leaseSeconds: number, ttlSeconds: number): Promise<Claim> {
    const { rowCount } = await runPrepared(this.dataSource, CLAIM, [merchantId, key, fingerprint, leaseSeconds, ttlSeconds]);
    if (rowCount) return { kind: 'claimed' };
    const [row] = (await this.dataSource.query(
      `SELECT request_fingerprint, state, response_status, response_body FROM idempotency_keys WHERE merchant_id = $1 AND key = $2`,
      [merchantId, key],
    )) as { request_fingerprint: string; state: 'running' | 'done'; response_status: number | null; response_body: string | null }[];
    // Deleted between the two statements (a validation failure released it): the caller may retry.
    if (!row) return { kind: 'running' };
    if (row.request_fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (row.state === 'running') return { kind: 'running' };
    return { kind: 'done', response: { status: row.response_status!, body: row.response_body! } };
  }

  async complete(merchantId: string, key: string, response: StoredResponse): Promise<void> {
    await runPrepared(this.dataSource, COMPLETE, [merchantId, key, response.status, response.body]);
  }

  /** Forgets a claim whose request never ran (validation failed, service unavailable). */
  async release(merchantId: string, key: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM idempotency_keys WHERE merchant_id = $1 AND key = $2 AND state = 'running'`, [merchantId, key]);
  }

  async prune(): Promise<number> {
    const [, count] = (await this.dataSource.query(`DELETE FROM idempotency_keys WHERE expires_at < now()`)) as [unknown, number];
    return count;
  }
}
