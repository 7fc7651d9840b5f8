import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { PAGA_SANDBOX_PATH } from '../sandbox-accounts.js';
import { SandboxClock } from '../sandbox.clock.js';
import { PagaSandboxStore } from './paga-sandbox.store.js';
import { PagaSandboxApiService } from './paga-sandbox-api.service.js';
import { PagaSandboxControlController } from './paga-sandbox-control.controller.js';
import { PagaSandboxJournalMiddleware } from './paga-sandbox-journal.middleware.js';
import { PagaSandboxController } from './paga-sandbox.controller.js';
import { PagaSandboxOAuthService } from './paga-sandbox-oauth.service.js';

/**
 * The Paga Connect emulator, mounted at /sandbox/paga: Paga's OAuth2 server and secured API over
 * real HTTP, with state in memory, plus its control API. Imported by the app in sandbox mode only.
 */
@Module({
  // Order matters: the wire controller's catch-all must be registered after the control routes.
  controllers: [PagaSandboxControlController, PagaSandboxController],
  providers: [SandboxClock, PagaSandboxStore, PagaSandboxOAuthService, PagaSandboxApiService],
})
export class PagaSandboxModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // Every path below /sandbox/paga, also those with repeated slashes; the middleware skips the control API.
    consumer.apply(PagaSandboxJournalMiddleware).forRoutes({ path: `${PAGA_SANDBOX_PATH.slice(1)}/{*rest}`, method: RequestMethod.ALL });
  }
}
