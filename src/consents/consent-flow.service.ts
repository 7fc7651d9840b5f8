import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import passport from 'passport';
import type { DataSource } from 'typeorm';
import { AppError } from '../common/errors/app-error.js';
import { isDatabaseUnavailable, toAppError } from '../common/errors/to-app-error.js';
import { ConsentProviderRegistry, type OAuthConsentProvider, type ProviderTokenSet } from './consent-provider.registry.js';
import { Consent } from './consent.entity.js';
import { ConsentsService, describeSubject } from './consents.service.js';
import { type OAuthRequest, OAuthStateStore } from './oauth-state.store.js';
import { TokenVault } from './token-vault.service.js';

type PassportOutcome =
  | { kind: 'responded' }
  | { kind: 'error'; error: unknown }
  | { kind: 'fail'; info?: { message?: string } }
  | { kind: 'success'; tokens: ProviderTokenSet };

/** Runs a Passport strategy on this request and tells how it ended (a redirect is "responded"). */
function runStrategy(name: string, req: OAuthRequest, res: Response, options: Record<string, unknown>): Promise<PassportOutcome> {
  return new Promise((resolve) => {
    res.once('finish', () => resolve({ kind: 'responded' }));
    passport.authenticate(name, { ...options, session: false }, (err: unknown, user: ProviderTokenSet | false, info?: { message?: string }) => {
      if (err) resolve({ kind: 'error', error: err });
      else if (!user) resolve({ kind: 'fail', info });
      else resolve({ kind: 'success', tokens: user });
    })(req, res, (err: unknown) => resolve({ kind: 'error', error: err }));
  });
}

/** The error names a provider may put in the callback that we pass on; anything else is generic. */
const SAFE_ERROR = /^[a-z_]{1,40}$/;

/**
 * The user's side of a consent: send the browser to the provider with a fresh single-use state,
 * then take the callback, exchange the code once, store the tokens and send the browser back to
 * the merchant with nothing but the consent id and its status.
 */
@Injectable()
export class ConsentFlowService {
  private readonly logger = new Logger(ConsentFlowService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: ConsentProviderRegistry,
    private readonly consents: ConsentsService,
    private readonly vault: TokenVault,
    private readonly states: OAuthStateStore,
  ) {}

  async authorize(providerName: string, consentId: string, req: OAuthRequest, res: Response): Promise<void> {
    const provider = this.registry.get(providerName);
    const consent = await this.pendingConsent(providerName, consentId);
    req.gatehouseConsent = consent;
    const outcome = await runStrategy(provider.strategyName, req, res, { scope: consent.scopesRequested, userData: consent.userDataRequested });
    if (outcome.kind !== 'responded') {
      throw new AppError('INTERNAL', undefined, { cause: outcome.kind === 'error' ? outcome.error : new Error(`unexpected ${outcome.kind}`) });
    }
  }

  /** Returns where to send the browser (303), or throws a 4xx problem. */
  async callback(providerName: string, req: OAuthRequest, res: Response): Promise<string> {
    const provider = this.registry.get(providerName);
    const query = req.query as Record<string, unknown>;

    if (typeof query.error === 'string') {
      // A refusal is still answered only to the state we issued; then the consent is rejected.
      const attempt = await this.states.consume(query.state);
      if (!attempt) throw new AppError('INVALID_OAUTH_STATE', 'The state is unknown, used or expired.');
      const error = SAFE_ERROR.test(query.error) ? query.error : 'provider_error';
      const consent = await this.finish(attempt.consentId, 'rejected', `the provider answered ${error}`, { lastError: `${error}: the user or the provider declined` });
      return this.returnTo(consent, { error });
    }

    const outcome = await runStrategy(provider.strategyName, req, res, {});
    switch (outcome.kind) {
      case 'fail':
        throw new AppError('INVALID_OAUTH_STATE', 'The state is missing, unknown, used or expired; no code was exchanged.');
      case 'error': {
        const attempt = req.gatehouseAttempt;
        // No state was consumed: the state store could not be read (503, the same callback can be
        // retried), or the callback carried nothing to exchange.
        if (!attempt && isDatabaseUnavailable(outcome.error)) throw toAppError(outcome.error);
        if (!attempt) throw new AppError('BAD_REQUEST', 'The callback carries neither a code nor an error.');
        // The code was spent: this consent can never become valid, so it ends here, not in limbo.
        this.logger.warn({ consentId: attempt.consentId, err: describe(outcome.error) }, 'code exchange failed');
        const consent = await this.finish(attempt.consentId, 'rejected', 'code exchange failed', { lastError: `token_exchange_failed: ${describe(outcome.error)}` });
        return this.returnTo(consent, { error: 'token_exchange_failed' });
      }
      case 'success': {
        const consentId = req.gatehouseAttempt!.consentId;
        const { tokens } = outcome;
        const subject = tokens.subject ?? (await this.identify(provider, tokens, consentId));
        const { consent, mismatch } = await this.dataSource.transaction(async (m) => {
          const locked = await this.consents.lock(m, consentId);
          if (!locked) throw new AppError('NOT_FOUND', 'No such consent.');
          if (locked.status !== 'received') throw new AppError('CONSENT_STATE_CONFLICT', `The consent is already ${locked.status}.`);
          // The psuReference names one user at the provider: tokens of someone else are not kept.
          if (subject && !(await this.consents.claimSubject(m, locked, subject))) {
            const cause = 'the user connected another account than the one this psuReference names';
            const rejected = await this.consents.transition(m, locked, 'rejected', cause, { lastError: `psu_mismatch: ${cause} (${describeSubject(subject)})` });
            return { consent: rejected, mismatch: true };
          }
          await this.vault.save(m, locked, tokens);
          const refreshMs = tokens.refreshExpiresIn !== undefined ? tokens.refreshExpiresIn * 1000 : undefined;
          const valid = await this.consents.transition(m, locked, 'valid', 'the user approved', {
            scopesGranted: tokens.scope ?? locked.scopesRequested,
            userDataGranted: tokens.userData ?? locked.userDataRequested,
            expiresAt: refreshMs !== undefined ? new Date(Date.now() + refreshMs) : null,
            providerSubject: subject ?? null,
            lastError: null,
          });
          return { consent: valid, mismatch: false };
        });
        if (mismatch) {
          // Never stored; the provider is told they are not wanted (best effort).
          await provider.revoke?.({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken }).catch((err: unknown) =>
            this.logger.warn({ consentId, err: describe(err) }, 'the provider did not confirm the revocation'),
          );
          return this.returnTo(consent, { error: 'psu_mismatch' });
        }
        return this.returnTo(consent, {});
      }
      case 'responded':
        throw new AppError('INTERNAL', undefined, { cause: new Error('strategy redirected from the callback') });
    }
  }

