import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Merchant } from '../../merchants/merchant.entity.js';

/**
 * Which ConnectPay Customer holds an account, as a merchant's consents have seen it (account
 * lists and balances). Lets Gatehouse refuse, before asking ConnectPay, to use a consent on an
 * account it knows to be another customer's. Per merchant: one merchant's consents never inform
 * another's answers.
 */
@Entity({ name: 'connectpay_accounts' })
@Index('connectpay_accounts_merchant_iban', ['merchantId', 'iban'])
export class ConnectPayAccount {
  @PrimaryColumn({ name: 'merchant_id', type: 'uuid', primaryKeyConstraintName: 'connectpay_accounts_pkey' })
  merchantId!: string;

  @ManyToOne(() => Merchant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'merchant_id', foreignKeyConstraintName: 'connectpay_accounts_merchant_id_fkey' })
  merchant?: Relation<Merchant>;

  @PrimaryColumn({ name: 'account_id', type: 'text', primaryKeyConstraintName: 'connectpay_accounts_pkey' })
  accountId!: string;

  @Column({ type: 'text' })
  iban!: string;

  @Column({ name: 'customer_id', type: 'text' })
  customerId!: string;

  /** When this holder was first recorded for the account (or last changed). */
  @Column({ name: 'seen_at', type: 'timestamptz', default: () => 'now()' })
  seenAt!: Date;
}
