import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../common/errors/app-error.js';
import { AppConfig } from '../../config/app-config.js';
import { PAGA_SANDBOX_CLIENT, PAGA_SANDBOX_PASSWORD, PAGA_SANDBOX_USERS, pagaSandboxRedirectUri, type PagaSandboxUser } from '../sandbox-accounts.js';
import {
  PAGA_CODE_LENGTH,
  PAGA_JOURNAL_LIMIT,
  PAGA_SANDBOX_DEFAULT_SETTINGS,
  type PagaBusinessError,
  type PagaFailableOperation,
  type PagaOperation,
  type PagaSandboxSettings,
} from './paga-sandbox.constants.js';
import { normalizePhone } from './paga-sandbox.params.js';
import { SandboxClock } from '../sandbox.clock.js';

export interface SandboxClient {
  clientId: string;
  name: string;
  redirectUris: string[];
  floatKobo: number;
  secretHash: Buffer;
}

export interface SandboxUser extends PagaSandboxUser {
  balanceKobo: number;
}

/** A validated authorization request (client and redirect_uri already checked). */
export interface AuthorizationRequest {
  clientId: string;
  clientName: string;
  redirectUri: string;
  state?: string;
  scopes: string[];
  userData: string[];
}

interface CodeRecord {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  userData: string[];
  username: string;
  expiresAt: number;
  usedAt?: number;
  /** Every token descending from this code carries it, so a reused code can revoke them all. */
  grantId: string;
}

interface TokenRecord {
  clientId: string;
  username: string;
  scopes: string[];
  userData: string[];
  grantId: string;
  expiresAt: number;
  revoked: boolean;
}

interface AccessTokenRecord extends TokenRecord {
  refreshToken: string;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  scopes: string[];
  userData: string[];
  username: string;
}

export type RedeemResult =
  | { ok: true; tokens: IssuedTokens }
  | { ok: false; reason: 'unknown' | 'expired' | 'redirect_mismatch' }
  | { ok: false; reason: 'reused'; revoked: number };

export type RefreshResult =
  | { ok: true; tokens: IssuedTokens }
  | { ok: false; reason: 'unknown' | 'revoked' | 'expired' }
  | { ok: false; reason: 'scope'; allowed: string[] };

export type AccessTokenLookup =
  | { status: 'valid'; token: AccessTokenRecord }
  | { status: 'unknown' | 'expired' | 'revoked' };

export interface QueuedDecision {
  decision: 'approve' | 'deny';
  username: string;
  clientId?: string;
}

export interface ForcedFailure {
  httpStatus?: number;
  errorCode?: number;
  errorMessage?: string;
  delayMs?: number;
}

export interface JournalEntry {
  at: string;
  method: string;
  /** The path only: query values are never kept (they may hold codes and tokens); their names are. */
  path: string;
  queryKeys: string[];
  operation: PagaOperation;
  status: number;
  durationMs: number;
  clientId?: string;
  grantType?: string;
  username?: string;
  /** First 16 hex chars of SHA-256 of the access token presented (secured calls) or issued (token calls). */
  tokenHash?: string;
  /** A business errorCode, when the operation answered 200 with one. */
  errorCode?: number;
}

export interface Transaction {
  at: string;
  type: 'merchantPayment' | 'moneyTransfer';
  clientId: string;
  referenceNumber: string;
  /** Merchant payment: the paying user. Money transfer: the credited user. */
  username: string;
  amountKobo: number;
  id: string;
}

export type MoneyResult = { ok: true; transaction: Transaction } | { ok: false; error: PagaBusinessError };

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomAlphanumeric(length: number, alphabet = ALPHANUMERIC): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** How the journal and the control API refer to a token without revealing it. */
export function tokenHash(token: string): string {
  return sha256(token).toString('hex').slice(0, 16);
}

/**
 * All of the emulator's state, in memory, behind explicit methods. Every method is synchronous, so
 * each one is atomic (Node runs one at a time): a code cannot be redeemed twice by racing requests,
 * and a debit cannot interleave with another.
 */
@Injectable()
export class PagaSandboxStore {
  private settings: PagaSandboxSettings = { ...PAGA_SANDBOX_DEFAULT_SETTINGS };
  private readonly clients = new Map<string, SandboxClient>();
  private readonly users = new Map<string, SandboxUser>();
  private readonly loginPages = new Map<string, { request: AuthorizationRequest; expiresAt: number }>();
  private readonly codes = new Map<string, CodeRecord>();
  private readonly accessTokens = new Map<string, AccessTokenRecord>();
  private readonly refreshTokens = new Map<string, TokenRecord>();
  private readonly references = new Set<string>();
  private decisions: QueuedDecision[] = [];
  private readonly failures = new Map<PagaFailableOperation, ForcedFailure>();
  private journal: JournalEntry[] = [];
  private transactions: Transaction[] = [];

