import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What to send again when a status check finds that the provider has no such transaction and it
 * never accepted one (MoMo's answer was unclear, or never came): the provider request, kept with
 * the check until the provider has it. Resending is safe: it carries the reference id committed
 * with the payment, which the provider deduplicates.
 */
export class PaymentCheckResend1764600000000 implements MigrationInterface {
  name = 'PaymentCheckResend1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE payment_checks ADD COLUMN resend jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE payment_checks DROP COLUMN resend`);
  }
}
