import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ConsentProviderRegistry, type OAuthConsentProvider, type ProviderTokenSet } from '../../consents/consent-provider.registry.js';
import { PagaClient } from './paga.client.js';
import { PAGA_CONFIG, type PagaConfig } from './paga.config.js';
import { PAGA_SCOPES, PAGA_USER_DATA } from './paga.mapper.js';

/** Paga as a consent provider: its scopes, its user data, its refresh. Paga has no revocation endpoint. */
@Injectable()
export class PagaConsentProvider implements OAuthConsentProvider, OnModuleInit {
  readonly name = 'paga';
  readonly strategyName = 'paga';
  readonly scopes = PAGA_SCOPES;
  readonly userData = PAGA_USER_DATA;

  constructor(
    private readonly client: PagaClient,
    private readonly registry: ConsentProviderRegistry,
    @Inject(PAGA_CONFIG) private readonly config: PagaConfig,
  ) {}

  onModuleInit(): void {
    // Not configured (production without PAGA_BASE_URL): no Paga consents, so no Paga operations.
    if (this.config.enabled) this.registry.register(this);
  }

  refresh(refreshToken: string): Promise<ProviderTokenSet> {
    return this.client.refresh(refreshToken);
  }
}