  constructor(
    private readonly config: AppConfig,
    private readonly clock: SandboxClock,
  ) {
    this.reset();
  }

  /** Back to the state of a fresh start: the sandbox client, the test users at their starting balances, nothing else. */
  reset(): void {
    this.settings = { ...PAGA_SANDBOX_DEFAULT_SETTINGS };
    this.clock.reset();
    for (const map of [this.clients, this.users, this.loginPages, this.codes, this.accessTokens, this.refreshTokens, this.failures]) map.clear();
    this.references.clear();
    this.decisions = [];
    this.journal = [];
    this.transactions = [];
    this.registerClient({
      clientId: PAGA_SANDBOX_CLIENT.clientId,
      clientSecret: PAGA_SANDBOX_CLIENT.clientSecret,
      name: PAGA_SANDBOX_CLIENT.name,
      redirectUris: [pagaSandboxRedirectUri(this.config.publicBaseUrl)],
      floatKobo: PAGA_SANDBOX_CLIENT.floatKobo,
    });
    for (const user of PAGA_SANDBOX_USERS) this.users.set(user.username, { ...user });
  }

  now(): number {
    return this.clock.now();
  }

  // ---- settings ----

  getSettings(): PagaSandboxSettings {
    return { ...this.settings };
  }

  updateSettings(patch: Partial<PagaSandboxSettings>): PagaSandboxSettings {
    this.settings = { ...this.settings, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
    return this.getSettings();
  }

  advanceClock(seconds: number): void {
    this.clock.advance(seconds * 1000);
  }

  // ---- clients ----

  /** Registers a client, or replaces the secret, name and redirect URIs of an existing one (its float is kept). */
  registerClient(input: { clientId: string; clientSecret: string; name?: string; redirectUris: string[]; floatKobo?: number }): { client: SandboxClient; created: boolean } {
    for (const uri of input.redirectUris) assertRedirectUri(uri);
    const existing = this.clients.get(input.clientId);
    const client: SandboxClient = {
      clientId: input.clientId,
      name: input.name ?? existing?.name ?? input.clientId,
      redirectUris: [...new Set(input.redirectUris)],
      floatKobo: input.floatKobo ?? existing?.floatKobo ?? PAGA_SANDBOX_CLIENT.floatKobo,
      secretHash: sha256(input.clientSecret),
    };
    this.clients.set(client.clientId, client);
    return { client, created: !existing };
  }

  findClient(clientId: string): SandboxClient | undefined {
    return this.clients.get(clientId);
  }

  /** The client whose id and secret these are; compared in constant time. */
  authenticateClient(clientId: string, clientSecret: string): SandboxClient | undefined {
    const client = this.clients.get(clientId);
    const presented = sha256(clientSecret);
    const expected = client?.secretHash ?? sha256(randomUUID());
    return timingSafeEqual(presented, expected) && client ? client : undefined;
  }

  listClients(): SandboxClient[] {
    return [...this.clients.values()];
  }

  // ---- users ----

  listUsers(): SandboxUser[] {
    return [...this.users.values()].map((u) => ({ ...u }));
  }

  findUser(username: string): SandboxUser | undefined {
    return this.users.get(username);
  }

  /** The user who logs in with this username or phone number and the sandbox password. */
  authenticateUser(login: string, password: string): SandboxUser | undefined {
    const user = this.users.get(login.trim()) ?? this.findUserByPhone(login);
    const ok = timingSafeEqual(sha256(password), sha256(PAGA_SANDBOX_PASSWORD));
    return user && ok ? user : undefined;
  }

  findUserByPhone(raw: string): SandboxUser | undefined {
    const phone = normalizePhone(raw);
    return phone ? [...this.users.values()].find((u) => u.phone === phone) : undefined;
  }

  // ---- the login page ----

  /** Remembers a validated request behind a single-use nonce, which the page's form posts back. */
  createLoginPage(request: AuthorizationRequest): string {
    const nonce = randomBytes(24).toString('base64url');
    this.loginPages.set(nonce, { request, expiresAt: this.now() + this.settings.loginPageTtlSeconds * 1000 });
    return nonce;
  }

  /** Consumes a login page's nonce: the request it stands for, or undefined if unknown, used or expired. */
  takeLoginPage(nonce: string): AuthorizationRequest | undefined {
    const page = this.loginPages.get(nonce);
    this.loginPages.delete(nonce);
    return page && page.expiresAt > this.now() ? page.request : undefined;
  }

  queueDecision(decision: QueuedDecision): number {
    this.decisions.push(decision);
    return this.decisions.length;
  }

  /** The first queued decision for this client (or for any client), removed from the queue. */
  takeDecision(clientId: string): QueuedDecision | undefined {
    const index = this.decisions.findIndex((d) => d.clientId === undefined || d.clientId === clientId);
    return index < 0 ? undefined : this.decisions.splice(index, 1)[0];
  }

  // ---- codes and tokens ----

  issueCode(request: AuthorizationRequest, username: string): string {
    let code: string;
    do code = randomAlphanumeric(PAGA_CODE_LENGTH);
    while (this.codes.has(code));
    this.codes.set(code, {
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      scopes: request.scopes,
      userData: request.userData,
      username,
      expiresAt: this.now() + this.settings.codeTtlSeconds * 1000,
      grantId: randomUUID(),
    });
    return code;
  }

  /**
   * Exchanges a code (RFC 6749 §4.1.3). Another client's code is treated as unknown and left alone.
   * A reused code revokes every token issued from it (§4.1.2). A redirect_uri mismatch consumes the
   * code, as Spring does (it removes the code before checking).
   */
  redeemCode(code: string, clientId: string, redirectUri: string | undefined): RedeemResult {
    const record = this.codes.get(code);
    if (!record || record.clientId !== clientId) return { ok: false, reason: 'unknown' };
    if (record.usedAt !== undefined) return { ok: false, reason: 'reused', revoked: this.revokeGrant(record.grantId) };
    if (record.expiresAt <= this.now()) return { ok: false, reason: 'expired' };
    record.usedAt = this.now();
    if (redirectUri !== record.redirectUri) return { ok: false, reason: 'redirect_mismatch' };
    const { username, scopes, userData, grantId } = record;
    const refreshToken = randomUUID();
    this.refreshTokens.set(refreshToken, {
      clientId,
      username,
      scopes,
      userData,
      grantId,
      expiresAt: this.now() + this.settings.refreshTokenTtlSeconds * 1000,
      revoked: false,
    });
    return { ok: true, tokens: this.issueAccessToken(refreshToken, scopes) };
  }

  refresh(refreshToken: string, clientId: string, requestedScopes: string[]): RefreshResult {
    const record = this.refreshTokens.get(refreshToken);
    if (!record || record.clientId !== clientId) return { ok: false, reason: 'unknown' };
    if (record.revoked) return { ok: false, reason: 'revoked' };
    if (record.expiresAt <= this.now()) return { ok: false, reason: 'expired' };
    // A refresh may narrow the scope (RFC 6749 §6), never widen it.
    if (requestedScopes.some((s) => !record.scopes.includes(s))) return { ok: false, reason: 'scope', allowed: record.scopes };
    const scopes = requestedScopes.length ? requestedScopes : record.scopes;
    // As Spring: the access token issued from this refresh token is replaced, not kept alongside.
    for (const access of this.accessTokens.values()) if (access.refreshToken === refreshToken) access.revoked = true;
    let current = refreshToken;
    if (this.settings.rotateRefreshTokens) {
      record.revoked = true;
      current = randomUUID();
      this.refreshTokens.set(current, { ...record, revoked: false, expiresAt: this.now() + this.settings.refreshTokenTtlSeconds * 1000 });
    }
    return { ok: true, tokens: this.issueAccessToken(current, scopes) };
  }

  private issueAccessToken(refreshToken: string, scopes: string[]): IssuedTokens {
    const refresh = this.refreshTokens.get(refreshToken)!;
    const accessToken = randomUUID();
    this.accessTokens.set(accessToken, {
      clientId: refresh.clientId,
      username: refresh.username,
      scopes,
      userData: refresh.userData,
      grantId: refresh.grantId,
      expiresAt: this.now() + this.settings.accessTokenTtlSeconds * 1000,
      revoked: false,
      refreshToken,
    });
    return {
      accessToken,
      refreshToken,
      expiresIn: this.settings.accessTokenTtlSeconds,
      scopes,
      userData: refresh.userData,
      username: refresh.username,
    };
  }

  private revokeGrant(grantId: string): number {
    let revoked = 0;
    for (const record of [...this.accessTokens.values(), ...this.refreshTokens.values()]) {
      if (record.grantId === grantId && !record.revoked) {
        record.revoked = true;
        revoked++;
      }
    }
    return revoked;
  }

  lookupAccessToken(token: string): AccessTokenLookup {
    const record = this.accessTokens.get(token);
    if (!record) return { status: 'unknown' };
    if (record.revoked) return { status: 'revoked' };
    if (record.expiresAt <= this.now()) return { status: 'expired' };
    return { status: 'valid', token: record };
  }

  /** Makes the live access tokens (all, or one user's) expire now; returns how many. */
  expireAccessTokens(username?: string): number {
    let count = 0;
    for (const record of this.accessTokens.values()) {
      if ((username === undefined || record.username === username) && !record.revoked && record.expiresAt > this.now()) {
        record.expiresAt = this.now();
        count++;
      }
    }
    return count;
  }

  /** Revokes the live refresh tokens (all, or one user's); returns how many. */
  revokeRefreshTokens(username?: string): number {
    let count = 0;
    for (const record of this.refreshTokens.values()) {
      if ((username === undefined || record.username === username) && !record.revoked && record.expiresAt > this.now()) {
        record.revoked = true;
        count++;
      }
    }
    return count;
  }

  // ---- money ----

  /** The user pays the client (P4): debits the user's wallet, credits the client's float. */
  merchantPayment(input: { clientId: string; username: string; referenceNumber: string; amountKobo: number }): MoneyResult {
    const key = `${input.clientId}\u0000${input.referenceNumber}`;
    if (this.references.has(key)) return { ok: false, error: 'DUPLICATE_REFERENCE' };
    const user = this.users.get(input.username);
    const client = this.clients.get(input.clientId);
    if (!user || !client) return { ok: false, error: 'SYSTEM_ERROR' };
    if (user.balanceKobo < input.amountKobo) return { ok: false, error: 'INSUFFICIENT_FUNDS' };
    if (!Number.isSafeInteger(client.floatKobo + input.amountKobo)) return { ok: false, error: 'SYSTEM_ERROR' };
    user.balanceKobo -= input.amountKobo;
    client.floatKobo += input.amountKobo;
    this.references.add(key);
    return { ok: true, transaction: this.record('merchantPayment', input, randomAlphanumeric(5, 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789')) };
  }

  /** The client credits a user (P5): debits the client's float, credits the recipient's wallet. */
  moneyTransfer(input: { clientId: string; username: string; referenceNumber: string; amountKobo: number }): MoneyResult {
    const key = `${input.clientId}\u0000${input.referenceNumber}`;
    if (this.references.has(key)) return { ok: false, error: 'DUPLICATE_REFERENCE' };
    const user = this.users.get(input.username);
    const client = this.clients.get(input.clientId);
    if (!user || !client) return { ok: false, error: 'UNKNOWN_RECIPIENT' };
    if (client.floatKobo < input.amountKobo) return { ok: false, error: 'INSUFFICIENT_MERCHANT_FUNDS' };
    if (!Number.isSafeInteger(user.balanceKobo + input.amountKobo)) return { ok: false, error: 'SYSTEM_ERROR' };
    client.floatKobo -= input.amountKobo;
    user.balanceKobo += input.amountKobo;
    this.references.add(key);
    return { ok: true, transaction: this.record('moneyTransfer', input, randomAlphanumeric(5)) };
  }

  private record(type: Transaction['type'], input: { clientId: string; username: string; referenceNumber: string; amountKobo: number }, id: string): Transaction {
    const transaction: Transaction = { at: new Date(this.now()).toISOString(), type, id, ...input };
    this.transactions.push(transaction);
    return transaction;
  }

  listTransactions(): Transaction[] {
    return this.transactions.map((t) => ({ ...t }));
  }

  // ---- test hooks ----

  setFailure(operation: PagaFailableOperation, failure: ForcedFailure): void {
    this.failures.set(operation, failure);
  }

  peekFailure(operation: PagaFailableOperation): ForcedFailure | undefined {
    return this.failures.get(operation);
  }

  takeFailure(operation: PagaFailableOperation): ForcedFailure | undefined {
    const failure = this.failures.get(operation);
    this.failures.delete(operation);
    return failure;
  }

  // ---- journal ----

  recordRequest(entry: JournalEntry): void {
    this.journal.push(entry);
    if (this.journal.length > PAGA_JOURNAL_LIMIT) this.journal.splice(0, this.journal.length - PAGA_JOURNAL_LIMIT);
  }

  listRequests(operation?: string): JournalEntry[] {
    return this.journal.filter((e) => operation === undefined || e.operation === operation).map((e) => ({ ...e }));
  }

  countRequests(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const e of this.journal) counts[e.operation] = (counts[e.operation] ?? 0) + 1;
    return counts;
  }
}

/** A redirect URI must be an absolute http(s) URL without a fragment (RFC 6749 §3.1.2). */
function assertRedirectUri(uri: string): void {
  let url: URL | undefined;
  try {
    url = new URL(uri);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || uri.includes('#') || url.username || url.password) {
    throw new AppError('VALIDATION_FAILED', 'redirectUris must be absolute http(s) URLs without a fragment or credentials.', {
      errors: [{ field: 'redirectUris', message: `not a valid redirect URI: ${uri.slice(0, 200)}` }],
    });
  }
}
