import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { PAYSERA_SANDBOX_PATH } from '../sandbox-accounts.js';
import { SandboxClock } from '../sandbox.clock.js';
import { PayseraSandboxStore } from './paysera-sandbox.store.js';
import { PayseraSandboxApi } from './paysera-sandbox-api.service.js';
import { PayseraSandboxAuth } from './paysera-sandbox-auth.service.js';
import { PayseraSandboxCallbacks } from './paysera-sandbox-callbacks.service.js';
import { PayseraSandboxConfirmation } from './paysera-sandbox-confirm.service.js';
import { PayseraSandboxControlController } from './paysera-sandbox-control.controller.js';
import { PayseraSandboxController } from './paysera-sandbox.controller.js';
import { PayseraSandboxJournalMiddleware } from './paysera-sandbox-journal.middleware.js';
import { PayseraSandboxOAuth } from './paysera-sandbox-oauth.service.js';

/**
 * The Paysera wallet API emulator, mounted at /sandbox/paysera: OAuth issuing MAC credentials,
 * the MAC-signed wallet REST API, signed callbacks and /publickey over real HTTP, state in memory,
 * plus its control API. MAC checks are PayseraMacService's (CryptoModule's class, own instance with
 * the emulator's skewable clock). Imported by the app in sandbox mode only.
 */
@Module({
  // Order matters: the wire controller's catch-all must be registered after the control routes.
  controllers: [PayseraSandboxControlController, PayseraSandboxController],
  providers: [SandboxClock, PayseraSandboxStore, PayseraSandboxAuth, PayseraSandboxCallbacks, PayseraSandboxOAuth, PayseraSandboxApi, PayseraSandboxConfirmation],
})
export class PayseraSandboxModule implements NestModule {
  // Body bytes for the MAC body hash come from the app's parsers (rawBodyOf), exactly as received.
  configure(consumer: MiddlewareConsumer): void {
    const everything = { path: `${PAYSERA_SANDBOX_PATH.slice(1)}/{*rest}`, method: RequestMethod.ALL };
    consumer.apply(PayseraSandboxJournalMiddleware).forRoutes(everything);
  }
}
