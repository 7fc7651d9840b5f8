import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { CryptoModule } from '../crypto/crypto.module.js';
import { MerchantsModule } from '../merchants/merchants.module.js';
import { WebhookDispatcher } from './webhook-dispatcher.service.js';
import { WebhookEndpointsService } from './webhook-endpoints.service.js';
import { WebhookEventsService } from './webhook-events.service.js';
import { loadWebhooksConfig, WEBHOOKS_CONFIG } from './webhooks.config.js';
import { WebhooksController } from './webhooks.controller.js';

/**
 * Merchant webhooks (Standard Webhooks). Events are written by the state changes themselves
 * (outbox.ts, in the same transaction); this module manages endpoints and delivers.
 */
@Module({
  imports: [CryptoModule, MerchantsModule],
  controllers: [WebhooksController],
  providers: [{ provide: WEBHOOKS_CONFIG, useFactory: loadWebhooksConfig, inject: [AppConfig] }, WebhookEndpointsService, WebhookEventsService, WebhookDispatcher],
})
export class WebhooksModule {}
