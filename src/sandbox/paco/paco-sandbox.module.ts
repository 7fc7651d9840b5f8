import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import express from 'express';
import { CryptoModule } from '../../crypto/crypto.module.js';
import { PACO_SANDBOX_PATH } from '../sandbox-accounts.js';
import { SandboxClock } from '../sandbox.clock.js';
import { PACO_MAX_BODY } from './paco-sandbox.constants.js';
import { PacoSandboxApiService } from './paco-sandbox-api.service.js';
import { PacoSandboxControlController } from './paco-sandbox-control.controller.js';
import { PacoSandboxController } from './paco-sandbox.controller.js';
import { PacoSandboxJose } from './paco-sandbox.jose.js';
import { PacoSandboxJournalMiddleware } from './paco-sandbox-journal.middleware.js';
import { PacoSandboxKeys } from './paco-sandbox.keys.js';
import { PacoSandboxMerchants } from './paco-sandbox.merchants.js';
import { PacoSandboxNotifier } from './paco-sandbox.notifier.js';
import { PacoSandboxStore } from './paco-sandbox.store.js';

/**
 * The 2C2P PACO JOSE API emulator, mounted at /sandbox/paco: payments (hosted page and nonUi),
 * inquiry, void, settlement and refund over real HTTP with JWE(JWS) envelopes, state in memory,
 * backend notifications over real HTTP, plus its control API. It knows merchants only through
 * `POST __control/merchants` (Gatehouse in sandbox mode registers its own token and public keys
 * there before its first call). Imported by the app in sandbox mode only.
 */
@Module({
  imports: [CryptoModule],
  // Order matters: the wire controller's catch-all must be registered after the control routes.
  controllers: [PacoSandboxControlController, PacoSandboxController],
  providers: [SandboxClock, PacoSandboxKeys, PacoSandboxMerchants, PacoSandboxStore, PacoSandboxJose, PacoSandboxNotifier, PacoSandboxApiService],
})
export class PacoSandboxModule implements NestModule {
  constructor(private readonly keys: PacoSandboxKeys) {}

  configure(consumer: MiddlewareConsumer): void {
    const everything = { path: `${PACO_SANDBOX_PATH.slice(1)}/{*rest}`, method: RequestMethod.ALL };
    // application/jose is no JSON type: the global parsers leave it alone, this one reads it as text.
    // Keys are generated in the background at boot; a PACO request waits for them if it comes first.
    const keysReady = (_req: unknown, _res: unknown, next: (err?: unknown) => void) => void this.keys.ready().then(() => next(), next);
    consumer.apply(keysReady, express.text({ type: 'application/jose', limit: PACO_MAX_BODY }), PacoSandboxJournalMiddleware).forRoutes(everything);
  }
}
