import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Payment } from './payment.entity.js';
import { PaymentsLedger } from './payments.ledger.js';

@Module({
  imports: [TypeOrmModule.forFeature([Payment])],
  providers: [PaymentsLedger],
  exports: [PaymentsLedger],
})
export class PaymentsModule {}
