import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, UpdateDateColumn } from 'typeorm';
import { Consent } from '../../consents/consent.entity.js';
import { Merchant } from '../../merchants/merchant.entity.js';
import type { PayseraAllowanceStatus } from './paysera.mapper.js';

const minorUnits = {
  to: (value: number | null) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/**
 * A Paysera allowance (the user lets this client take up to an amount without asking each time),
 * owned by one merchant and made through one of its consents. Written before Paysera is called;
 * the merchant's reference makes creation idempotent.
 */
@Entity({ name: 'paysera_allowances' })
@Index('paysera_allowances_merchant_reference', ['merchantId', 'reference'], { unique: true })
@Check('paysera_allowances_status_check', `status IN ('pending', 'active', 'inactive', 'canceled', 'failed')`)
@Check('paysera_allowances_amount_check', `max_amount_minor > 0 AND max_amount_minor <= 9007199254740991`)
export class PayseraAllowanceRow {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'merchant_id', type: 'uuid' })
  merchantId!: string;

  @ManyToOne(() => Merchant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'merchant_id', foreignKeyConstraintName: 'paysera_allowances_merchant_id_fkey' })
  merchant?: Relation<Merchant>;

  @Index('paysera_allowances_consent_id')
  @Column({ name: 'consent_id', type: 'uuid', nullable: true })
  consentId!: string | null;

  @ManyToOne(() => Consent, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'consent_id', foreignKeyConstraintName: 'paysera_allowances_consent_id_fkey' })
  consent?: Relation<Consent>;

  @Column({ type: 'text' })
  reference!: string;

  /** Paysera's allowance id, once Paysera answered. */
  @Index('paysera_allowances_paysera_id', { unique: true })
  @Column({ name: 'paysera_id', type: 'text', nullable: true })
  payseraId!: string | null;

  @Column({ name: 'wallet_id', type: 'text', nullable: true })
  walletId!: string | null;

  @Column({ type: 'text' })
  status!: PayseraAllowanceStatus;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ name: 'max_amount_minor', type: 'bigint', transformer: minorUnits })
  maxAmountMinor!: number;

  @Column({ name: 'used_amount_minor', type: 'bigint', nullable: true, transformer: minorUnits })
  usedAmountMinor!: number | null;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column({ name: 'valid_until', type: 'timestamptz', nullable: true })
  validUntil!: Date | null;

  /** SHA-256 of what was asked, so a reused reference with other details is refused. */
  @Column({ name: 'request_fingerprint', type: 'text' })
  requestFingerprint!: string;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
