import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, UpdateDateColumn } from 'typeorm';
import { Consent } from '../consents/consent.entity.js';
import { Merchant } from '../merchants/merchant.entity.js';

export const PAYMENT_STATUSES = ['pending', 'requires_action', 'succeeded', 'failed', 'canceled', 'refunded'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
export type PaymentKind = 'charge' | 'transfer';

/** bigint comes back from pg as a string; amounts stay exact integers of minor units. */
const minorUnits = {
  to: (value: number) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/**
 * A money movement through a provider, written before the provider is called (so a crash can
 * never leave a charge that Gatehouse does not know about) and updated with the outcome.
 */
@Entity({ name: 'payments' })
@Index('payments_merchant_reference', ['merchantId', 'provider', 'kind', 'reference'], { unique: true })
@Index('payments_payer_ref', ['merchantId', 'payerRef', 'createdAt'])
@Index('payments_merchant_created', ['merchantId', 'createdAt', 'id'])
@Check('payments_status_check', `status IN ('pending', 'requires_action', 'succeeded', 'failed', 'canceled', 'refunded')`)
@Check('payments_kind_check', `kind IN ('charge', 'transfer')`)
@Check('payments_amount_check', `amount_minor > 0 AND amount_minor <= 9007199254740991`)
export class Payment {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'merchant_id', type: 'uuid' })
  merchantId!: string;

  @ManyToOne(() => Merchant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'merchant_id', foreignKeyConstraintName: 'payments_merchant_id_fkey' })
  merchant?: Relation<Merchant>;

  @Column({ type: 'text' })
  provider!: string;

  @Index('payments_consent_id')
  @Column({ name: 'consent_id', type: 'uuid', nullable: true })
  consentId!: string | null;

  @ManyToOne(() => Consent, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'consent_id', foreignKeyConstraintName: 'payments_consent_id_fkey' })
  consent?: Relation<Consent>;

  @Column({ type: 'text' })
  kind!: PaymentKind;

  /** The merchant's reference: unique per merchant, provider and kind, so it is the idempotency key. */
  @Column({ type: 'text' })
  reference!: string;

  @Column({ name: 'provider_reference', type: 'text', nullable: true })
  providerReference!: string | null;

  @Column({ name: 'amount_minor', type: 'bigint', transformer: minorUnits })
  amountMinor!: number;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ type: 'text' })
  status!: PaymentStatus;

  /** SHA-256 of what was asked, so a reused reference with other details is refused. */
  @Column({ name: 'request_fingerprint', type: 'text' })
  requestFingerprint!: string;

  /** The provider's answer in Gatehouse's terms (fees, confirmation code), never secrets. */
  @Column({ name: 'provider_result', type: 'jsonb', nullable: true })
  providerResult!: Record<string, unknown> | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  /** SHA-256 of the token in this payment's provider callback URL (MoMo), if it has one. */
  @Index('payments_callback_token_hash', { unique: true })
  @Column({ name: 'callback_token_hash', type: 'text', nullable: true })
  callbackTokenHash!: string | null;

  /** Who pays (a consent's PSU, a wallet number), for the per-PSU velocity limits. */
  @Column({ name: 'payer_ref', type: 'text', nullable: true })
  payerRef!: string | null;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
