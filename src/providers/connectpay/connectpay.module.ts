import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../../config/app-config.js';
import { ConsentsModule } from '../../consents/consents.module.js';
import { PaymentsModule } from '../../payments/payments.module.js';
import { ConnectPayPaymentAdapter } from './connectpay-payment.adapter.js';
import { ConnectPayAccount } from './connectpay-account.entity.js';
import { ConnectPayAccountDirectory } from './connectpay-account.directory.js';
import { ConnectPayAisService } from './connectpay-ais.service.js';
import { ConnectPayConsentProvider } from './connectpay-consent.provider.js';
import { ConnectPayPaymentsService } from './connectpay-payments.service.js';
import { ConnectPayPsuService } from './connectpay-psu.service.js';
import { ConnectPayClient } from './connectpay.client.js';
import { CONNECTPAY_CONFIG, loadConnectPayConfig } from './connectpay.config.js';
import { ConnectPayController } from './connectpay.controller.js';
import { ConnectPayStrategy } from './connectpay.strategy.js';

/**
 * ConnectPay PSD2: a consent bound to one PSU (person + customer) through Passport OAuth2, then
 * account information (psd2-ais) and payment initiation (psd2-pis) for that PSU only.
 */
@Module({
  imports: [ConsentsModule, PaymentsModule, TypeOrmModule.forFeature([ConnectPayAccount])],
  controllers: [ConnectPayController],
  providers: [
    // Validated once, at boot: a bad CONNECTPAY_* variable stops the start with its name.
    { provide: CONNECTPAY_CONFIG, useFactory: loadConnectPayConfig, inject: [AppConfig] },
    ConnectPayClient,
    ConnectPayStrategy,
    ConnectPayAccountDirectory,
    ConnectPayConsentProvider,
    ConnectPayPsuService,
    ConnectPayAisService,
    ConnectPayPaymentsService,
    ConnectPayPaymentAdapter,
  ],
})
export class ConnectPayModule {}
