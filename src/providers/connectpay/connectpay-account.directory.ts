import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { normalizeIban } from './connectpay.mapper.js';

export interface KnownAccount {
  accountId: string;
  iban: string;
  customerId: string;
}

/** The connectpay_accounts table: who holds which account, per merchant, as last seen. */
@Injectable()
export class ConnectPayAccountDirectory {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Records what an answer showed (new accounts, or a changed holder); one statement for the whole list. */
  async record(merchantId: string, accounts: readonly KnownAccount[]): Promise<void> {
    if (!accounts.length) return;
    await this.dataSource.query(
      `INSERT INTO connectpay_accounts (merchant_id, account_id, iban, customer_id)
       SELECT $1, a.account_id, a.iban, a.customer_id FROM unnest($2::text[], $3::text[], $4::text[]) AS a(account_id, iban, customer_id)
       ON CONFLICT (merchant_id, account_id) DO UPDATE SET iban = EXCLUDED.iban, customer_id = EXCLUDED.customer_id, seen_at = now()
         WHERE (connectpay_accounts.iban, connectpay_accounts.customer_id) IS DISTINCT FROM (EXCLUDED.iban, EXCLUDED.customer_id)`,
      [merchantId, accounts.map((a) => a.accountId), accounts.map((a) => normalizeIban(a.iban)), accounts.map((a) => a.customerId)],
    );
  }

  /** The customer known to hold this account, if any. */
  async holderOfAccount(merchantId: string, accountId: string): Promise<string | undefined> {
    const [row] = (await this.dataSource.query('SELECT customer_id FROM connectpay_accounts WHERE merchant_id = $1 AND account_id = $2', [merchantId, accountId])) as { customer_id: string }[];
    return row?.customer_id;
  }

  /** The customers known to hold an account with this IBAN (normally one). */
  async holdersOfIban(merchantId: string, iban: string): Promise<string[]> {
    const rows = (await this.dataSource.query('SELECT DISTINCT customer_id FROM connectpay_accounts WHERE merchant_id = $1 AND iban = $2', [merchantId, normalizeIban(iban)])) as { customer_id: string }[];
    return rows.map((r) => r.customer_id);
  }
}
