import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request } from 'express';
import type { DataSource } from 'typeorm';
import { AuthorizationAttempt } from './authorization-attempt.entity.js';
import type { Consent } from './consent.entity.js';

/** How long the user's browser may take between our redirect and the provider's callback. */
export const ATTEMPT_TTL_MS = 15 * 60_000;

export type OAuthRequest = Request & { gatehouseConsent?: Consent; gatehouseAttempt?: { consentId: string } };

const hashState = (state: string) => createHash('sha256').update(state, 'utf8').digest('hex');

/**
 * passport-oauth2's state store, in Postgres: `store` makes a fresh single-use state for the
 * consent being authorized; `verify` consumes it atomically, so of two racing callbacks exactly
 * one proceeds (and only that one exchanges the code). Only the state's hash is kept.
 */
@Injectable()
export class OAuthStateStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  // Arity 3 matters: passport-oauth2 picks the call shape by the function's length.
  store(req: OAuthRequest, meta: { callbackURL?: string }, callback: (err: Error | null, state?: string) => void): void {
    const consent = req.gatehouseConsent;
    if (!consent) return callback(new Error('no consent on the request'));
    const state = randomBytes(32).toString('base64url');
    this.dataSource
      .getRepository(AuthorizationAttempt)
      .insert({
        consentId: consent.id,
        stateHash: hashState(state),
        pkceVerifier: null,
        redirectUri: meta.callbackURL ?? '',
        expiresAt: new Date(Date.now() + ATTEMPT_TTL_MS),
        consumedAt: null,
      })
      .then(() => callback(null, state), (err: Error) => callback(err));
  }

  verify(req: OAuthRequest, state: unknown, callback: (err: Error | null, ok: boolean, info?: { message: string }) => void): void {
    this.consume(state).then(
      (attempt) => {
        if (!attempt) return callback(null, false, { message: 'unknown, used or expired state' });
        req.gatehouseAttempt = attempt;
        callback(null, true);
      },
      (err: Error) => callback(err, false),
    );
  }

  /** Marks the attempt used and returns it, or undefined when the state is unknown, used or stale. */
  async consume(state: unknown): Promise<{ consentId: string } | undefined> {
    if (typeof state !== 'string' || state.length < 16 || state.length > 256) return undefined;
    // For UPDATE ... RETURNING, TypeORM's postgres driver answers [rows, affectedCount].
    const [rows]: [{ consent_id: string }[], number] = await this.dataSource.query(
      `UPDATE authorization_attempts SET consumed_at = now()
        WHERE state_hash = $1 AND consumed_at IS NULL AND expires_at > now()
        RETURNING consent_id`,
      [hashState(state)],
    );
    return rows[0] ? { consentId: rows[0].consent_id } : undefined;
  }
}
