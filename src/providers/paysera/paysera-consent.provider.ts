import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ConsentProviderRegistry, type OAuthConsentProvider, type ProviderTokenSet } from '../../consents/consent-provider.registry.js';
import { PayseraClient } from './paysera.client.js';
import { PAYSERA_CONFIG, type PayseraConfig } from './paysera.config.js';
import { PAYSERA_SCOPES } from './paysera.mapper.js';

/** Paysera as a consent provider: its scopes, its MAC-credential refresh, its token revocation. */
@Injectable()
export class PayseraConsentProvider implements OAuthConsentProvider, OnModuleInit {
  readonly name = 'paysera';
  readonly strategyName = 'paysera';
  readonly scopes = PAYSERA_SCOPES;
  readonly userData: readonly string[] = [];

  constructor(
    private readonly client: PayseraClient,
    private readonly registry: ConsentProviderRegistry,
    @Inject(PAYSERA_CONFIG) private readonly config: PayseraConfig,
  ) {}

  onModuleInit(): void {
    if (this.config.enabled) this.registry.register(this);
  }

  /** A new access token and MAC key; Paysera's invalid_grant (OAuthGrantError) ends the consent as expired. */
  refresh(refreshToken: string): Promise<ProviderTokenSet> {
    return this.client.refresh(refreshToken);
  }

  /** Withdrawal: Paysera's documented revocation is of the access token (A.8). */
  revoke(tokens: { accessToken: string }): Promise<void> {
    return this.client.revokeAccessToken(tokens.accessToken);
  }
}
