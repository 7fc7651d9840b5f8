import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePaco1764300000000 implements MigrationInterface {
  name = 'CreatePaco1764300000000';

  async up(q: QueryRunner): Promise<void> {
    // PACO's side of a card payment; the money itself is in payments (the ledger).
    await q.query(`
      CREATE TABLE paco_orders (
        payment_id uuid PRIMARY KEY CONSTRAINT paco_orders_payment_id_fkey REFERENCES payments (id) ON DELETE CASCADE,
        merchant_id uuid NOT NULL CONSTRAINT paco_orders_merchant_id_fkey REFERENCES merchants (id) ON DELETE CASCADE,
        order_no text NOT NULL,
        channel text NOT NULL CONSTRAINT paco_orders_channel_check CHECK (channel IN ('hosted', 'direct')),
        description text NOT NULL,
        return_url text,
        payment_page_url text,
        page_valid_until timestamptz,
        challenge_url text,
        controller_internal_id text,
        paco_status text,
        paco_step text,
        response_code text,
        approval_code text,
        card_last4 text,
        captured_minor bigint NOT NULL DEFAULT 0,
        refunded_minor bigint NOT NULL DEFAULT 0,
        action text CONSTRAINT paco_orders_action_check CHECK (action IN ('void', 'settle', 'refund')),
        action_started_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT paco_orders_amounts_check CHECK (captured_minor >= 0 AND refunded_minor >= 0 AND refunded_minor <= captured_minor)
      )`);
    await q.query(`CREATE UNIQUE INDEX paco_orders_order_no ON paco_orders (order_no)`);
    await q.query(`CREATE INDEX paco_orders_merchant_created ON paco_orders (merchant_id, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE paco_orders`);
  }
}
