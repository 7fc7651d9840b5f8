import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppError } from '../common/errors/app-error.js';
import type { Merchant } from '../merchants/merchant.entity.js';
import type { ListPaymentsQuery } from './dto/unified-payment.dto.js';
import { Payment } from './payment.entity.js';
import { PaymentProviderRegistry, type UnifiedPaymentRequest } from './payment-provider.registry.js';
import { PaymentsLedger } from './payments.ledger.js';

/**
 * The unified payments API: one request shape routed to the provider's module, one status
 * vocabulary, one list. The provider modules do the work and write the rows.
 */
@Injectable()
export class PaymentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: PaymentProviderRegistry,
    private readonly ledger: PaymentsLedger,
  ) {}

  providers(): string[] {
    return this.registry.names();
  }

  async create(merchant: Merchant, provider: string, request: UnifiedPaymentRequest): Promise<Payment> {
    const adapter = this.registry.find(provider);
    if (!adapter) {
      throw new AppError('VALIDATION_FAILED', `Unknown or unconfigured provider ${provider}.`, { errors: [{ field: 'provider', message: `must be one of: ${this.registry.names().join(', ')}` }] });
    }
    if (adapter.needsConsent && !request.consentId) {
      throw new AppError('VALIDATION_FAILED', `${provider} pays from a connected account: consentId is required.`, { errors: [{ field: 'consentId', message: 'is required for this provider' }] });
    }
    return adapter.create(merchant, request);
  }

  async get(merchantId: string, id: string): Promise<Payment> {
    const payment = await this.ledger.find({ id, merchantId });
    if (!payment) throw new AppError('NOT_FOUND', 'No such payment.');
    return payment;
  }

  history(paymentId: string) {
    return this.ledger.history(paymentId);
  }

  async refund(merchant: Merchant, id: string, amountMinor?: number): Promise<Payment> {
    const payment = await this.get(merchant.id, id);
    const adapter = this.registry.find(payment.provider);
    if (!adapter?.refund) throw new AppError('PROVIDER_OPERATION_UNSUPPORTED', `${payment.provider} payments cannot be refunded through Gatehouse.`);
    if (amountMinor !== undefined && amountMinor > payment.amountMinor) {
      throw new AppError('VALIDATION_FAILED', 'The refund exceeds the payment.', { errors: [{ field: 'amount', message: `must be at most ${payment.amountMinor}` }] });
    }
    if (payment.status !== 'succeeded') throw new AppError('CONFLICT', `A ${payment.status} payment cannot be refunded.`);
    return adapter.refund(merchant, payment, amountMinor);
  }

  async cancel(merchant: Merchant, id: string): Promise<Payment> {
    const payment = await this.get(merchant.id, id);
    const adapter = this.registry.find(payment.provider);
    if (!adapter?.cancel) throw new AppError('PROVIDER_OPERATION_UNSUPPORTED', `${payment.provider} payments cannot be canceled through Gatehouse.`);
    if (payment.status === 'canceled') return payment;
    if (!['pending', 'requires_action', 'succeeded'].includes(payment.status)) throw new AppError('CONFLICT', `A ${payment.status} payment cannot be canceled.`);
    return adapter.cancel(merchant, payment);
  }

  async list(merchantId: string, query: ListPaymentsQuery & { afterId?: string }): Promise<Payment[]> {
    const qb = this.dataSource
      .getRepository(Payment)
      .createQueryBuilder('p')
      .where('p.merchant_id = :merchantId', { merchantId })
      .orderBy('p.created_at', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .take(query.limit);
    if (query.provider) qb.andWhere('p.provider = :provider', { provider: query.provider });
    if (query.status) qb.andWhere('p.status = :status', { status: query.status });
    if (query.reference) qb.andWhere('p.reference = :reference', { reference: query.reference });
    if (query.consentId) qb.andWhere('p.consent_id = :consentId', { consentId: query.consentId });
    if (query.createdFrom) qb.andWhere('p.created_at >= :from', { from: query.createdFrom });
    if (query.createdTo) qb.andWhere('p.created_at < :to', { to: query.createdTo });
    if (query.afterId) {
      qb.andWhere('(p.created_at, p.id) > (SELECT a.created_at, a.id FROM payments a WHERE a.id = :afterId AND a.merchant_id = :merchantId)', { afterId: query.afterId });
    }
    return qb.getMany();
  }
}
