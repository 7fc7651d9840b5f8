import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePaysera1764200000000 implements MigrationInterface {
  name = 'CreatePaysera1764200000000';

  async up(q: QueryRunner): Promise<void> {
    // A payment's Paysera transaction; callbacks name the transaction_key.
    await q.query(`
      CREATE TABLE paysera_transactions (
        payment_id uuid PRIMARY KEY CONSTRAINT paysera_transactions_payment_id_fkey REFERENCES payments (id) ON DELETE CASCADE,
        transaction_key text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX paysera_transactions_transaction_key ON paysera_transactions (transaction_key)`);
    await q.query(`
      CREATE TABLE paysera_allowances (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        merchant_id uuid NOT NULL CONSTRAINT paysera_allowances_merchant_id_fkey REFERENCES merchants (id) ON DELETE CASCADE,
        consent_id uuid CONSTRAINT paysera_allowances_consent_id_fkey REFERENCES consents (id) ON DELETE SET NULL,
        reference text NOT NULL,
        paysera_id text,
        wallet_id text,
        status text NOT NULL CONSTRAINT paysera_allowances_status_check CHECK (status IN ('pending', 'active', 'inactive', 'canceled', 'failed')),
        currency char(3) NOT NULL,
        max_amount_minor bigint NOT NULL CONSTRAINT paysera_allowances_amount_check CHECK (max_amount_minor > 0 AND max_amount_minor <= 9007199254740991),
        used_amount_minor bigint,
        description text NOT NULL DEFAULT '',
        valid_until timestamptz,
        request_fingerprint text NOT NULL,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX paysera_allowances_merchant_reference ON paysera_allowances (merchant_id, reference)`);
    await q.query(`CREATE UNIQUE INDEX paysera_allowances_paysera_id ON paysera_allowances (paysera_id)`);
    await q.query(`CREATE INDEX paysera_allowances_consent_id ON paysera_allowances (consent_id)`);
    await q.query(`
      CREATE TABLE paysera_callbacks (
        event_hash text PRIMARY KEY,
        object text NOT NULL,
        type text NOT NULL,
        object_id text,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE paysera_callbacks`);
    await q.query(`DROP TABLE paysera_allowances`);
    await q.query(`DROP TABLE paysera_transactions`);
  }
}
