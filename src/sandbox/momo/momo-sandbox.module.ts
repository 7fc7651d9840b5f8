import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { MOMO_SANDBOX_PATH } from '../sandbox-accounts.js';
import { MomoSandboxApiService } from './momo-sandbox-api.service.js';
import { SandboxClock } from '../sandbox.clock.js';
import { MomoSandboxControlController } from './momo-sandbox-control.controller.js';
import { MomoSandboxController } from './momo-sandbox.controller.js';
import { MomoSandboxJournalMiddleware } from './momo-sandbox-journal.middleware.js';
import { MomoSandboxScheduler } from './momo-sandbox.scheduler.js';
import { MomoSandboxStore } from './momo-sandbox.store.js';

/**
 * The MTN MoMo Open API emulator, mounted at /sandbox/momo: provisioning, token, collection and
 * disbursement over real HTTP, state in memory, outcomes on a virtual clock, callbacks over real
 * HTTP, plus its control API. Imported by the app in sandbox mode only.
 */
@Module({
  // Order matters: the wire controller's catch-all must be registered after the control routes.
  controllers: [MomoSandboxControlController, MomoSandboxController],
  providers: [SandboxClock, MomoSandboxStore, MomoSandboxScheduler, MomoSandboxApiService],
})
export class MomoSandboxModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // Every path below /sandbox/momo, also those with repeated slashes; the middleware skips the control API.
    consumer.apply(MomoSandboxJournalMiddleware).forRoutes({ path: `${MOMO_SANDBOX_PATH.slice(1)}/{*rest}`, method: RequestMethod.ALL });
  }
}
