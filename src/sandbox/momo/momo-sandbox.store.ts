import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { MOMO_SANDBOX_PRODUCTS, MOMO_SANDBOX_SUBSCRIPTION_KEYS } from '../sandbox-accounts.js';
import {
  MOMO_APIKEY_ROTATES,
  MOMO_CALLBACK_METHOD,
  MOMO_DEFAULT_CALLBACK_POLICY,
  MOMO_INSUFFICIENT_FUNDS_REASON,
  MOMO_JOURNAL_LIMIT,
  MOMO_SANDBOX_DEFAULT_SETTINGS,
  MOMO_STARTING_BALANCE_CENTS,
  type MomoCallbackPolicy,
  type MomoJournalOperation,
  type MomoOperation,
  type MomoOutcome,
  type MomoProduct,
  type MomoSandboxSettings,
  type MomoStatus,
  type MomoTransactionKind,
} from './momo-sandbox.constants.js';
import { SandboxClock } from '../sandbox.clock.js';
import { outcomeForParty, type PlannedOutcome, statusBody } from './momo-sandbox.outcomes.js';
import type { Party, PaymentRequest } from './momo-sandbox.rules.js';

export interface ApiUser {
  apiUser: string;
  /** The product whose subscription key created it: the only product it may be used with (§1). */
  product: MomoProduct;
  providerCallbackHost: string;
  createdAt: number;
  /** SHA-256 of the API keys that work (the latest only, while keys rotate); a key is shown once, when created. */
  apiKeyHashes: Buffer[];
  apiKeyCreatedAt?: number;
}

export interface AccessToken {
  /** The product whose `/token/` issued it; it is refused on the other product's paths. */
  product: MomoProduct;
  apiUser: string;
  expiresAt: number;
}

export type TokenLookup = { status: 'valid'; token: AccessToken } | { status: 'unknown' | 'expired' };

export interface Transaction {
  kind: MomoTransactionKind;
  product: MomoProduct;
  referenceId: string;
  apiUser: string;
  amountCents: number;
  currency: string;
  externalId?: string;
  party: Party;
  payerMessage?: string;
  payeeNote?: string;
  status: MomoStatus;
  reason?: string;
  financialTransactionId?: string;
  callbackUrl?: string;
  createdAt: number;
  /** Virtual time at which it turns final; null = PENDING for ever. */
  finalAt: number | null;
  /** The outcome it will have at `finalAt`. */
  planned: MomoOutcome;
  /** Why it has this outcome: a test number, a forced outcome, or the default (success). */
  outcomeSource: 'default' | 'test-number' | 'forced';
  finalizedAt?: number;
}

export interface ForcedOutcome {
  referenceId?: string;
  msisdn?: string;
  outcome: MomoOutcome;
  delaySeconds?: number;
}

export interface ForcedFailure {
  operation: MomoOperation;
  product?: MomoProduct;
  /** Answer this status (with `code`/`message`) instead of the real answer. */
  httpStatus?: number;
  code?: string;
  message?: string;
  /** Wait this long first (alone: a slow but otherwise normal answer). */
  delayMs?: number;
  /** Destroy the connection without answering. */
  drop?: boolean;
  /** 'before' (default): nothing is done. 'after': the operation is carried out, then its answer replaced or dropped. */
  when?: 'before' | 'after';
}

/** A callback waiting to be sent, with its body fixed when the transaction turned final. */
export interface CallbackJob {
  dueAt: number;
  seq: number;
  url: string;
  method: 'PUT' | 'POST';
  body: string;
  kind: MomoTransactionKind;
  product: MomoProduct;
  referenceId: string;
  /** 1-based copy number, and how many copies are sent (`duplicate` mode). */
  copy: number;
  copies: number;
}

