import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, UpdateDateColumn } from 'typeorm';
import { Merchant } from '../merchants/merchant.entity.js';
import type { ConsentStatus } from './consent-status.js';
import { Psu } from './psu.entity.js';

@Entity({ name: 'consents' })
@Index('consents_merchant_created', ['merchantId', 'createdAt', 'id'])
@Check('consents_status_check', `status IN ('received', 'valid', 'rejected', 'revokedByPsu', 'expired', 'terminatedByTpp')`)
export class Consent {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'merchant_id', type: 'uuid' })
  merchantId!: string;

  @ManyToOne(() => Merchant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'merchant_id', foreignKeyConstraintName: 'consents_merchant_id_fkey' })
  merchant?: Relation<Merchant>;

  @Index('consents_psu_id')
  @Column({ name: 'psu_id', type: 'uuid' })
  psuId!: string;

  @ManyToOne(() => Psu, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'psu_id', foreignKeyConstraintName: 'consents_psu_id_fkey' })
  psu?: Relation<Psu>;

  @Column({ type: 'text' })
  provider!: string;

  @Column({ type: 'text' })
  status!: ConsentStatus;

  @Column({ name: 'scopes_requested', type: 'text', array: true })
  scopesRequested!: string[];

  @Column({ name: 'scopes_granted', type: 'text', array: true, nullable: true })
  scopesGranted!: string[] | null;

  @Column({ name: 'user_data_requested', type: 'text', array: true, default: () => "'{}'" })
  userDataRequested!: string[];

  @Column({ name: 'user_data_granted', type: 'text', array: true, nullable: true })
  userDataGranted!: string[] | null;

  @Column({ name: 'return_url', type: 'text' })
  returnUrl!: string;

  /** While `received`: the end of the authorization window. While `valid`: when access ends, if known. */
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  /**
   * Who the provider says the tokens belong to (e.g. ConnectPay's person and customer), from the
   * token response or the first resource call; null until known. Never changes once set.
   */
  @Column({ name: 'provider_subject', type: 'jsonb', nullable: true })
  providerSubject!: Record<string, string> | null;

  /** The last thing that went wrong, as `code: message` (never a secret). */
  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
