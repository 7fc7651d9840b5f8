import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CryptoModule } from '../crypto/crypto.module.js';
import { MerchantsModule } from '../merchants/merchants.module.js';
import { AuthorizationAttempt } from './authorization-attempt.entity.js';
import { ConsentFlowService } from './consent-flow.service.js';
import { ConsentProviderRegistry } from './consent-provider.registry.js';
import { ConsentEvent } from './consent-event.entity.js';
import { Consent } from './consent.entity.js';
import { ConsentsController } from './consents.controller.js';
import { ConsentsService } from './consents.service.js';
import { OAuthStateStore } from './oauth-state.store.js';
import { OAuthController } from './oauth.controller.js';
import { Psu } from './psu.entity.js';
import { Token } from './token.entity.js';
import { TokenVault } from './token-vault.service.js';

/**
 * The provider-neutral consent machinery. Provider modules import it, register an
 * OAuthConsentProvider and a Passport strategy that uses OAuthStateStore, and call TokenVault.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Psu, Consent, ConsentEvent, AuthorizationAttempt, Token]), CryptoModule, MerchantsModule],
  controllers: [ConsentsController, OAuthController],
  providers: [ConsentProviderRegistry, ConsentsService, ConsentFlowService, OAuthStateStore, TokenVault],
  exports: [ConsentProviderRegistry, ConsentsService, OAuthStateStore, TokenVault, MerchantsModule],
})
export class ConsentsModule {}
