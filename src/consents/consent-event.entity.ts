import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Consent } from './consent.entity.js';
import type { ConsentStatus } from './consent-status.js';

/** One status change of a consent: when, from what, to what and why. Append-only. */
@Entity({ name: 'consent_events' })
export class ConsentEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Index('consent_events_consent_id')
  @Column({ name: 'consent_id', type: 'uuid' })
  consentId!: string;

  @ManyToOne(() => Consent, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'consent_id', foreignKeyConstraintName: 'consent_events_consent_id_fkey' })
  consent?: Relation<Consent>;

  @Column({ name: 'from_status', type: 'text', nullable: true })
  fromStatus!: ConsentStatus | null;

  @Column({ name: 'to_status', type: 'text' })
  toStatus!: ConsentStatus;

  @Column({ type: 'text' })
  cause!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at!: Date;
}
