import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminController } from './admin.controller.js';
import { AdminGuard } from './admin.guard.js';
import { ApiKey } from './api-key.entity.js';
import { ApiKeysService } from './api-keys.service.js';
import { DemoMerchantSeeder } from './demo-merchant.seeder.js';
import { Merchant } from './merchant.entity.js';
import { MerchantGuard } from './merchant.guard.js';
import { MerchantsController } from './merchants.controller.js';
import { MerchantsService } from './merchants.service.js';
import { createMerchantRateLimiter, MERCHANT_RATE_LIMITER } from './rate-limit.config.js';
import { AppConfig } from '../config/app-config.js';

@Module({
  imports: [TypeOrmModule.forFeature([Merchant, ApiKey])],
  controllers: [MerchantsController, AdminController],
  providers: [
    MerchantsService,
    ApiKeysService,
    MerchantGuard,
    AdminGuard,
    DemoMerchantSeeder,
    { provide: MERCHANT_RATE_LIMITER, useFactory: createMerchantRateLimiter, inject: [AppConfig] },
  ],
  exports: [MerchantsService, ApiKeysService, MerchantGuard, MERCHANT_RATE_LIMITER],
})
export class MerchantsModule {}
