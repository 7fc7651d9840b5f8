import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import express from 'express';
import { AppConfig } from '../../config/app-config.js';
import { CryptoModule } from '../../crypto/crypto.module.js';
import { MerchantsModule } from '../../merchants/merchants.module.js';
import { PaymentsModule } from '../../payments/payments.module.js';
import { PacoPaymentAdapter } from './paco-payment.adapter.js';
import { PacoActionsService } from './paco-actions.service.js';
import { PacoCallbackController } from './paco-callback.controller.js';
import { PacoKeyring } from './paco-keyring.service.js';
import { PacoNotificationsService } from './paco-notifications.service.js';
import { PacoOrders } from './paco-orders.store.js';
import { PacoPaymentsService } from './paco-payments.service.js';
import { PacoReturnService } from './paco-return.service.js';
import { PacoClient } from './paco.client.js';
import { loadPacoConfig, PACO_CONFIG } from './paco.config.js';
import { PacoController } from './paco.controller.js';

/** A notification is one sealed answer: a few KB (RSA-4096 adds about 1 KB). */
const NOTIFICATION_LIMIT = '256kb';

/** 2C2P PACO: hosted and server-to-server card payments, inquiry, void, settlement, refund, notifications. */
@Module({
  imports: [CryptoModule, PaymentsModule, MerchantsModule],
  controllers: [PacoController, PacoCallbackController],
  providers: [
    { provide: PACO_CONFIG, useFactory: loadPacoConfig, inject: [AppConfig] },
    PacoKeyring,
    PacoClient,
    PacoOrders,
    PacoPaymentsService,
    PacoActionsService,
    PacoNotificationsService,
    PacoReturnService,
    PacoPaymentAdapter,
  ],
})
export class PacoModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // application/jose is no JSON type: the global parsers leave it alone; the notification is read as text.
    consumer.apply(express.text({ type: 'application/jose', limit: NOTIFICATION_LIMIT })).forRoutes({ path: 'callbacks/paco', method: RequestMethod.POST });
  }
}
