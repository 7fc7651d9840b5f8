import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateMomo1764000000000 implements MigrationInterface {
  name = 'CreateMomo1764000000000';

  async up(q: QueryRunner): Promise<void> {
    // A provider callback carries no signature; the unguessable token in its URL says which payment.
    await q.query(`ALTER TABLE payments ADD COLUMN callback_token_hash text`);
    await q.query(`CREATE UNIQUE INDEX payments_callback_token_hash ON payments (callback_token_hash)`);
    await q.query(`
      CREATE TABLE momo_api_users (
        product text PRIMARY KEY CONSTRAINT momo_api_users_product_check CHECK (product IN ('collection', 'disbursement')),
        base_url text NOT NULL,
        api_user uuid NOT NULL,
        api_key text NOT NULL,
        provider_callback_host text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE momo_access_tokens (
        product text PRIMARY KEY CONSTRAINT momo_access_tokens_product_check CHECK (product IN ('collection', 'disbursement')),
        access_token text,
        expires_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE momo_access_tokens`);
    await q.query(`DROP TABLE momo_api_users`);
    await q.query(`DROP INDEX payments_callback_token_hash`);
    await q.query(`ALTER TABLE payments DROP COLUMN callback_token_hash`);
  }
}
