import { Module } from '@nestjs/common';
import { DemoController } from './demo/demo.controller.js';
import { WebhookInboxController } from './demo/webhook-inbox.controller.js';
import { DemoReturnController } from './demo-return.controller.js';
import { ConnectPaySandboxModule } from './connectpay/connectpay-sandbox.module.js';
import { MomoSandboxModule } from './momo/momo-sandbox.module.js';
import { PacoSandboxModule } from './paco/paco-sandbox.module.js';
import { PagaSandboxModule } from './paga/paga-sandbox.module.js';
import { PayseraSandboxModule } from './paysera/paysera-sandbox.module.js';

/** Everything that exists only in sandbox mode: the provider emulators, the demo shop page, its return page and webhook inbox. */
@Module({ imports: [PagaSandboxModule, MomoSandboxModule, PayseraSandboxModule, PacoSandboxModule, ConnectPaySandboxModule], controllers: [DemoReturnController, DemoController, WebhookInboxController] })
export class SandboxModule {}
