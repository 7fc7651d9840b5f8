import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config.js';
import { MerchantsModule } from '../merchants/merchants.module.js';
import { Payment } from './payment.entity.js';
import { PaymentProviderRegistry } from './payment-provider.registry.js';
import { PaymentsController } from './payments.controller.js';
import { loadPaymentsConfig, PAYMENTS_CONFIG } from './payments.config.js';
import { PaymentsLedger } from './payments.ledger.js';
import { PaymentsService } from './payments.service.js';

/**
 * Payments: the ledger every provider module writes through, and the unified /v1/payments API
 * over them (provider modules register an adapter in PaymentProviderRegistry).
 */
@Module({
  imports: [TypeOrmModule.forFeature([Payment]), MerchantsModule],
  controllers: [PaymentsController],
  providers: [{ provide: PAYMENTS_CONFIG, useFactory: loadPaymentsConfig, inject: [AppConfig] }, PaymentsLedger, PaymentProviderRegistry, PaymentsService],
  exports: [PaymentsLedger, PaymentProviderRegistry],
})
export class PaymentsModule {}
