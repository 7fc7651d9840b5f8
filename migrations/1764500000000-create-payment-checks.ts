import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reconciliation without a job queue: a pending payment's next status check is a row of
 * `payment_checks`, written by the statement that records the provider's answer. Replaces the
 * pg-boss queue (one heavy job insert per payment); its `pgboss` schema is left for an operator
 * to drop, and the MoMo payments it was polling get a check due now.
 */
export class CreatePaymentChecks1764500000000 implements MigrationInterface {
  name = 'CreatePaymentChecks1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE payment_checks (
        payment_id uuid NOT NULL CONSTRAINT payment_checks_pkey PRIMARY KEY
                   CONSTRAINT payment_checks_payment_id_fkey REFERENCES payments(id) ON DELETE CASCADE,
        provider text NOT NULL,
        due_at timestamptz NOT NULL,
        attempt integer NOT NULL DEFAULT 0
      )`);
    await q.query(`CREATE INDEX payment_checks_due ON payment_checks (provider, due_at)`);
    await q.query(`
      INSERT INTO payment_checks (payment_id, provider, due_at)
      SELECT id, provider, now() FROM payments
       WHERE provider = 'momo' AND status = 'pending' AND provider_result ? 'submitted'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE payment_checks`);
  }
}
