import { CreateDateColumn, Entity, Index, JoinColumn, OneToOne, PrimaryColumn, Column, type Relation } from 'typeorm';
import { Payment } from '../../payments/payment.entity.js';

/**
 * Which Paysera transaction a payment is: the lookup a callback needs (by transaction_key), and the
 * guard that one payment gets one transaction even when two attempts race (primary key).
 */
@Entity({ name: 'paysera_transactions' })
export class PayseraTransactionLink {
  @PrimaryColumn({ name: 'payment_id', type: 'uuid' })
  paymentId!: string;

  @OneToOne(() => Payment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'payment_id', foreignKeyConstraintName: 'paysera_transactions_payment_id_fkey' })
  payment?: Relation<Payment>;

  @Index('paysera_transactions_transaction_key', { unique: true })
  @Column({ name: 'transaction_key', type: 'text' })
  transactionKey!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
