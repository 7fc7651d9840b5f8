import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type MerchantStatus = 'active' | 'disabled';

@Entity({ name: 'merchants' })
@Check('merchants_status_check', `status IN ('active', 'disabled')`)
@Index('merchants_one_demo', ['isDemo'], { unique: true, where: 'is_demo' })
export class Merchant {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', default: 'active' })
  status!: MerchantStatus;

  /** Where a user's browser may be sent back after a consent flow (exact match). */
  @Column({ name: 'allowed_return_urls', type: 'text', array: true, default: () => "'{}'" })
  allowedReturnUrls!: string[];

  @Column({ name: 'webhook_urls', type: 'text', array: true, default: () => "'{}'" })
  webhookUrls!: string[];

  /** The sandbox's demo merchant, created once on the first boot. */
  @Column({ name: 'is_demo', type: 'boolean', default: false })
  isDemo!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
