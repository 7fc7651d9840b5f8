import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * Verified Paysera callbacks already applied, by the SHA-256 of the signed event: a redelivery is
 * recognised and answered without acting twice. Only what identifies the event is kept.
 */
@Entity({ name: 'paysera_callbacks' })
export class PayseraCallbackRecord {
  @PrimaryColumn({ name: 'event_hash', type: 'text' })
  eventHash!: string;

  @Column({ type: 'text' })
  object!: string;

  @Column({ type: 'text' })
  type!: string;

  /** The transaction key or allowance id the event is about. */
  @Column({ name: 'object_id', type: 'text', nullable: true })
  objectId!: string | null;

  @CreateDateColumn({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;
}
