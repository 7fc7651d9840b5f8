import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy as OAuth2Strategy, type StateStore, type StrategyOptionsWithRequest } from 'passport-oauth2';
import { AppError } from '../../common/errors/app-error.js';
import type { ProviderTokenSet } from '../../consents/consent-provider.registry.js';
import { type OAuthRequest, OAuthStateStore } from '../../consents/oauth-state.store.js';
import { ConnectPayClient } from './connectpay.client.js';
import { CONNECTPAY_CONFIG, type ConnectPayConfig } from './connectpay.config.js';
import { CONNECTPAY_FLOW_ID, CONNECTPAY_SCOPES } from './connectpay.mapper.js';

type TokenCallback = (err: unknown, accessToken?: string, refreshToken?: string, params?: ProviderTokenSet) => void;
type StoreCallback = (err: Error | null, state?: string) => void;
type VerifyCallback = (err: Error | null, ok: boolean, info?: { message: string }) => void;

/**
 * ConnectPay's "Get authCode" PSD2 flow (spec 2.3-2.5) as a Passport strategy. passport-oauth2
 * builds the redirect (client_id, response_type=code, scope, state) and runs the callback; this
 * adds `flowid=GetPSD2AuthCode`, a fresh UUIDv4 `nonce` and `redirect_url` (ConnectPay's name;
 * passport's own `redirect_uri` is never sent), and exchanges the code once through
 * ConnectPayClient (form body, Basic auth, X-Request-ID).
 */
@Injectable()
export class ConnectPayStrategy extends PassportStrategy(OAuth2Strategy, 'connectpay', 6) {
  private readonly settings: Pick<ConnectPayConfig, 'flowParam' | 'callbackUrl'>;

  constructor(@Inject(CONNECTPAY_CONFIG) config: ConnectPayConfig, client: ConnectPayClient, store: OAuthStateStore) {
    // The Postgres state store, told our callback URL: it is not passport's callbackURL (that would add redirect_uri).
    const stateStore = {
      store: (req: OAuthRequest, meta: { callbackURL?: string }, done: StoreCallback) => store.store(req, { ...meta, callbackURL: config.callbackUrl }, done),
      verify: (req: OAuthRequest, state: unknown, done: VerifyCallback) => store.verify(req, state, done),
    };
    super({
      authorizationURL: client.authorizationUrl,
      tokenURL: client.tokenUrl,
      clientID: config.clientId,
      clientSecret: config.clientSecret,
      store: stateStore as unknown as StateStore,
      scopeSeparator: ' ',
      skipUserProfile: true,
      passReqToCallback: true,
    } satisfies StrategyOptionsWithRequest);
    this.settings = { flowParam: config.flowParam, callbackUrl: config.callbackUrl };
    const oauth2 = (this as unknown as { _oauth2: { getOAuthAccessToken: unknown } })._oauth2;
    oauth2.getOAuthAccessToken = (code: string, _params: unknown, done: TokenCallback) => {
      client.exchangeCode(code).then(
        (set) => done(null, set.accessToken, set.refreshToken, set),
        (err: unknown) => done(err),
      );
    };
  }

  /** ConnectPay's own parameters. Only PSD2 scopes ever leave: a mix is refused before any redirect. */
  override authorizationParams(options: { scope?: string[] }): object {
    const scopes = options.scope ?? [];
    if (!scopes.length || scopes.some((s) => !(CONNECTPAY_SCOPES as readonly string[]).includes(s))) {
      throw new AppError('VALIDATION_FAILED', `ConnectPay's PSD2 flow takes only ${CONNECTPAY_SCOPES.join(' and ')}.`);
    }
    return { [this.settings.flowParam]: CONNECTPAY_FLOW_ID, nonce: randomUUID(), redirect_url: this.settings.callbackUrl };
  }

  validate(_req: unknown, _accessToken: string, _refreshToken: string, tokens: ProviderTokenSet): ProviderTokenSet {
    return tokens;
  }
}
