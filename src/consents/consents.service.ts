import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AppError, type FieldError } from '../common/errors/app-error.js';
import { AppConfig } from '../config/app-config.js';
import type { Merchant } from '../merchants/merchant.entity.js';
import { ConsentProviderRegistry } from './consent-provider.registry.js';
import { ConsentEvent } from './consent-event.entity.js';
import { assertTransition, type ConsentStatus } from './consent-status.js';
import { Consent } from './consent.entity.js';
import { Psu } from './psu.entity.js';
import { Token } from './token.entity.js';
import { recordEvent } from '../webhooks/outbox.js';
import { prepared, runPrepared } from '../database/prepared-statement.js';

/** How long a user has to finish a consent in their browser before it expires. */
export const AUTHORIZATION_WINDOW_MS = 30 * 60_000;

export interface NewConsent {
  provider: string;
  psuReference: string;
  scopes: string[];
  userData?: string[];
  returnUrl: string;
}

// Find-or-create the PSU, create the consent, record its first history entry: one statement.
// The consent's columns are named (not *): a prepared statement's result shape must not change
// when a migration adds a column.
const CREATE_CONSENT = prepared(
  'consent_create',
  `WITH psu AS (
     INSERT INTO psus (merchant_id, provider, external_ref) VALUES ($1, $2, $3)
     ON CONFLICT (merchant_id, provider, external_ref) DO UPDATE SET external_ref = EXCLUDED.external_ref
     RETURNING id, provider_subject, created_at
   ), consent AS (
     INSERT INTO consents (merchant_id, psu_id, provider, status, scopes_requested, user_data_requested, return_url, expires_at)
     SELECT $1, psu.id, $2, 'received', $4::text[], $5::text[], $6, now() + make_interval(secs => $7) FROM psu
     RETURNING id, merchant_id, psu_id, provider, status, scopes_requested, scopes_granted, user_data_requested, user_data_granted,
               return_url, expires_at, provider_subject, last_error, created_at, updated_at
   ), event AS (
     INSERT INTO consent_events (consent_id, from_status, to_status, cause) SELECT id, NULL, 'received', 'created by the merchant' FROM consent
   )
   SELECT consent.*, psu.provider_subject AS psu_subject, psu.created_at AS psu_created_at FROM consent, psu`,
);

interface ConsentRow {
  id: string;
  merchant_id: string;
  psu_id: string;
  provider: string;
  status: ConsentStatus;
  scopes_requested: string[];
  scopes_granted: string[] | null;
  user_data_requested: string[];
  user_data_granted: string[] | null;
  return_url: string;
  expires_at: Date | null;
  provider_subject: Record<string, string> | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
  psu_subject: Record<string, string> | null;
  psu_created_at: Date;
}

export interface ConsentQuery {
  provider?: string;
  psuReference?: string;
  status?: ConsentStatus;
  limit: number;
  /** The id of the last consent of the previous page. */
  afterId?: string;
}

export interface ConsentWithPsu {
  consent: Consent;
  psu: Psu;
}

/** Two provider subjects name the same user: the same keys with the same values. */
export function sameSubject(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a).sort();
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

/** A subject as a short text for causes and errors, e.g. `customerId=CUS-2001, personId=PRS-1001`. */
export function describeSubject(subject: Record<string, string>): string {
  return Object.keys(subject)
    .sort()
    .map((k) => `${k}=${String(subject[k]).slice(0, 64)}`)
    .join(', ');
}

export type SubjectBinding = { ok: true; consent: Consent } | { ok: false; consent: Consent; tokens?: Token };

