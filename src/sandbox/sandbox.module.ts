import { Module } from '@nestjs/common';
import { DemoReturnController } from './demo-return.controller.js';
import { ConnectPaySandboxModule } from './connectpay/connectpay-sandbox.module.js';
import { MomoSandboxModule } from './momo/momo-sandbox.module.js';
import { PacoSandboxModule } from './paco/paco-sandbox.module.js';
import { PagaSandboxModule } from './paga/paga-sandbox.module.js';
import { PayseraSandboxModule } from './paysera/paysera-sandbox.module.js';

/** Everything that exists only in sandbox mode: the provider emulators and the demo return page. */
@Module({ imports: [PagaSandboxModule, MomoSandboxModule, PayseraSandboxModule, PacoSandboxModule, ConnectPaySandboxModule], controllers: [DemoReturnController] })
export class SandboxModule {}
