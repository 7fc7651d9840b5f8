import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '../../config/app-config.js';
import { InMemoryReplayStore } from '../../crypto/replay.store.js';
import { PayseraMacService } from '../../crypto/paysera-mac.service.js';
import {
  PAYSERA_SANDBOX_CLIENT,
  PAYSERA_SANDBOX_EVENTS_PATH,
  PAYSERA_SANDBOX_PASSWORD,
  PAYSERA_SANDBOX_USERS,
  payseraSandboxRedirectUri,
} from '../sandbox-accounts.js';
import { SandboxClock } from '../sandbox.clock.js';
import {
  PAYSERA_ACCESS_TOKEN_TTL_SECONDS,
  PAYSERA_CODE_TTL_SECONDS,
  PAYSERA_JOURNAL_LIMIT,
  PAYSERA_LOGIN_PAGE_TTL_SECONDS,
  PAYSERA_MESSAGES,
  PAYSERA_REFRESH_TOKEN_TTL_SECONDS,
  PAYSERA_TIMESTAMP_WINDOW_SECONDS,
  type PayseraAllowanceStatus,
  type PayseraCallbackMode,
  type PayseraOperation,
  type PayseraPaymentStatus,
  type PayseraTransactionStatus,
} from './paysera-sandbox.constants.js';

export interface SandboxUser {
  userId: number;
  email: string;
  phone: string;
  displayName: string;
  walletId: number;
  atDisposalCents: number;
  reservedCents: number;
}

export interface SandboxClient {
  clientId: string;
  macKey: string;
  name: string;
  redirectUris: string[];
  callbackUri: string;
  walletId: number;
  balanceCents: number;
}

export interface AuthorizationRequest {
  clientId: string;
  clientName: string;
  redirectUri: string;
  state?: string;
  scopes: string[];
}

export interface AccessToken {
  accessToken: string;
  macKey: string;
  clientId: string;
  userId: number;
  scopes: string[];
  expiresAtMs: number;
  revoked: boolean;
}

export interface RefreshToken {
  refreshToken: string;
  clientId: string;
  userId: number;
  scopes: string[];
  expiresAtMs: number;
  status: 'active' | 'used' | 'revoked';
}

export interface Payment {
  id: number;
  clientId: string;
  transactionKey?: string;
  description: string;
  priceCents: number;
  currency: string;
  status: PayseraPaymentStatus;
  beneficiaryWalletId: number;
  parameters?: unknown;
  createdAt: number;
}

export interface Transaction {
  key: string;
  clientId: string;
  status: PayseraTransactionStatus;
  type: 'page' | 'automatic';
  paymentIds: number[];
  amountCents: number;
  currency: string;
  autoConfirm: boolean;
  redirectUri?: string;
  /** Where events go; false: no callbacks (A.9 `callback_uri: false`). */
  callbackUri: string | false;
  payerWalletId?: number;
  allowanceId?: number;
  createdAt: number;
  reservedAt?: number;
  confirmedAt?: number;
  expiresAtMs: number;
}

export interface Allowance {
  id: number;
  clientId: string;
  walletId: number;
  description: string;
  currency: string;
  maxPriceCents: number;
  spentCents: number;
  status: PayseraAllowanceStatus;
  createdAt: number;
  validUntil?: number;
}

export interface JournalEntry {
  at: string;
  method: string;
  path: string;
  queryKeys: string[];
  operation: PayseraOperation;
  status: number;
  durationMs: number;
  clientId?: string;
  userId?: number;
  grantType?: string;
  credential?: 'client' | 'user';
  error?: string;
}

export interface CallbackRecord {
  at: string;
  url: string;
  object: string;
  type: string;
  id: string;
  outcome: 'delivered' | 'failed' | 'dropped';
  status?: number;
  attempt: number;
}

export interface ForcedFailure {
  httpStatus: number;
  error: string;
  errorDescription: string;
}

export type RedeemResult = { ok: true; grant: { clientId: string; userId: number; scopes: string[] } } | { ok: false; description: string };

