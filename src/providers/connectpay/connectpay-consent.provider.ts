import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ConsentProviderRegistry, type OAuthConsentProvider, type ProviderTokenSet } from '../../consents/consent-provider.registry.js';
import { ConnectPayAccountDirectory } from './connectpay-account.directory.js';
import { ConnectPayClient } from './connectpay.client.js';
import { CONNECTPAY_CONFIG, type ConnectPayConfig } from './connectpay.config.js';
import { AIS, CONNECTPAY_SCOPES, mapAccounts, scopeMixProblem } from './connectpay.mapper.js';

/**
 * ConnectPay as a consent provider: PSD2 scopes only, never mixed; refresh with rotation; revoke
 * on withdrawal; and, when the token response does not say whom the tokens belong to, the first
 * account call does (AIS consents).
 */
@Injectable()
export class ConnectPayConsentProvider implements OAuthConsentProvider, OnModuleInit {
  readonly name = 'connectpay';
  readonly strategyName = 'connectpay';
  readonly scopes = CONNECTPAY_SCOPES;
  readonly userData: readonly string[] = [];

  constructor(
    private readonly client: ConnectPayClient,
    private readonly directory: ConnectPayAccountDirectory,
    private readonly registry: ConsentProviderRegistry,
    @Inject(CONNECTPAY_CONFIG) private readonly config: ConnectPayConfig,
  ) {}

  onModuleInit(): void {
    // Not configured (production without CONNECTPAY_BASE_URL): no ConnectPay consents.
    if (this.config.enabled) this.registry.register(this);
  }

  checkScopes(scopes: string[]): string | undefined {
    return scopeMixProblem(scopes);
  }

  /** The first account call tells the PSU (and the accounts it holds); a PIS-only consent cannot ask. */
  async identify(tokens: ProviderTokenSet, consent: { id: string; merchantId: string }): Promise<Record<string, string> | undefined> {
    if (!(tokens.scope ?? []).includes(AIS)) return undefined;
    const list = mapAccounts(await this.client.listAccounts(tokens.accessToken, false));
    if (!list.psu) return undefined;
    const customerId = list.psu.customerId;
    await this.directory.record(consent.merchantId, list.accounts.map((a) => ({ accountId: a.accountId, iban: a.iban, customerId: a.customerId ?? customerId })));
    return list.psu;
  }

  refresh(refreshToken: string): Promise<ProviderTokenSet> {
    return this.client.refresh(refreshToken);
  }

  /** The refresh token takes its access token with it (spec 2.6 [A]); without one, the access token goes alone. */
  revoke(tokens: { accessToken: string; refreshToken?: string }): Promise<void> {
    return this.client.revoke(tokens.refreshToken ?? tokens.accessToken);
  }
}
