import { Module } from '@nestjs/common';
import { DemoReturnController } from './demo-return.controller.js';
import { PagaSandboxModule } from './paga/paga-sandbox.module.js';

/** Everything that exists only in sandbox mode: the provider emulators and the demo return page. */
@Module({ imports: [PagaSandboxModule], controllers: [DemoReturnController] })
export class SandboxModule {}
