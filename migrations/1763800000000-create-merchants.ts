import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateMerchants1763800000000 implements MigrationInterface {
  name = 'CreateMerchants1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE merchants (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        status text NOT NULL DEFAULT 'active' CONSTRAINT merchants_status_check CHECK (status IN ('active', 'disabled')),
        allowed_return_urls text[] NOT NULL DEFAULT '{}',
        webhook_urls text[] NOT NULL DEFAULT '{}',
        is_demo boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // At most one demo merchant, even when two instances boot at once.
    await q.query(`CREATE UNIQUE INDEX merchants_one_demo ON merchants (is_demo) WHERE is_demo`);
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        merchant_id uuid NOT NULL CONSTRAINT api_keys_merchant_id_fkey REFERENCES merchants (id) ON DELETE CASCADE,
        prefix text NOT NULL,
        secret_hash text NOT NULL CONSTRAINT api_keys_secret_hash_check CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
        mode text NOT NULL CONSTRAINT api_keys_mode_check CHECK (mode IN ('live', 'test')),
        scopes text[] NOT NULL CONSTRAINT api_keys_scopes_check CHECK (cardinality(scopes) > 0),
        label text,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX api_keys_prefix ON api_keys (prefix)`);
    await q.query(`CREATE INDEX api_keys_merchant_id ON api_keys (merchant_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE api_keys`);
    await q.query(`DROP TABLE merchants`);
  }
}
