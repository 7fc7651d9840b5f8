import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Merchant } from '../merchants/merchant.entity.js';

/** A provider's user as the merchant knows them (the merchant's own reference). */
@Entity({ name: 'psus' })
@Index('psus_merchant_provider_reference', ['merchantId', 'provider', 'externalRef'], { unique: true })
export class Psu {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'merchant_id', type: 'uuid' })
  merchantId!: string;

  @ManyToOne(() => Merchant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'merchant_id', foreignKeyConstraintName: 'psus_merchant_id_fkey' })
  merchant?: Relation<Merchant>;

  @Column({ type: 'text' })
  provider!: string;

  @Column({ name: 'external_ref', type: 'text' })
  externalRef!: string;

  /** What the provider says identifies the user (e.g. ConnectPay's person and customer), once known. */
  @Column({ name: 'provider_subject', type: 'jsonb', nullable: true })
  providerSubject!: Record<string, string> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