  /** Whom the tokens belong to, when the token response did not say; a failure here only means "not known yet". */
  private async identify(provider: OAuthConsentProvider, tokens: ProviderTokenSet, consentId: string): Promise<Record<string, string> | undefined> {
    if (!provider.identify) return undefined;
    const consent = await this.dataSource.getRepository(Consent).findOneBy({ id: consentId });
    if (!consent) return undefined;
    try {
      return await provider.identify(tokens, { id: consent.id, merchantId: consent.merchantId });
    } catch (err) {
      this.logger.warn({ consentId, err: describe(err) }, 'could not tell whom the tokens belong to; will learn it on first use');
      return undefined;
    }
  }

  /** DELETE /v1/consents/:id: withdraw, destroy the tokens, and tell the provider where it can hear it. */
  async terminate(merchantId: string, id: string): Promise<void> {
    const { consent, tokens } = await this.consents.terminate(merchantId, id);
    const provider = this.registry.find(consent.provider);
    if (!tokens || !provider?.revoke) return;
    // The tokens are already gone here; revocation at the provider is a courtesy that may fail.
    await provider.revoke(this.vault.reveal(tokens)).catch((err: unknown) =>
      this.logger.warn({ consentId: id, err: describe(err) }, 'the provider did not confirm the revocation'),
    );
  }

  private async pendingConsent(provider: string, id: string): Promise<Consent> {
    const consent = await this.dataSource.getRepository(Consent).findOneBy({ id, provider });
    if (!consent) throw new AppError('NOT_FOUND', 'No such consent.');
    if (consent.status !== 'received') throw new AppError('CONSENT_STATE_CONFLICT', `This consent is already ${consent.status}.`);
    if (consent.expiresAt && consent.expiresAt.getTime() <= Date.now()) {
      await this.finish(consent.id, 'expired', 'the user did not finish in time', {});
      throw new AppError('CONSENT_NOT_ACTIVE', 'This consent expired before it was authorized; ask the merchant for a new link.');
    }
    return consent;
  }

  private finish(consentId: string, to: 'rejected' | 'expired', cause: string, patch: Partial<Consent>): Promise<Consent> {
    return this.dataSource.transaction(async (m) => {
      const locked = await this.consents.lock(m, consentId);
      if (!locked) throw new AppError('NOT_FOUND', 'No such consent.');
      if (locked.status !== 'received') return locked;
      return this.consents.transition(m, locked, to, cause, patch);
    });
  }

  private returnTo(consent: Consent, extra: { error?: string }): string {
    const url = new URL(consent.returnUrl);
    url.searchParams.set('consent_id', consent.id);
    url.searchParams.set('status', consent.status);
    if (extra.error) url.searchParams.set('error', extra.error);
    return url.toString();
  }
}

function describe(err: unknown): string {
  const e = err as { message?: string; oauthError?: { statusCode?: number } };
  return (e?.message ?? String(err)).slice(0, 200);
}
