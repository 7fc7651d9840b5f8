import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ConnectpayPsu1764100000000 implements MigrationInterface {
  name = 'ConnectpayPsu1764100000000';

  async up(q: QueryRunner): Promise<void> {
    // Provider-neutral: whom a consent's tokens belong to at the provider (ConnectPay: person and customer).
    await q.query(`ALTER TABLE consents ADD COLUMN provider_subject jsonb`);
    // ConnectPay: which customer holds each account a merchant's consents have listed, so a call for
    // another customer's account is refused before ConnectPay is asked.
    await q.query(`
      CREATE TABLE connectpay_accounts (
        merchant_id uuid NOT NULL CONSTRAINT connectpay_accounts_merchant_id_fkey REFERENCES merchants (id) ON DELETE CASCADE,
        account_id text NOT NULL,
        iban text NOT NULL,
        customer_id text NOT NULL,
        seen_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT connectpay_accounts_pkey PRIMARY KEY (merchant_id, account_id)
      )`);
    await q.query(`CREATE INDEX connectpay_accounts_merchant_iban ON connectpay_accounts (merchant_id, iban)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE connectpay_accounts`);
    await q.query(`ALTER TABLE consents DROP COLUMN provider_subject`);
  }
}
