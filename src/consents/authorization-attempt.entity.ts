import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Consent } from './consent.entity.js';

/**
 * One trip of the user's browser to the provider: the OAuth state (only its SHA-256 is kept),
 * the PKCE verifier when the provider supports it (encrypted), and the callback it must return to.
 * Consumed exactly once, atomically, so a flow may start on one instance and end on another.
 */
@Entity({ name: 'authorization_attempts' })
export class AuthorizationAttempt {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('authorization_attempts_consent_id')
  @Column({ name: 'consent_id', type: 'uuid' })
  consentId!: string;

  @ManyToOne(() => Consent, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'consent_id', foreignKeyConstraintName: 'authorization_attempts_consent_id_fkey' })
  consent?: Relation<Consent>;

  @Index('authorization_attempts_state_hash', { unique: true })
  @Column({ name: 'state_hash', type: 'text' })
  stateHash!: string;

  @Column({ name: 'pkce_verifier', type: 'text', nullable: true })
  pkceVerifier!: string | null;

  @Column({ name: 'redirect_uri', type: 'text' })
  redirectUri!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'consumed_at', type: 'timestamptz', nullable: true })
  consumedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
