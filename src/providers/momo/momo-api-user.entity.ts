import { Check, Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { MomoProduct } from './momo.config.js';

/** The API user and key Gatehouse provisioned in a MoMo sandbox, per product (key encrypted). */
@Entity({ name: 'momo_api_users' })
@Check('momo_api_users_product_check', `product IN ('collection', 'disbursement')`)
export class MomoApiUser {
  @PrimaryColumn({ type: 'text' })
  product!: MomoProduct;

  @Column({ name: 'base_url', type: 'text' })
  baseUrl!: string;

  @Column({ name: 'api_user', type: 'uuid' })
  apiUser!: string;

  @Column({ name: 'api_key', type: 'text' })
  apiKey!: string;

  @Column({ name: 'provider_callback_host', type: 'text' })
  providerCallbackHost!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
