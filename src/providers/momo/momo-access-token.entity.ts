import { Check, Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { MomoProduct } from './momo.config.js';

/** The shared access token per product, so that instances fetch one between them (row lock). */
@Entity({ name: 'momo_access_tokens' })
@Check('momo_access_tokens_product_check', `product IN ('collection', 'disbursement')`)
export class MomoAccessToken {
  @PrimaryColumn({ type: 'text' })
  product!: MomoProduct;

  @Column({ name: 'access_token', type: 'text', nullable: true })
  accessToken!: string | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