function token(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * All emulator state, in memory. Two clocks: virtual time (SandboxClock, moved by time/advance)
 * for lifetimes, and the server's clock for MAC timestamps and GET /rest/v1/server, which is the wall
 * clock plus the clock-skew the control API sets, so a client's invalid_timestamp handling and
 * clock sync can be tested without moving lifetimes.
 */
@Injectable()
export class PayseraSandboxStore {
  private users = new Map<number, SandboxUser>();
  private clients = new Map<string, SandboxClient>();
  private loginPages = new Map<string, { request: AuthorizationRequest; expiresAtMs: number }>();
  private confirmPages = new Map<string, { transactionKey: string; expiresAtMs: number }>();
  private decisions: Array<{ decision: 'approve' | 'deny'; userId: number }> = [];
  private codes = new Map<string, { clientId: string; redirectUri: string; scopes: string[]; userId: number; expiresAtMs: number; used: boolean }>();
  private accessTokens = new Map<string, AccessToken>();
  private refreshTokens = new Map<string, RefreshToken>();
  private payments = new Map<number, Payment>();
  private transactions = new Map<string, Transaction>();
  private allowances = new Map<number, Allowance>();
  private journal: JournalEntry[] = [];
  private callbackLog: CallbackRecord[] = [];
  private failures = new Map<PayseraOperation, ForcedFailure>();
  private nextPaymentId = 1;
  private nextAllowanceId = 1;
  private skewSeconds = 0;
  callbackMode: { mode: PayseraCallbackMode; delayMs: number } = { mode: 'deliver', delayMs: 0 };
  /** Recreated on reset, so nonces of one test do not leak into the next. */
  mac!: PayseraMacService;

  constructor(
    private readonly config: AppConfig,
    private readonly clock: SandboxClock,
  ) {
    this.reset();
  }

  reset(): void {
    this.clock.reset();
    this.skewSeconds = 0;
    this.users = new Map(PAYSERA_SANDBOX_USERS.map((u) => [u.userId, { ...u, atDisposalCents: u.balanceCents, reservedCents: 0 }]));
    const base = this.config.publicBaseUrl.replace(/\/+$/, '');
    this.clients = new Map([
      [
        PAYSERA_SANDBOX_CLIENT.clientId,
        {
          clientId: PAYSERA_SANDBOX_CLIENT.clientId,
          macKey: PAYSERA_SANDBOX_CLIENT.macKey,
          name: PAYSERA_SANDBOX_CLIENT.name,
          redirectUris: [payseraSandboxRedirectUri(base)],
          callbackUri: `${base}${PAYSERA_SANDBOX_EVENTS_PATH}`,
          walletId: PAYSERA_SANDBOX_CLIENT.walletId,
          balanceCents: 0,
        },
      ],
    ]);
    this.loginPages.clear();
    this.confirmPages.clear();
    this.decisions = [];
    this.codes.clear();
    this.accessTokens.clear();
    this.refreshTokens.clear();
    this.payments.clear();
    this.transactions.clear();
    this.allowances.clear();
    this.journal = [];
    this.callbackLog = [];
    this.failures.clear();
    this.nextPaymentId = 1;
    this.nextAllowanceId = 1;
    this.callbackMode = { mode: 'deliver', delayMs: 0 };
    const serverClock = () => this.serverTime();
    this.mac = new PayseraMacService({
      clock: serverClock,
      replayStore: new InMemoryReplayStore({ clock: serverClock }),
      windowSeconds: PAYSERA_TIMESTAMP_WINDOW_SECONDS,
    });
  }

  // ---- clocks ----

  /** Virtual time in ms (lifetimes, created_at). */
  now(): number {
    return this.clock.now();
  }

  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  /** The server clock in Unix seconds: wall clock plus skew (MAC window, GET /rest/v1/server). */
  serverTime(): number {
    return Math.floor(Date.now() / 1000) + this.skewSeconds;
  }

  advanceClock(seconds: number): void {
    this.clock.advance(seconds * 1000);
  }

  setSkew(seconds: number): void {
    this.skewSeconds = seconds;
  }

  get skew(): number {
    return this.skewSeconds;
  }

  // ---- users and clients ----

  listUsers(): SandboxUser[] {
    return [...this.users.values()];
  }

  findUser(userId: number): SandboxUser | undefined {
    return this.users.get(userId);
  }

  findUserByEmail(email: string): SandboxUser | undefined {
    const wanted = email.trim().toLowerCase();
    return this.listUsers().find((u) => u.email === wanted);
  }

  findUserByWallet(walletId: number): SandboxUser | undefined {
    return this.listUsers().find((u) => u.walletId === walletId);
  }

  authenticateUser(email: string, password: string): SandboxUser | undefined {
    const user = this.findUserByEmail(email);
    return user && password === PAYSERA_SANDBOX_PASSWORD ? user : undefined;
  }

  findClient(clientId: string): SandboxClient | undefined {
    return this.clients.get(clientId);
  }

  // ---- the authorization page and codes ----

  createLoginPage(request: AuthorizationRequest): string {
    const nonce = token(24);
    this.loginPages.set(nonce, { request, expiresAtMs: this.now() + PAYSERA_LOGIN_PAGE_TTL_SECONDS * 1000 });
    return nonce;
  }

  takeLoginPage(nonce: string): AuthorizationRequest | undefined {
    const page = this.loginPages.get(nonce);
    this.loginPages.delete(nonce);
    return page && page.expiresAtMs > this.now() ? page.request : undefined;
  }

  /** A rendered confirmation page's form nonce, bound to its transaction (single use). */
  createConfirmPage(transactionKey: string): string {
    const nonce = token(24);
    this.confirmPages.set(nonce, { transactionKey, expiresAtMs: this.now() + PAYSERA_LOGIN_PAGE_TTL_SECONDS * 1000 });
    return nonce;
  }

  takeConfirmPage(nonce: string, transactionKey: string): boolean {
    const page = this.confirmPages.get(nonce);
    this.confirmPages.delete(nonce);
    return !!page && page.transactionKey === transactionKey && page.expiresAtMs > this.now();
  }

  queueDecision(decision: 'approve' | 'deny', userId: number): number {
    this.decisions.push({ decision, userId });
    return this.decisions.length;
  }

  takeDecision(): { decision: 'approve' | 'deny'; userId: number } | undefined {
    return this.decisions.shift();
  }

  issueCode(request: AuthorizationRequest, userId: number): string {
    const code = token(24);
    this.codes.set(code, {
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      scopes: request.scopes,
      userId,
      expiresAtMs: this.now() + PAYSERA_CODE_TTL_SECONDS * 1000,
      used: false,
    });
    return code;
  }

  /** Single use: a second redemption fails, and (RFC 6749 §4.1.2) revokes the tokens the code gave. */
  redeemCode(code: string, clientId: string, redirectUri: string | undefined): RedeemResult {
    const grant = this.codes.get(code);
    if (!grant || grant.clientId !== clientId) return { ok: false, description: PAYSERA_MESSAGES.codeUnknown };
    if (grant.used) return { ok: false, description: PAYSERA_MESSAGES.codeUsed };
    if (grant.expiresAtMs <= this.now()) return { ok: false, description: PAYSERA_MESSAGES.codeExpired };
    if (redirectUri !== grant.redirectUri) return { ok: false, description: PAYSERA_MESSAGES.redirectMismatch };
    grant.used = true;
    return { ok: true, grant: { clientId, userId: grant.userId, scopes: grant.scopes } };
  }

  // ---- tokens ----

  issueTokens(grant: { clientId: string; userId: number; scopes: string[] }): { access: AccessToken; refresh: RefreshToken } {
    const now = this.now();
    const access: AccessToken = {
      accessToken: token(24),
      macKey: token(24),
      ...grant,
      expiresAtMs: now + PAYSERA_ACCESS_TOKEN_TTL_SECONDS * 1000,
      revoked: false,
    };
    const refresh: RefreshToken = { refreshToken: token(32), ...grant, expiresAtMs: now + PAYSERA_REFRESH_TOKEN_TTL_SECONDS * 1000, status: 'active' };
    this.accessTokens.set(access.accessToken, access);
    this.refreshTokens.set(refresh.refreshToken, refresh);
    return { access, refresh };
  }

  findAccessToken(value: string): AccessToken | undefined {
    const found = this.accessTokens.get(value);
    return found && !found.revoked ? found : undefined;
  }

  /** Rotation: the refresh token is used up; a new pair keeps the scopes (or the narrower ones asked for). */
  useRefreshToken(value: string, clientId: string): { ok: true; refresh: RefreshToken } | { ok: false; description: string } {
    const refresh = this.refreshTokens.get(value);
    if (!refresh || refresh.clientId !== clientId) return { ok: false, description: PAYSERA_MESSAGES.refreshUnknown };
    if (refresh.status !== 'active') return { ok: false, description: PAYSERA_MESSAGES.refreshStatus };
    if (refresh.expiresAtMs <= this.now()) return { ok: false, description: PAYSERA_MESSAGES.refreshExpired };
    refresh.status = 'used';
    return { ok: true, refresh };
  }

  revokeAccessToken(value: string, clientId: string): boolean {
    const access = this.accessTokens.get(value);
    if (!access || access.clientId !== clientId || access.revoked) return false;
    access.revoked = true;
    return true;
  }

  revokeRefreshToken(value: string, clientId: string): boolean {
    const refresh = this.refreshTokens.get(value);
    if (!refresh || refresh.clientId !== clientId || refresh.status !== 'active') return false;
    refresh.status = 'revoked';
    return true;
  }

  expireAccessTokens(userId?: number): number {
    let count = 0;
    for (const access of this.accessTokens.values()) {
      if (access.revoked || access.expiresAtMs <= this.now() || (userId !== undefined && access.userId !== userId)) continue;
      access.expiresAtMs = this.now();
      count++;
    }
    return count;
  }

  revokeRefreshTokens(userId?: number): number {
    let count = 0;
    for (const refresh of this.refreshTokens.values()) {
      if (refresh.status !== 'active' || (userId !== undefined && refresh.userId !== userId)) continue;
      refresh.status = 'revoked';
      count++;
    }
    return count;
  }

  /**
   * The user withdraws the app's access in Paysera (all, or one user's): access tokens stop opening
   * anything (401 unauthorized) and refresh tokens are refused ("Refresh token status invalid").
   */
  revokeGrants(userId?: number): number {
    let count = 0;
    for (const access of this.accessTokens.values()) {
      if (access.revoked || (userId !== undefined && access.userId !== userId)) continue;
      access.revoked = true;
      count++;
    }
    this.revokeRefreshTokens(userId);
    return count;
  }

  // ---- payments, transactions, allowances ----

  addPayment(payment: Omit<Payment, 'id'>): Payment {
    const created = { id: this.nextPaymentId++, ...payment };
    this.payments.set(created.id, created);
    return created;
  }

  findPayment(id: number): Payment | undefined {
    return this.payments.get(id);
  }

  addTransaction(transaction: Omit<Transaction, 'key'>): Transaction {
    let key = token(24);
    while (this.transactions.has(key)) key = token(24);
    const created = { key, ...transaction };
    this.transactions.set(key, created);
    for (const id of created.paymentIds) {
      const payment = this.payments.get(id);
      if (payment) payment.transactionKey = key;
    }
    return created;
  }

  findTransaction(key: string): Transaction | undefined {
    return this.transactions.get(key);
  }

  listTransactions(): Transaction[] {
    return [...this.transactions.values()];
  }

  /** Moves a transaction and its payments to a new status. */
  setTransactionStatus(transaction: Transaction, status: PayseraTransactionStatus): void {
    transaction.status = status;
    for (const id of transaction.paymentIds) {
      const payment = this.payments.get(id);
      if (payment) payment.status = status;
    }
  }

  addAllowance(allowance: Omit<Allowance, 'id'>): Allowance {
    const created = { id: this.nextAllowanceId++, ...allowance };
    this.allowances.set(created.id, created);
    return created;
  }

  /** An allowance past its valid_until turns inactive when next read. */
  findAllowance(id: number): Allowance | undefined {
    const allowance = this.allowances.get(id);
    if (allowance && allowance.status === 'active' && allowance.validUntil !== undefined && allowance.validUntil <= this.nowSeconds()) {
      allowance.status = 'inactive';
    }
    return allowance;
  }

  activeAllowance(walletId: number, clientId: string): Allowance | undefined {
    return [...this.allowances.keys()]
      .map((id) => this.findAllowance(id)!)
      .find((a) => a.walletId === walletId && a.clientId === clientId && a.status === 'active');
  }

  // ---- control switches, journal, callbacks ----

  setFailure(operation: PayseraOperation, failure: ForcedFailure): void {
    this.failures.set(operation, failure);
  }

  takeFailure(operation: PayseraOperation): ForcedFailure | undefined {
    const failure = this.failures.get(operation);
    this.failures.delete(operation);
    return failure;
  }

  recordRequest(entry: JournalEntry): void {
    this.journal.push(entry);
    if (this.journal.length > PAYSERA_JOURNAL_LIMIT) this.journal.shift();
  }

  listRequests(operation?: string): JournalEntry[] {
    return operation ? this.journal.filter((e) => e.operation === operation) : [...this.journal];
  }

  recordCallback(record: CallbackRecord): void {
    this.callbackLog.push(record);
    if (this.callbackLog.length > PAYSERA_JOURNAL_LIMIT) this.callbackLog.shift();
  }

  listCallbacks(): CallbackRecord[] {
    return [...this.callbackLog];
  }
}
