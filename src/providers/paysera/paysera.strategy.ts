import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy as OAuth2Strategy, type StateStore, type StrategyOptionsWithRequest } from 'passport-oauth2';
import type { ProviderTokenSet } from '../../consents/consent-provider.registry.js';
import { OAuthStateStore } from '../../consents/oauth-state.store.js';
import { PayseraClient } from './paysera.client.js';
import { PAYSERA_CONFIG, type PayseraConfig } from './paysera.config.js';

type TokenCallback = (err: unknown, accessToken?: string, refreshToken?: string, params?: ProviderTokenSet) => void;

/**
 * Paysera's authorization-code flow (A.8) as a Passport strategy: passport-oauth2 builds the
 * redirect to {auth}/oauth (response_type=code, client_id, scope, redirect_uri, state) and runs the
 * callback; the state lives in Postgres (OAuthStateStore). The one code exchange is Paysera's own:
 * a form POST to /oauth/v1/token MAC-signed with the client's credentials, answered with MAC
 * credentials (PayseraClient), so passport-oauth2's Basic/secret exchange is replaced.
 */
@Injectable()
export class PayseraStrategy extends PassportStrategy(OAuth2Strategy, 'paysera', 6) {
  constructor(@Inject(PAYSERA_CONFIG) config: PayseraConfig, client: PayseraClient, store: OAuthStateStore) {
    super({
      authorizationURL: client.authorizationUrl,
      tokenURL: client.tokenUrl,
      clientID: config.clientId || 'paysera-disabled',
      // Never sent: the exchange below signs with the MAC key instead of presenting a secret.
      clientSecret: '',
      callbackURL: config.redirectUri,
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

  validate(_req: unknown, _accessToken: string, _refreshToken: string, tokens: ProviderTokenSet): ProviderTokenSet {
    return tokens;
  }
}
