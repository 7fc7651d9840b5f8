import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error.js';

/** What a token endpoint gave us, in Gatehouse's terms. */
export interface ProviderTokenSet {
  accessToken: string;
  refreshToken?: string;
  tokenType: string;
  /** Seconds. */
  expiresIn?: number;
  refreshExpiresIn?: number;
  scope?: string[];
  userData?: string[];
  /** Provider-specific secret kept with the tokens (e.g. a MAC key). */
  extraSecret?: string;
  /** Whom the tokens belong to at the provider (e.g. ConnectPay's personId and customerId), when the answer says. */
  subject?: Record<string, string>;
}

/**
 * A provider whose users connect through an OAuth authorization-code consent. Each provider module
 * registers one at start-up; the consent machinery never imports a provider's folder.
 */
export interface OAuthConsentProvider {
  readonly name: string;
  /** The name its Passport strategy is registered under. */
  readonly strategyName: string;
  readonly scopes: readonly string[];
  readonly userData: readonly string[];
  /** Extra rules for a scope set (e.g. no mixing of PSD2 and other scopes); a message if refused. */
  checkScopes?(scopes: string[]): string | undefined;
  /**
   * Finds out whom fresh tokens belong to when the token response did not say (e.g. by a first
   * resource call); undefined when it cannot tell. Called once, after the code exchange.
   */
  identify?(tokens: ProviderTokenSet, consent: { id: string; merchantId: string }): Promise<Record<string, string> | undefined>;
  /** Exchanges a refresh token; throws OAuthGrantError when the provider refuses it. */
  refresh(refreshToken: string): Promise<ProviderTokenSet>;
  /** Tells the provider the consent is withdrawn, where it supports that. Best effort. */
  revoke?(tokens: { accessToken: string; refreshToken?: string }): Promise<void>;
}

@Injectable()
export class ConsentProviderRegistry {
  private readonly providers = new Map<string, OAuthConsentProvider>();

  register(provider: OAuthConsentProvider): void {
    if (this.providers.has(provider.name)) throw new Error(`consent provider ${provider.name} registered twice`);
    this.providers.set(provider.name, provider);
  }

  find(name: string): OAuthConsentProvider | undefined {
    return this.providers.get(name);
  }

  get(name: string): OAuthConsentProvider {
    const provider = this.providers.get(name);
    if (!provider) throw new AppError('NOT_FOUND', `No consent provider named ${name}.`);
    return provider;
  }

  names(): string[] {
    return [...this.providers.keys()].sort();
  }
}
