import { Logger, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { PacoJoseService } from './paco-jose.service.js';
import { PayseraMacService } from './paysera-mac.service.js';
import { InMemoryReplayStore, REPLAY_STORE, type ReplayStore } from './replay.store.js';
import { TokenCipher } from './token-cipher.service.js';

/*
 * The services are plain classes (the CLI uses them without Nest); this module wires them with
 * factories. AppConfig comes from the global config module. REPLAY_STORE is in-memory for now;
 * a Postgres-backed store can replace the provider without touching the services.
 */
@Module({
  providers: [
    { provide: REPLAY_STORE, useFactory: (): ReplayStore => new InMemoryReplayStore() },
    {
      provide: PacoJoseService,
      useFactory: () => new PacoJoseService({ logger: new Logger(PacoJoseService.name) }),
    },
    {
      provide: PayseraMacService,
      useFactory: (replayStore: ReplayStore) =>
        new PayseraMacService({ replayStore, logger: new Logger(PayseraMacService.name) }),
      inject: [REPLAY_STORE],
    },
    {
      provide: TokenCipher,
      useFactory: (config: AppConfig) => TokenCipher.fromConfig(config, new Logger(TokenCipher.name)),
      inject: [AppConfig],
    },
  ],
  exports: [PacoJoseService, PayseraMacService, TokenCipher, REPLAY_STORE],
})
export class CryptoModule {}
