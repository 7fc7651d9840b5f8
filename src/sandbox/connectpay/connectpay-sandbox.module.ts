import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { CONNECTPAY_SANDBOX_PATH } from '../sandbox-accounts.js';
import { SandboxClock } from '../sandbox.clock.js';
import { ConnectPaySandboxStore } from './connectpay-sandbox.store.js';
import { ConnectPaySandboxApiService } from './connectpay-sandbox-api.service.js';
import { ConnectPaySandboxControlController } from './connectpay-sandbox-control.controller.js';
import { ConnectPaySandboxController } from './connectpay-sandbox.controller.js';
import { ConnectPaySandboxJournalMiddleware } from './connectpay-sandbox-journal.middleware.js';
import { ConnectPaySandboxOAuthService } from './connectpay-sandbox-oauth.service.js';

/**
 * The ConnectPay PSD2 emulator, mounted at /sandbox/connectpay: the Auth Web App, the OAuth token
 * and revoke endpoints and the AIS/PIS API over real HTTP, state in memory, plus its control API.
 * No timers: codes, tokens and payments move on the emulator's clock when they are next read.
 */
@Module({
  // Order matters: the wire controller's catch-all must be registered after the control routes.
  controllers: [ConnectPaySandboxControlController, ConnectPaySandboxController],
  providers: [SandboxClock, ConnectPaySandboxStore, ConnectPaySandboxOAuthService, ConnectPaySandboxApiService],
})
export class ConnectPaySandboxModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ConnectPaySandboxJournalMiddleware).forRoutes({ path: `${CONNECTPAY_SANDBOX_PATH.slice(1)}/{*rest}`, method: RequestMethod.ALL });
  }
}