export interface JournalEntry {
  at: string;
  /** `in`: a request the emulator received; `out`: a callback it sent (or dropped on purpose). */
  direction: 'in' | 'out';
  method: string;
  /** In: the path only (query values are never kept; their names are). Out: the callback URL without its query. */
  path: string;
  queryKeys?: string[];
  operation: MomoJournalOperation;
  product?: MomoProduct;
  referenceId?: string;
  apiUser?: string;
  /** First 16 hex chars of SHA-256 of the access token presented or issued. */
  tokenHash?: string;
  /** The HTTP status answered (in) or received from the callback receiver (out); null when there was none. */
  status: number | null;
  /** The MoMo `code`, gateway status or token `error` of an error answer. */
  errorCode?: string;
  /** Why there is no status: the connection was dropped on purpose, the callback failed or was dropped. */
  outcome?: 'dropped' | 'failed';
  error?: string;
  copy?: number;
  durationMs: number;
}

export type CreateResult = { ok: true; transaction: Transaction } | { ok: false; reason: 'duplicate' };

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** How the journal and the control API refer to a token without revealing it. */
export function tokenHash(token: string): string {
  return sha256(token).toString('hex').slice(0, 16);
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** `2020-06-09T20:32:42.201`: a local timestamp without zone, as MoMo's token payload has it (§4). */
function localTimestamp(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

function transactionKey(kind: MomoTransactionKind, referenceId: string): string {
  return `${kind}:${referenceId}`;
}

/**
 * All of the MoMo emulator's state, in memory, behind explicit methods. Every method is synchronous,
 * so each is atomic (Node runs one at a time): a reference id cannot be taken twice by racing
 * requests, and a debit cannot interleave with another.
 */
@Injectable()
export class MomoSandboxStore {
  private settings: MomoSandboxSettings = { ...MOMO_SANDBOX_DEFAULT_SETTINGS };
  private callbackPolicy: MomoCallbackPolicy = { ...MOMO_DEFAULT_CALLBACK_POLICY };
  private readonly apiUsers = new Map<string, ApiUser>();
  private readonly tokens = new Map<string, AccessToken>();
  private readonly transactions = new Map<string, Transaction>();
  private balances: Record<MomoProduct, number> = { ...MOMO_STARTING_BALANCE_CENTS };
  private forcedOutcomes: ForcedOutcome[] = [];
  private failures: ForcedFailure[] = [];
  private callbacks: CallbackJob[] = [];
  private journal: JournalEntry[] = [];
  private seq = 0;

  constructor(private readonly clock: SandboxClock) {
    this.reset();
  }

  /** Back to a fresh start: default settings and balances, the real clock; nothing provisioned, issued or armed. */
  reset(): void {
    this.settings = { ...MOMO_SANDBOX_DEFAULT_SETTINGS };
    this.callbackPolicy = { ...MOMO_DEFAULT_CALLBACK_POLICY };
    this.clock.reset();
    this.apiUsers.clear();
    this.tokens.clear();
    this.transactions.clear();
    this.balances = { ...MOMO_STARTING_BALANCE_CENTS };
    this.forcedOutcomes = [];
    this.failures = [];
    this.callbacks = [];
    this.journal = [];
  }

  now(): number {
    return this.clock.now();
  }

  advanceClock(seconds: number): void {
    this.clock.advance(seconds * 1000);
  }

  // ---- settings ----

  getSettings(): MomoSandboxSettings {
    return { ...this.settings };
  }

  updateSettings(patch: Partial<MomoSandboxSettings>): MomoSandboxSettings {
    this.settings = { ...this.settings, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
    return this.getSettings();
  }

  getCallbackPolicy(): MomoCallbackPolicy {
    return { ...this.callbackPolicy };
  }

  setCallbackPolicy(policy: MomoCallbackPolicy): MomoCallbackPolicy {
    this.callbackPolicy = { ...policy };
    return this.getCallbackPolicy();
  }

  // ---- subscription keys ----

  /** The product whose primary or secondary key this is (compared in constant time), or undefined. */
  productOfSubscriptionKey(key: string): MomoProduct | undefined {
    const presented = sha256(key);
    let found: MomoProduct | undefined;
    for (const product of MOMO_SANDBOX_PRODUCTS) {
      for (const candidate of Object.values(MOMO_SANDBOX_SUBSCRIPTION_KEYS[product])) {
        if (timingSafeEqual(presented, sha256(candidate))) found = product;
      }
    }
    return found;
  }

  // ---- provisioning ----

  /** Creates an API user with the caller's UUID; false when that id is taken. */
  createApiUser(apiUser: string, product: MomoProduct, providerCallbackHost: string): boolean {
    if (this.apiUsers.has(apiUser)) return false;
    this.apiUsers.set(apiUser, { apiUser, product, providerCallbackHost, createdAt: this.now(), apiKeyHashes: [] });
    return true;
  }

  findApiUser(apiUser: string): ApiUser | undefined {
    return this.apiUsers.get(apiUser.toLowerCase());
  }

  listApiUsers(): ApiUser[] {
    return [...this.apiUsers.values()].map((u) => ({ ...u, apiKeyHashes: [...u.apiKeyHashes] }));
  }

  /** A new API key (32 hex chars, §1) for the user; with MOMO_APIKEY_ROTATES the previous ones stop working (§15 #11). */
  createApiKey(apiUser: string): string | undefined {
    const user = this.findApiUser(apiUser);
    if (!user) return undefined;
    const apiKey = randomBytes(16).toString('hex');
    user.apiKeyHashes = MOMO_APIKEY_ROTATES ? [sha256(apiKey)] : [...user.apiKeyHashes, sha256(apiKey)];
    user.apiKeyCreatedAt = this.now();
    return apiKey;
  }

  /** The API user these Basic credentials are (id and a working key, compared in constant time), or undefined. */
  authenticate(apiUser: string, apiKey: string): ApiUser | undefined {
    const user = this.findApiUser(apiUser);
    const presented = sha256(apiKey);
    const candidates = user?.apiKeyHashes.length ? user.apiKeyHashes : [sha256(randomUUID())];
    const ok = candidates.map((hash) => timingSafeEqual(presented, hash)).includes(true);
    return ok && user ? user : undefined;
  }

  // ---- tokens ----

  /**
   * A JWT-looking access token as MoMo issues (§4): header `{"typ":"JWT","alg":"R256"}`, payload
   * `{clientId, expires (local, no zone), sessionId}`, random signature. It is only ever looked up, never decoded.
   */
  issueToken(product: MomoProduct, apiUser: string): { accessToken: string; expiresIn: number } {
    const expiresIn = this.settings.tokenLifetimeSeconds;
    const expiresAt = this.now() + expiresIn * 1000;
    const accessToken = [
      base64url({ typ: 'JWT', alg: 'R256' }),
      base64url({ clientId: apiUser, expires: localTimestamp(expiresAt), sessionId: randomUUID() }),
      randomBytes(64).toString('base64url'),
    ].join('.');
    this.tokens.set(accessToken, { product, apiUser, expiresAt });
    return { accessToken, expiresIn };
  }

  lookupToken(token: string): TokenLookup {
    const record = this.tokens.get(token);
    if (!record) return { status: 'unknown' };
    if (record.expiresAt <= this.now()) return { status: 'expired' };
    return { status: 'valid', token: record };
  }

  // ---- transactions ----

  /**
   * Creates a requesttopay or transfer, PENDING, with its outcome decided now: a forced outcome for
   * its reference id, then for its MSISDN, then one for "the next transaction", else by its party.
   */
  createTransaction(input: { kind: MomoTransactionKind; product: MomoProduct; referenceId: string; apiUser: string; callbackUrl?: string; request: PaymentRequest }): CreateResult {
    const key = transactionKey(input.kind, input.referenceId);
    if (this.transactions.has(key)) return { ok: false, reason: 'duplicate' };
    const { request } = input;
    const forced = this.takeForcedOutcome(input.referenceId, request.party);
    const planned: PlannedOutcome = forced
      ? { outcome: forced.outcome, afterSeconds: forced.outcome.status === 'PENDING' ? null : (forced.delaySeconds ?? this.settings.pendingSeconds), source: 'default' }
      : outcomeForParty(input.kind, request.party, this.settings);
    const now = this.now();
    const transaction: Transaction = {
      kind: input.kind,
      product: input.product,
      referenceId: input.referenceId,
      apiUser: input.apiUser,
      amountCents: request.amountCents,
      currency: request.currency,
      externalId: request.externalId,
      party: request.party,
      payerMessage: request.payerMessage,
      payeeNote: request.payeeNote,
      status: 'PENDING',
      callbackUrl: input.callbackUrl,
      createdAt: now,
      finalAt: planned.afterSeconds === null ? null : now + planned.afterSeconds * 1000,
      planned: planned.outcome,
      outcomeSource: forced ? 'forced' : planned.source,
    };
    this.transactions.set(key, transaction);
    return { ok: true, transaction };
  }

  findTransaction(kind: MomoTransactionKind, referenceId: string): Transaction | undefined {
    return this.transactions.get(transactionKey(kind, referenceId.toLowerCase()));
  }

  /** Any transaction with this reference id (either kind). */
  findTransactionById(referenceId: string): Transaction | undefined {
    const id = referenceId.toLowerCase();
    return this.findTransaction('requesttopay', id) ?? this.findTransaction('transfer', id);
  }

  listTransactions(): Transaction[] {
    return [...this.transactions.values()].map((t) => ({ ...t }));
  }

  /** Re-plans a transaction that is still PENDING (a forced outcome for an existing reference id). */
  replan(transaction: Transaction, outcome: MomoOutcome, delaySeconds: number | undefined): void {
    transaction.planned = outcome;
    transaction.outcomeSource = 'forced';
    transaction.finalAt = outcome.status === 'PENDING' ? null : this.now() + (delaySeconds ?? this.settings.pendingSeconds) * 1000;
  }

  /**
   * Turns every PENDING transaction whose time has come final, in the order they were due (so that
   * balances move in that order), queues their callbacks, and hands back the callbacks now due.
   */
  settleDue(): CallbackJob[] {
    const now = this.now();
    const due = [...this.transactions.values()]
      .filter((t) => t.status === 'PENDING' && t.finalAt !== null && t.finalAt <= now)
      .sort((a, b) => a.finalAt! - b.finalAt!);
    for (const transaction of due) this.finalize(transaction);
    const ready = this.callbacks.filter((job) => job.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt || a.seq - b.seq);
    this.callbacks = this.callbacks.filter((job) => job.dueAt > now);
    return ready;
  }

  /** When something is next due (a transaction turning final or a delayed callback), or undefined. */
  nextDueAt(): number | undefined {
    let next: number | undefined;
    for (const t of this.transactions.values()) if (t.status === 'PENDING' && t.finalAt !== null && (next === undefined || t.finalAt < next)) next = t.finalAt;
    for (const job of this.callbacks) if (next === undefined || job.dueAt < next) next = job.dueAt;
    return next;
  }

  private finalize(transaction: Transaction): void {
    const planned = transaction.planned;
    if (planned.status === 'PENDING') return;
    const at = transaction.finalAt!;
    let status: 'SUCCESSFUL' | 'FAILED' = planned.status;
    let reason = planned.status === 'FAILED' ? planned.reason : undefined;
    if (status === 'SUCCESSFUL') {
      // Money moves only on success, and never below zero: a transfer the account cannot cover fails.
      if (transaction.kind === 'transfer') {
        if (this.balances.disbursement < transaction.amountCents) {
          status = 'FAILED';
          reason = MOMO_INSUFFICIENT_FUNDS_REASON;
        } else {
          this.balances.disbursement -= transaction.amountCents;
        }
      } else if (Number.isSafeInteger(this.balances.collection + transaction.amountCents)) {
        this.balances.collection += transaction.amountCents;
      } else {
        status = 'FAILED';
        reason = 'INTERNAL_PROCESSING_ERROR';
      }
    }
    transaction.status = status;
    transaction.reason = reason;
    transaction.finalizedAt = at;
    // A numeric string of 10 digits, as MoMo's (§6).
    if (status === 'SUCCESSFUL') transaction.financialTransactionId = String(randomInt(1_000_000_000, 10_000_000_000));
    if (transaction.callbackUrl) this.queueCallbacks(transaction, at);
  }

  private queueCallbacks(transaction: Transaction, finalAt: number): void {
    const policy = this.callbackPolicy;
    const base = {
      url: transaction.callbackUrl!,
      method: MOMO_CALLBACK_METHOD[transaction.kind],
      body: JSON.stringify(statusBody(transaction, this.settings.reasonFormat)),
      kind: transaction.kind,
      product: transaction.product,
      referenceId: transaction.referenceId,
    };
    if (policy.mode === 'drop') {
      this.recordRequest({
        at: new Date(finalAt).toISOString(),
        direction: 'out',
        method: base.method,
        path: withoutQuery(base.url),
        operation: 'callback',
        product: base.product,
        referenceId: base.referenceId,
        status: null,
        outcome: 'dropped',
        error: 'dropped by the callback mode "drop"',
        durationMs: 0,
      });
      return;
    }
    const copies = policy.mode === 'duplicate' ? policy.times : 1;
    const dueAt = policy.mode === 'delay' ? finalAt + policy.delaySeconds * 1000 : finalAt;
    for (let copy = 1; copy <= copies; copy++) this.callbacks.push({ ...base, dueAt, seq: ++this.seq, copy, copies });
  }

  // ---- balances ----

  getBalance(product: MomoProduct): number {
    return this.balances[product];
  }

  setBalance(product: MomoProduct, cents: number): void {
    this.balances[product] = cents;
  }

  // ---- forced outcomes ----

  armOutcome(forced: ForcedOutcome): number {
    this.forcedOutcomes.push({ ...forced, referenceId: forced.referenceId?.toLowerCase() });
    return this.forcedOutcomes.length;
  }

  queuedOutcomes(): number {
    return this.forcedOutcomes.length;
  }

  private takeForcedOutcome(referenceId: string, party: Party): ForcedOutcome | undefined {
    const index = [
      this.forcedOutcomes.findIndex((f) => f.referenceId === referenceId),
      this.forcedOutcomes.findIndex((f) => f.msisdn !== undefined && party.partyIdType === 'MSISDN' && f.msisdn === party.partyId),
      this.forcedOutcomes.findIndex((f) => f.referenceId === undefined && f.msisdn === undefined),
    ].find((i) => i >= 0);
    return index === undefined ? undefined : this.forcedOutcomes.splice(index, 1)[0];
  }

  // ---- forced failures ----

  armFailure(failure: ForcedFailure): number {
    this.failures.push({ ...failure });
    return this.failures.length;
  }

  /** The first armed failure for this operation (and product), removed: each is used once. */
  takeFailure(operation: MomoOperation, product: MomoProduct | undefined): ForcedFailure | undefined {
    const index = this.failures.findIndex((f) => f.operation === operation && (f.product === undefined || f.product === product));
    return index < 0 ? undefined : this.failures.splice(index, 1)[0];
  }

  // ---- journal ----

  recordRequest(entry: JournalEntry): void {
    this.journal.push(entry);
    if (this.journal.length > MOMO_JOURNAL_LIMIT) this.journal.splice(0, this.journal.length - MOMO_JOURNAL_LIMIT);
  }

  listRequests(filter: { operation?: string; product?: string } = {}): JournalEntry[] {
    return this.journal
      .filter((e) => (filter.operation === undefined || e.operation === filter.operation) && (filter.product === undefined || e.product === filter.product))
      .map((e) => ({ ...e }));
  }

  /** Requests by operation, overall and per product (e.g. exactly one `token` for `collection`). */
  countRequests(): { counts: Record<string, number>; countsByProduct: Record<string, Record<string, number>> } {
    const counts: Record<string, number> = {};
    const countsByProduct: Record<string, Record<string, number>> = {};
    for (const e of this.journal) {
      counts[e.operation] = (counts[e.operation] ?? 0) + 1;
      if (e.product) {
        const row = (countsByProduct[e.product] ??= {});
        row[e.operation] = (row[e.operation] ?? 0) + 1;
      }
    }
    return { counts, countsByProduct };
  }
}

/** A URL without its query and fragment (a receiver may carry a secret there; the journal keeps none). */
export function withoutQuery(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '';
  }
}
