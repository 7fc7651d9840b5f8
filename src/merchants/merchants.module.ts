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

@Module({
  imports: [TypeOrmModule.forFeature([Merchant, ApiKey])],
  controllers: [MerchantsController, AdminController],
  providers: [MerchantsService, ApiKeysService, MerchantGuard, AdminGuard, DemoMerchantSeeder],
  exports: [MerchantsService, ApiKeysService, MerchantGuard],
})
export class MerchantsModule {}
