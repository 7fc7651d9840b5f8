import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy as OAuth2Strategy, type StateStore, type StrategyOptionsWithRequest } from 'passport-oauth2';
import type { ProviderTokenSet } from '../../consents/consent-provider.registry.js';
import { OAuthStateStore } from '../../consents/oauth-state.store.js';
import { PagaClient } from './paga.client.js';
import { PAGA_CONFIG, type PagaConfig } from './paga.config.js';

type TokenCallback = (err: unknown, accessToken?: string, refreshToken?: string, params?: ProviderTokenSet) => void;

/**
 * Paga Connect's authorization-code flow as a Passport strategy: passport-oauth2 builds the
 * authorization redirect and runs the callback; the state lives in Postgres (OAuthStateStore);
 * the one code exchange goes through PagaClient (Basic auth, form body, timeout, no floats).
 */
@Injectable()
export class PagaStrategy extends PassportStrategy(OAuth2Strategy, 'paga', 6) {
  constructor(@Inject(PAGA_CONFIG) config: PagaConfig, client: PagaClient, store: OAuthStateStore) {
    super({
      authorizationURL: client.authorizationUrl,
      tokenURL: client.tokenUrl,
      clientID: config.clientId,
      clientSecret: config.clientSecret,
      callbackURL: config.callbackUrl,
      // Postgres-backed; its request type is ours, hence the cast.
      store: store as unknown as StateStore,
      scopeSeparator: ' ',
      skipUserProfile: true,
      passReqToCallback: true,
    } satisfies StrategyOptionsWithRequest);
    const oauth2 = (this as unknown as { _oauth2: { getOAuthAccessToken: unknown } })._oauth2;
    oauth2.getOAuthAccessToken = (code: string, params: { redirect_uri: string }, done: TokenCallback) => {
      client.exchangeCode(code, params.redirect_uri).then(
        (set) => done(null, set.accessToken, set.refreshToken, set),
        (err: unknown) => done(err),
      );
    };
  }

  /** Paga's extra authorization parameter: the profile fields the user is asked to share. */
  override authorizationParams(options: { userData?: string[] }): object {
    return options.userData?.length ? { user_data: options.userData.join(' ') } : {};
  }

  validate(_req: unknown, _accessToken: string, _refreshToken: string, tokens: ProviderTokenSet): ProviderTokenSet {
    return tokens;
  }
}
