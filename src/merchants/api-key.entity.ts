import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Merchant } from './merchant.entity.js';
import type { ApiKeyMode, ApiKeyScope } from './api-key.codec.js';

// Constraint and index names match the migration, so `migration:generate` finds no drift.
@Entity({ name: 'api_keys' })
@Check('api_keys_secret_hash_check', `secret_hash ~ '^[0-9a-f]{64}$'`)
@Check('api_keys_mode_check', `mode IN ('live', 'test')`)
@Check('api_keys_scopes_check', `cardinality(scopes) > 0`)
export class ApiKey {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('api_keys_merchant_id')
  @Column({ name: 'merchant_id', type: 'uuid' })
  merchantId!: string;

  @ManyToOne(() => Merchant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'merchant_id', foreignKeyConstraintName: 'api_keys_merchant_id_fkey' })
  merchant?: Relation<Merchant>;

  /** The public part of the key (`gh_test_ab12cd34ef56`), used to find the row. */
  @Index('api_keys_prefix', { unique: true })
  @Column({ type: 'text' })
  prefix!: string;

  /** SHA-256 of the whole key, hex. The key itself is never stored. */
  @Column({ name: 'secret_hash', type: 'text' })
  secretHash!: string;

  @Column({ type: 'text' })
  mode!: ApiKeyMode;

  @Column({ type: 'text', array: true })
  scopes!: ApiKeyScope[];

  @Column({ type: 'text', nullable: true })
  label!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