@Injectable()
export class ConsentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly providers: ConsentProviderRegistry,
    private readonly config: AppConfig,
  ) {}

  async create(merchant: Merchant, input: NewConsent): Promise<ConsentWithPsu> {
    this.validate(merchant, input);
    const {
      rows: [row],
    } = await runPrepared<ConsentRow>(this.dataSource, CREATE_CONSENT, [merchant.id, input.provider, input.psuReference, [...new Set(input.scopes)], [...new Set(input.userData ?? [])], input.returnUrl, AUTHORIZATION_WINDOW_MS / 1000]);
    const psu = Object.assign(new Psu(), { id: row.psu_id, merchantId: merchant.id, provider: input.provider, externalRef: input.psuReference, providerSubject: row.psu_subject, createdAt: row.psu_created_at });
    const consent = Object.assign(new Consent(), {
      id: row.id,
      merchantId: row.merchant_id,
      psuId: row.psu_id,
      provider: row.provider,
      status: row.status,
      scopesRequested: row.scopes_requested,
      scopesGranted: row.scopes_granted,
      userDataRequested: row.user_data_requested,
      userDataGranted: row.user_data_granted,
      returnUrl: row.return_url,
      expiresAt: row.expires_at,
      providerSubject: row.provider_subject,
      lastError: row.last_error,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    });
    return { consent, psu };
  }

  /** The merchant's consent, or 404 (also for another merchant's). Lapsed windows expire here. */
  async get(merchantId: string, id: string): Promise<ConsentWithPsu> {
    const consent = await this.dataSource.getRepository(Consent).findOne({ where: { id, merchantId }, relations: { psu: true } });
    if (!consent?.psu) throw new AppError('NOT_FOUND', 'No such consent.');
    return { consent: await this.expireIfLapsed(consent), psu: consent.psu };
  }

  async list(merchantId: string, query: ConsentQuery): Promise<ConsentWithPsu[]> {
    const qb = this.dataSource
      .getRepository(Consent)
      .createQueryBuilder('c')
      .innerJoinAndSelect('c.psu', 'p')
      .where('c.merchant_id = :merchantId', { merchantId })
      .orderBy('c.created_at', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .take(query.limit);
    if (query.provider) qb.andWhere('c.provider = :provider', { provider: query.provider });
    if (query.status) qb.andWhere('c.status = :status', { status: query.status });
    if (query.psuReference) qb.andWhere('p.external_ref = :ref', { ref: query.psuReference });
    if (query.afterId) {
      // Compared inside Postgres: timestamps keep their microseconds there (a JS Date would not).
      qb.andWhere('(c.created_at, c.id) > (SELECT a.created_at, a.id FROM consents a WHERE a.id = :afterId AND a.merchant_id = :merchantId)', { afterId: query.afterId });
    }
    const rows = await qb.getMany();
    return Promise.all(rows.map(async (c) => ({ consent: await this.expireIfLapsed(c), psu: c.psu! })));
  }

  /**
   * A consent the merchant may act on now: theirs (else 404), of this provider (else 404),
   * valid (else 409 CONSENT_NOT_ACTIVE) and granting the scope (else 403 CONSENT_SCOPE_MISSING).
   */
  async usable(merchantId: string, id: string, provider: string, scope?: string): Promise<Consent> {
    const { consent } = await this.get(merchantId, id);
    if (consent.provider !== provider) throw new AppError('NOT_FOUND', 'No such consent.');
    if (consent.status !== 'valid') throw new AppError('CONSENT_NOT_ACTIVE', `This consent is ${consent.status}; it cannot be used.`);
    if (scope && !(consent.scopesGranted ?? []).includes(scope)) {
      throw new AppError('CONSENT_SCOPE_MISSING', `This consent does not grant ${scope}.`);
    }
    return consent;
  }

  history(consentId: string): Promise<ConsentEvent[]> {
    return this.dataSource.getRepository(ConsentEvent).find({ where: { consentId }, order: { id: 'ASC' } });
  }

  /** DELETE: the merchant withdraws the consent; stored tokens are destroyed in the same transaction. */
  async terminate(merchantId: string, id: string): Promise<{ consent: Consent; tokens?: Token }> {
    return this.dataSource.transaction(async (m) => {
      const consent = await m.findOne(Consent, { where: { id, merchantId }, lock: { mode: 'pessimistic_write' } });
      if (!consent) throw new AppError('NOT_FOUND', 'No such consent.');
      if (consent.status === 'terminatedByTpp') return { consent };
      const tokens = (await m.findOneBy(Token, { consentId: id })) ?? undefined;
      const updated = await this.transition(m, consent, 'terminatedByTpp', 'withdrawn by the merchant');
      return { consent: updated, tokens };
    });
  }

  /**
   * The only way a consent's status changes: checked against the state machine, recorded with
   * its cause, and tokens destroyed when the consent ends. Call inside a transaction that holds
   * the consent row locked.
   */
  async transition(m: EntityManager, consent: Consent, to: ConsentStatus, cause: string, patch: Partial<Consent> = {}): Promise<Consent> {
    assertTransition(consent.status, to);
    const from = consent.status;
    Object.assign(consent, patch, { status: to });
    if (to !== 'valid') await m.delete(Token, { consentId: consent.id });
    await m.update(Consent, { id: consent.id, status: from }, { ...patch, status: to });
    await m.insert(ConsentEvent, { consentId: consent.id, fromStatus: from, toStatus: to, cause });
    // The merchant's webhook event commits with the change, or not at all (outbox).
    await recordEvent(m, {
      merchantId: consent.merchantId,
      type: `consent.${to}`,
      data: { id: consent.id, provider: consent.provider, psuId: consent.psuId, status: to, previousStatus: from, scopesGranted: consent.scopesGranted },
    });
    return consent;
  }

  /**
   * The PSU (the merchant's psuReference) stands for one user at the provider: the first subject
   * seen for it is kept, and a consent for anyone else under the same reference is refused. Locks
   * the PSU row, so two racing consents of one reference cannot bind it to two users.
   * Returns false when the reference already names someone else.
   */
  async claimSubject(m: EntityManager, consent: Pick<Consent, 'psuId'>, subject: Record<string, string>): Promise<boolean> {
    const [psu] = (await m.query('SELECT provider_subject FROM psus WHERE id = $1 FOR UPDATE', [consent.psuId])) as { provider_subject: Record<string, string> | null }[];
    if (!psu) return false;
    if (psu.provider_subject) return sameSubject(psu.provider_subject, subject);
    await m.query('UPDATE psus SET provider_subject = $2 WHERE id = $1', [consent.psuId, JSON.stringify(subject)]);
    return true;
  }

  /**
   * Records whom a valid consent's tokens belong to, learned after the code exchange (e.g. from
   * the first account call). When it contradicts what is known (the consent's own subject, or
   * another user already behind its psuReference), the consent is terminated (its tokens are
   * destroyed; they are returned so the caller can revoke them at the provider).
   */
  async bindSubject(consentId: string, subject: Record<string, string>): Promise<SubjectBinding> {
    return this.dataSource.transaction(async (m) => {
      const locked = await this.lock(m, consentId);
      if (!locked) throw new AppError('NOT_FOUND', 'No such consent.');
      const known = locked.providerSubject;
      if (known && sameSubject(known, subject)) return { ok: true, consent: locked };
      if (!known && (await this.claimSubject(m, locked, subject))) {
        await m.update(Consent, { id: locked.id }, { providerSubject: subject });
        return { ok: true, consent: Object.assign(locked, { providerSubject: subject }) };
      }
      if (locked.status !== 'valid') return { ok: false, consent: locked };
      const tokens = (await m.findOneBy(Token, { consentId })) ?? undefined;
      const cause = known ? 'the provider answered for another user than the consent was given by' : 'the consent belongs to another user than its psuReference';
      const ended = await this.transition(m, locked, 'terminatedByTpp', cause, { lastError: `psu_mismatch: ${cause} (${describeSubject(subject)})` });
      return { ok: false, consent: ended, tokens };
    });
  }

  /** Locks and re-reads a consent for a status change. */
  lock(m: EntityManager, id: string): Promise<Consent | null> {
    return m.findOne(Consent, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  private async expireIfLapsed(consent: Consent): Promise<Consent> {
    const lapsed = consent.expiresAt && consent.expiresAt.getTime() <= Date.now();
    if (!lapsed || (consent.status !== 'received' && consent.status !== 'valid')) return consent;
    return this.dataSource.transaction(async (m) => {
      const locked = await this.lock(m, consent.id);
      if (!locked || (locked.status !== 'received' && locked.status !== 'valid')) return locked ?? consent;
      const cause = locked.status === 'received' ? 'the user did not finish in time' : 'the access period ended';
      const updated = await this.transition(m, locked, 'expired', cause);
      return Object.assign(updated, { psu: consent.psu });
    });
  }

  private validate(merchant: Merchant, input: NewConsent): void {
    const errors: FieldError[] = [];
    const provider = this.providers.find(input.provider);
    if (!provider) {
      errors.push({ field: 'provider', message: `must be one of: ${this.providers.names().join(', ')}` });
    } else {
      input.scopes.forEach((s, i) => {
        if (!provider.scopes.includes(s)) errors.push({ field: `scopes[${i}]`, message: `must be one of: ${provider.scopes.join(', ')}` });
      });
      (input.userData ?? []).forEach((d, i) => {
        if (!provider.userData.includes(d)) {
          errors.push({ field: `userData[${i}]`, message: provider.userData.length ? `must be one of: ${provider.userData.join(', ')}` : 'is not supported by this provider' });
        }
      });
      // Rules about the whole set (e.g. no mixing) are checked on what was sent, known or not, so
      // a mix of the provider's scopes with foreign ones is named as such.
      const scopeProblem = provider.checkScopes?.(input.scopes);
      if (scopeProblem) errors.push({ field: 'scopes', message: scopeProblem });
    }
    // Exact match only: an open redirect through Gatehouse would hand the user to anyone.
    if (!merchant.allowedReturnUrls.includes(input.returnUrl)) {
      errors.push({ field: 'returnUrl', message: "is not one of the merchant's allowed return URLs" });
    }
    if (errors.length) throw new AppError('VALIDATION_FAILED', `${errors.length} field(s) are invalid.`, { errors });
  }

  authorizationUrl(consent: Consent): string {
    return `${this.config.publicBaseUrl}/oauth/${consent.provider}/authorize/${consent.id}`;
  }
}
