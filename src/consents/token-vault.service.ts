import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AppError } from '../common/errors/app-error.js';
import { TokenCipher } from '../crypto/token-cipher.service.js';
import type { OAuthConsentProvider, ProviderTokenSet } from './consent-provider.registry.js';
import type { Consent } from './consent.entity.js';
import { ConsentsService } from './consents.service.js';
import { OAuthGrantError, ProviderUnauthorizedError } from './oauth.errors.js';
import { Token } from './token.entity.js';

// Refresh a little early, so a token never expires between our check and the provider's.
const EXPIRY_SKEW_MS = 60_000;

export interface UsableToken {
  accessToken: string;
  extraSecret?: string;
  scopes: string[];
}

/**
 * Keeps a consent's provider tokens (encrypted with TokenCipher, bound to merchant, consent and
 * column) and hands provider clients a fresh access token. Refresh is single-flight: in-process
 * callers share one promise, and instances serialise on the token row's lock, re-checking after
 * they get it, so one refresh happens however many requests race.
 */
@Injectable()
export class TokenVault {
  private readonly logger = new Logger(TokenVault.name);
  private readonly inflight = new Map<string, Promise<UsableToken>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cipher: TokenCipher,
    private readonly consents: ConsentsService,
  ) {}

  /** Stores (or replaces) the consent's tokens inside the caller's transaction. */
  async save(m: EntityManager, consent: Pick<Consent, 'id' | 'merchantId'>, set: ProviderTokenSet, keepRefreshToken?: string | null): Promise<void> {
    const aad = aadFor(consent.merchantId, consent.id);
    const now = Date.now();
    await m.upsert(
      Token,
      {
        consentId: consent.id,
        merchantId: consent.merchantId,
        accessToken: this.cipher.encrypt(set.accessToken, aad('access_token')),
        refreshToken: set.refreshToken ? this.cipher.encrypt(set.refreshToken, aad('refresh_token')) : (keepRefreshToken ?? null),
        extraSecret: set.extraSecret ? this.cipher.encrypt(set.extraSecret, aad('extra_secret')) : null,
        tokenType: set.tokenType,
        expiresAt: set.expiresIn !== undefined ? new Date(now + set.expiresIn * 1000) : null,
        refreshExpiresAt: set.refreshExpiresIn !== undefined ? new Date(now + set.refreshExpiresIn * 1000) : null,
        scopeGranted: set.scope ?? [],
      },
      ['consentId'],
    );
  }

  /** Decrypts the stored tokens (for revocation at the provider). */
  reveal(row: Token): { accessToken: string; refreshToken?: string } {
    const aad = aadFor(row.merchantId, row.consentId);
    return {
      accessToken: this.cipher.decrypt(row.accessToken, aad('access_token')),
      refreshToken: row.refreshToken ? this.cipher.decrypt(row.refreshToken, aad('refresh_token')) : undefined,
    };
  }

  /**
   * Runs `call` with a fresh access token of a valid consent. When the provider answers 401 to a
   * token we believed valid, refreshes once and retries once.
   */
  async withAccessToken<T>(consent: Consent, provider: OAuthConsentProvider, call: (token: UsableToken) => Promise<T>): Promise<T> {
    const token = await this.fresh(consent, provider);
    try {
      return await call(token);
    } catch (err) {
      if (!(err instanceof ProviderUnauthorizedError)) throw err;
      this.logger.warn({ consentId: consent.id }, 'provider refused the access token; refreshing once');
      const refreshed = await this.refresh(consent, provider, token.accessToken);
      try {
        return await call(refreshed);
      } catch (again) {
        // Refused again with a just-refreshed token: the provider's fault (502), not ours (500).
        if (again instanceof ProviderUnauthorizedError) throw new AppError('PROVIDER_ERROR', 'The provider refused a freshly refreshed access token.', { cause: again });
        throw again;
      }
    }
  }

  private async fresh(consent: Consent, provider: OAuthConsentProvider): Promise<UsableToken> {
    const row = await this.dataSource.getRepository(Token).findOneBy({ consentId: consent.id });
    if (!row) throw new AppError('CONSENT_NOT_ACTIVE', 'This consent holds no usable token.');
    if (!isExpired(row)) return this.usable(row);
    return this.refresh(consent, provider, undefined);
  }

  private refresh(consent: Consent, provider: OAuthConsentProvider, stale: string | undefined): Promise<UsableToken> {
    const running = this.inflight.get(consent.id);
    if (running) return running;
    const work = this.refreshLocked(consent, provider, stale).finally(() => this.inflight.delete(consent.id));
    this.inflight.set(consent.id, work);
    return work;
  }

  private async refreshLocked(consent: Consent, provider: OAuthConsentProvider, stale: string | undefined): Promise<UsableToken> {
    const outcome = await this.dataSource.transaction(async (m) => {
      const row = await m.findOne(Token, { where: { consentId: consent.id }, lock: { mode: 'pessimistic_write' } });
      if (!row) return { error: new AppError('CONSENT_NOT_ACTIVE', 'This consent holds no usable token.') };
      const current = this.usable(row);
      // Someone refreshed while we waited for the lock: use theirs.
      if (!isExpired(row) && current.accessToken !== stale) return { token: current };
      const refreshToken = this.reveal(row).refreshToken;
      let set: ProviderTokenSet | undefined;
      let refusal: string | undefined;
      if (!refreshToken || (row.refreshExpiresAt && row.refreshExpiresAt.getTime() <= Date.now())) {
        refusal = 'no usable refresh token';
      } else {
        try {
          set = await provider.refresh(refreshToken);
        } catch (err) {
          if (!(err instanceof OAuthGrantError)) throw err;
          refusal = err.message;
        }
      }
      if (!set) {
        // The provider will not renew access: the consent has ended; say so once, keep nothing.
        const locked = await this.consents.lock(m, consent.id);
        if (locked?.status === 'valid') {
          await this.consents.transition(m, locked, 'expired', `refresh refused: ${refusal}`, { lastError: `invalid_grant: ${refusal}` });
        }
        return { error: new AppError('CONSENT_NOT_ACTIVE', 'The provider no longer accepts this consent; ask the user to connect again.') };
      }
      await this.save(m, consent, set, row.refreshToken);
      if (set.refreshExpiresIn !== undefined) {
        // A rotated refresh token brings its own lifetime: access now lasts as long as it does.
        // SKIP LOCKED: never wait for the consent row while holding the token row (a withdrawal
        // locks them the other way round); a consent being changed right now needs no extension.
        await m.query(
          `UPDATE consents SET expires_at = now() + make_interval(secs => $2), updated_at = now()
            WHERE id IN (SELECT id FROM consents WHERE id = $1 AND status = 'valid' FOR UPDATE SKIP LOCKED)`,
          [consent.id, set.refreshExpiresIn],
        );
      }
      return { token: { accessToken: set.accessToken, extraSecret: set.extraSecret, scopes: set.scope ?? row.scopeGranted } };
    });
    if (outcome.error) throw outcome.error;
    return outcome.token!;
  }

  private usable(row: Token): UsableToken {
    const aad = aadFor(row.merchantId, row.consentId);
    return {
      accessToken: this.cipher.decrypt(row.accessToken, aad('access_token')),
      extraSecret: row.extraSecret ? this.cipher.decrypt(row.extraSecret, aad('extra_secret')) : undefined,
      scopes: row.scopeGranted,
    };
  }
}

/** The row identity each secret column is bound to (TokenCipher's additional data). */
function aadFor(merchantId: string, consentId: string) {
  return (column: string) => ({ merchantId, consentId, column });
}

function isExpired(row: Token): boolean {
  return row.expiresAt !== null && row.expiresAt.getTime() - EXPIRY_SKEW_MS <= Date.now();
}
