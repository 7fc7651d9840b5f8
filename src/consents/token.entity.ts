import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn, type Relation, UpdateDateColumn } from 'typeorm';
import { Consent } from './consent.entity.js';

/**
 * The provider credentials of one consent. Every secret column holds TokenCipher output bound to
 * (merchant, consent, column); the plaintext never touches the database.
 */
@Entity({ name: 'tokens' })
export class Token {
  @PrimaryColumn({ name: 'consent_id', type: 'uuid' })
  consentId!: string;

  @OneToOne(() => Consent, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'consent_id', foreignKeyConstraintName: 'tokens_consent_id_fkey' })
  consent?: Relation<Consent>;

  @Column({ name: 'merchant_id', type: 'uuid' })
  merchantId!: string;

  @Column({ name: 'access_token', type: 'text' })
  accessToken!: string;

  @Column({ name: 'refresh_token', type: 'text', nullable: true })
  refreshToken!: string | null;

  /** Provider-specific secret material (e.g. Paysera's MAC key), encrypted like the tokens. */
  @Column({ name: 'extra_secret', type: 'text', nullable: true })
  extraSecret!: string | null;

  @Column({ name: 'token_type', type: 'text' })
  tokenType!: string;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'refresh_expires_at', type: 'timestamptz', nullable: true })
  refreshExpiresAt!: Date | null;

  @Column({ name: 'scope_granted', type: 'text', array: true, default: () => "'{}'" })
  scopeGranted!: string[];

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
