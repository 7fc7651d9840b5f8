import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../../config/app-config.js';
import {
  CONNECTPAY_SANDBOX_CLIENT,
  CONNECTPAY_SANDBOX_CUSTOMERS,
  CONNECTPAY_SANDBOX_OTP,
  CONNECTPAY_SANDBOX_PASSWORD,
  CONNECTPAY_SANDBOX_PERSONS,
  connectPaySandboxRedirectUrl,
  type ConnectPaySandboxCustomer,
  type ConnectPaySandboxPerson,
} from '../sandbox-accounts.js';
import { SandboxClock } from '../sandbox.clock.js';
import {
  CONNECTPAY_ACCESS_TOKEN_TTL_SECONDS,
  CONNECTPAY_CODE_TTL_SECONDS,
  CONNECTPAY_DEFAULT_INCLUDE_PSU_IDS,
  CONNECTPAY_JOURNAL_LIMIT,
  CONNECTPAY_NONCE_MEMORY_SECONDS,
  CONNECTPAY_PAGE_TTL_SECONDS,
  CONNECTPAY_PAYMENT_ACCEPT_AFTER_SECONDS,
  CONNECTPAY_PAYMENT_SETTLE_AFTER_SECONDS,
  CONNECTPAY_REASON_INSUFFICIENT_FUNDS,
  CONNECTPAY_REFRESH_TOKEN_TTL_SECONDS,
  CONNECTPAY_REVOKE_OLD_ACCESS_ON_REFRESH,
  type ConnectPayFailableOperation,
  type ConnectPayOperation,
  type ConnectPayPaymentStatus,
  type ConnectPayScope,
} from './connectpay-sandbox.constants.js';
import { canMovePayment, DAY_MS, isoDate, normalizeIban, startOfUtcDay } from './connectpay-sandbox.rules.js';

export interface SandboxClient {
  clientId: string;
  name: string;
  redirectUrls: string[];
  secretHash: Buffer;
}

/** The (Person, Customer) pair a code or token is bound to (spec 2.2). */
export interface Psu {
  personId: string;
  customerId: string;
}

/** A validated authorization request (client, redirect_url, flow, nonce and scopes already checked). */
export interface AuthorizationRequest {
  clientId: string;
  clientName: string;
  redirectUrl: string;
  state: string;
  nonce: string;
  scopes: ConnectPayScope[];
}

/** The steps of the Auth Web App: password, one-time code (SCA), then the consent of a fully signed-in Person. */
export type PageStep = 'login' | 'otp' | 'consent';

/** A rendered page's single-use form nonce stands for this: one step of one authorization request. */
export interface PageRecord {
  request: AuthorizationRequest;
  step: PageStep;
  /** Known from the otp step on. */
  personId?: string;
  /** Wrong one-time codes so far (otp step). */
  otpFailures: number;
  expiresAt: number;
}

interface CodeRecord extends Psu {
  clientId: string;
  redirectUrl: string;
  scopes: ConnectPayScope[];
  expiresAt: number;
  usedAt?: number;
  /** Every token descending from this code carries it, so a reused code can revoke them all. */
  grantId: string;
}

interface TokenRecord extends Psu {
  clientId: string;
  scopes: ConnectPayScope[];
  grantId: string;
  expiresAt: number;
  revoked: boolean;
}

interface RefreshTokenRecord extends TokenRecord {
  accessToken: string;
  /** Set when a refresh rotated it out. */
  rotatedAt?: number;
}

export interface IssuedTokens extends Psu {
  accessToken: string;
  refreshToken: string;
  scopes: ConnectPayScope[];
  customerName: string;
}

export type RedeemResult = { ok: true; tokens: IssuedTokens } | { ok: false; reason: 'unknown' | 'expired' | 'client_mismatch' | 'redirect_mismatch' | 'reused' };
export type RefreshResult = { ok: true; tokens: IssuedTokens } | { ok: false; reason: 'unknown' | 'expired' | 'revoked' | 'rotated' | 'client_mismatch' };
export type AccessLookup = { status: 'valid'; token: TokenRecord & { accessToken: string } } | { status: 'unknown' | 'expired' | 'revoked' };

export interface QueuedDecision {
  decision: 'approve' | 'deny';
  personId: string;
  customerId: string;
  /** The scopes granted (of those requested); undefined: all requested. */
  scopes?: ConnectPayScope[];
}

export interface ForcedFailure {
  /** Without it, only the delay: a slow but otherwise normal call. */
  httpStatus?: number;
  errorMessage?: string;
  delayMs?: number;
  /** Token endpoint only: do the grant (consume the code or refresh token), then fail (spec 2.6 pitfall). */
  afterConsume?: boolean;
  /** Calls left that fail this way (1 by default). */
  times?: number;
}

export interface JournalEntry {
  at: string;
  method: string;
  /** The path only: query values are never kept; their names are. */
  path: string;
  queryKeys: string[];
  operation: ConnectPayOperation;
  status: number;
  durationMs: number;
  /** The X-Request-ID sent (not a secret; it correlates with the client's logs). */
  requestId?: string;
  clientId?: string;
  grantType?: string;
  personId?: string;
  customerId?: string;
  /** First 16 hex chars of SHA-256 of the access token presented or issued. */
  tokenHash?: string;
  errorCode?: string;
}

export interface AccountState {
  accountId: string;
  customerId: string;
  iban: string;
  name: string;
  currency: 'EUR';
  balanceCents: number;
}

export interface TransactionRecord {
  transactionId: string;
  accountId: string;
  /** UTC ms of the booking. */
  bookedAt: number;
  /** Positive = credit, negative = debit. */
  amountCents: number;
  counterpartyName: string;
  counterpartyIban: string;
  remittanceInformation: string;
  paymentOrderNo?: string;
}

export interface PaymentRecord {
  paymentOrderNo: string;
  customerId: string;
  personId: string;
  clientId: string;
  debtorAccountId: string;
  debtorIban: string;
  creditorName: string;
  creditorIban: string;
  amountCents: number;
  currency: 'EUR';
  remittanceInformation?: string;
  endToEndId?: string;
  status: ConnectPayPaymentStatus;
  reasonCode?: string;
  createdAt: number;
  statusChangedAt: number;
  /** False once the control API moved it: it then stays where it was put. */
  autoProgress: boolean;
}

export interface Settings {
  includePsuIdsInTokenResponse: boolean;
  autoProgressPayments: boolean;
}

/** First 16 hex chars of SHA-256: lets the journal tell tokens apart without holding them. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 16);
}

function secretHash(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/** The one in-memory state of the ConnectPay emulator. Nothing expires by timer: expiry is checked on use against the clock. */
@Injectable()
export class ConnectPaySandboxStore {
  private clients = new Map<string, SandboxClient>();
  private accounts = new Map<string, AccountState>();
  private transactions: TransactionRecord[] = [];
  private payments = new Map<string, PaymentRecord>();
  private pages = new Map<string, PageRecord>();
  private usedNonces = new Map<string, number>();
  private decisions: QueuedDecision[] = [];
  private codes = new Map<string, CodeRecord>();
  private accessTokens = new Map<string, TokenRecord>();
  private refreshTokens = new Map<string, RefreshTokenRecord>();
  private failures = new Map<ConnectPayFailableOperation, ForcedFailure>();
  private journal: JournalEntry[] = [];
  private settings: Settings = this.defaultSettings();
  private paymentSeq = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly clock: SandboxClock,
  ) {
    this.reset();
  }

  now(): number {
    return this.clock.now();
  }

  advanceClock(seconds: number): void {
    this.clock.advance(seconds * 1000);
  }

  reset(): void {
    this.clock.reset();
    const now = this.now();
    this.clients = new Map([
      [
        CONNECTPAY_SANDBOX_CLIENT.clientId,
        {
          clientId: CONNECTPAY_SANDBOX_CLIENT.clientId,
          name: CONNECTPAY_SANDBOX_CLIENT.name,
          redirectUrls: [connectPaySandboxRedirectUrl(this.config.publicBaseUrl)],
          secretHash: secretHash(CONNECTPAY_SANDBOX_CLIENT.clientSecret),
        },
      ],
    ]);
    this.accounts = new Map();
    this.transactions = [];
    for (const customer of CONNECTPAY_SANDBOX_CUSTOMERS) {
      for (const account of customer.accounts) {
        this.accounts.set(account.accountId, {
          accountId: account.accountId,
          customerId: customer.customerId,
          iban: account.iban,
          name: account.name,
          currency: account.currency,
          balanceCents: account.balanceCents,
        });
        account.transactions.forEach((t, i) => {
          this.transactions.push({
            transactionId: `${account.accountId.slice(0, 8)}-seed-${i + 1}`,
            accountId: account.accountId,
            // Noon UTC of the day: stable whatever the time of the reset.
            bookedAt: startOfUtcDay(now) - t.daysAgo * DAY_MS + DAY_MS / 2,
            amountCents: t.amountCents,
            counterpartyName: t.counterpartyName,
            counterpartyIban: t.counterpartyIban,
            remittanceInformation: t.remittanceInformation,
          });
        });
      }
    }
    this.payments = new Map();
    this.pages = new Map();
    this.usedNonces = new Map();
    this.decisions = [];
    this.codes = new Map();
    this.accessTokens = new Map();
    this.refreshTokens = new Map();
    this.failures = new Map();
    this.journal = [];
    this.settings = this.defaultSettings();
    this.paymentSeq = 0;
  }

  private defaultSettings(): Settings {
    return { includePsuIdsInTokenResponse: CONNECTPAY_DEFAULT_INCLUDE_PSU_IDS, autoProgressPayments: true };
  }

  getSettings(): Settings {
    return { ...this.settings };
  }

  updateSettings(patch: Partial<Settings>): Settings {
    for (const [key, value] of Object.entries(patch)) if (value !== undefined) (this.settings as unknown as Record<string, unknown>)[key] = value;
    return this.getSettings();
  }

  // ---- clients, persons, customers ----

  findClient(clientId: string): SandboxClient | undefined {
    return this.clients.get(clientId);
  }

  authenticateClient(clientId: string, clientSecret: string): SandboxClient | undefined {
    const client = this.clients.get(clientId);
    return client && timingSafeEqual(client.secretHash, secretHash(clientSecret)) ? client : undefined;
  }

  listPersons(): readonly ConnectPaySandboxPerson[] {
    return CONNECTPAY_SANDBOX_PERSONS;
  }

  /** By id or username. */
  findPerson(ref: string): ConnectPaySandboxPerson | undefined {
    return CONNECTPAY_SANDBOX_PERSONS.find((p) => p.personId === ref || p.username === ref);
  }

  findCustomer(customerId: string): ConnectPaySandboxCustomer | undefined {
    return CONNECTPAY_SANDBOX_CUSTOMERS.find((c) => c.customerId === customerId);
  }

  /** The SCA step after the password: the sandbox's fixed one-time code, compared in constant time. */
  checkOtp(otp: string): boolean {
    return timingSafeEqual(secretHash(otp.trim()), secretHash(CONNECTPAY_SANDBOX_OTP));
  }

  authenticatePerson(username: string, password: string): ConnectPaySandboxPerson | undefined {
    const person = CONNECTPAY_SANDBOX_PERSONS.find((p) => p.username === username.trim().toLowerCase());
    const ok = timingSafeEqual(secretHash(password), secretHash(CONNECTPAY_SANDBOX_PASSWORD));
    return person && ok ? person : undefined;
  }

  /** Whether the Person may act for the Customer (the only pairs a consent can bind). */
  isPsu(personId: string, customerId: string): boolean {
    return CONNECTPAY_SANDBOX_PERSONS.some((p) => p.personId === personId && p.customerIds.includes(customerId));
  }

  // ---- the authorization page ----

  /** Remembers the nonce of an accepted authorize request; false when it was seen before (replay). */
  useNonce(nonce: string): boolean {
    const now = this.now();
    for (const [n, until] of this.usedNonces) if (until <= now) this.usedNonces.delete(n);
    const key = nonce.toLowerCase();
    if (this.usedNonces.has(key)) return false;
    this.usedNonces.set(key, now + CONNECTPAY_NONCE_MEMORY_SECONDS * 1000);
    return true;
  }

  createPage(request: AuthorizationRequest, step: PageStep = 'login', personId?: string, otpFailures = 0): string {
    const now = this.now();
    for (const [n, page] of this.pages) if (page.expiresAt <= now) this.pages.delete(n);
    const nonce = randomBytes(24).toString('base64url');
    this.pages.set(nonce, { request, step, personId, otpFailures, expiresAt: now + CONNECTPAY_PAGE_TTL_SECONDS * 1000 });
    return nonce;
  }

  /** Single use: the page's form can be submitted once. */
  takePage(nonce: string): PageRecord | undefined {
    const page = this.pages.get(nonce);
    this.pages.delete(nonce);
    return page && page.expiresAt > this.now() ? page : undefined;
  }

  queueDecision(decision: QueuedDecision): number {
    return this.decisions.push(decision);
  }

  takeDecision(): QueuedDecision | undefined {
    return this.decisions.shift();
  }

  // ---- codes and tokens ----

  /** A code for what the Person granted: `scopes` is a non-empty subset of the requested ones. */
  issueCode(request: AuthorizationRequest, psu: Psu, scopes: ConnectPayScope[]): string {
    const code = randomUUID();
    this.codes.set(code, {
      ...psu,
      clientId: request.clientId,
      redirectUrl: request.redirectUrl,
      scopes,
      expiresAt: this.now() + CONNECTPAY_CODE_TTL_SECONDS * 1000,
      grantId: randomUUID(),
    });
    return code;
  }

  /** Exchanges a code once; a second exchange revokes every token the first one led to (RFC 6749 §4.1.2). */
  redeemCode(code: string, clientId: string, redirectUrl: string | undefined): RedeemResult {
    const record = this.codes.get(code);
    if (!record) return { ok: false, reason: 'unknown' };
    if (record.clientId !== clientId) return { ok: false, reason: 'client_mismatch' };
    if (record.usedAt !== undefined) {
      this.revokeGrant(record.grantId);
      return { ok: false, reason: 'reused' };
    }
    if (record.expiresAt <= this.now()) return { ok: false, reason: 'expired' };
    if (redirectUrl !== undefined && redirectUrl !== record.redirectUrl) return { ok: false, reason: 'redirect_mismatch' };
    record.usedAt = this.now();
    return { ok: true, tokens: this.issueTokens(record) };
  }

  /** Rotation (spec 2.6): a new access token and a new refresh token; the old pair stops working. */
  refresh(refreshToken: string, clientId: string): RefreshResult {
    const record = this.refreshTokens.get(refreshToken);
    if (!record) return { ok: false, reason: 'unknown' };
    if (record.clientId !== clientId) return { ok: false, reason: 'client_mismatch' };
    if (record.rotatedAt !== undefined) return { ok: false, reason: 'rotated' };
    if (record.revoked) return { ok: false, reason: 'revoked' };
    if (record.expiresAt <= this.now()) return { ok: false, reason: 'expired' };
    record.rotatedAt = this.now();
    record.revoked = true;
    if (CONNECTPAY_REVOKE_OLD_ACCESS_ON_REFRESH) {
      const access = this.accessTokens.get(record.accessToken);
      if (access) access.revoked = true;
    }
    return { ok: true, tokens: this.issueTokens(record) };
  }

  private issueTokens(grant: Psu & { clientId: string; scopes: ConnectPayScope[]; grantId: string }): IssuedTokens {
    const now = this.now();
    const base = { personId: grant.personId, customerId: grant.customerId, clientId: grant.clientId, scopes: grant.scopes, grantId: grant.grantId, revoked: false };
    const accessToken = randomUUID();
    const refreshToken = randomUUID();
    this.accessTokens.set(accessToken, { ...base, expiresAt: now + CONNECTPAY_ACCESS_TOKEN_TTL_SECONDS * 1000 });
    this.refreshTokens.set(refreshToken, { ...base, accessToken, expiresAt: now + CONNECTPAY_REFRESH_TOKEN_TTL_SECONDS * 1000 });
    const customerName = this.findCustomer(grant.customerId)?.name ?? '';
    return { accessToken, refreshToken, scopes: grant.scopes, personId: grant.personId, customerId: grant.customerId, customerName };
  }

  private revokeGrant(grantId: string): void {
    for (const t of this.accessTokens.values()) if (t.grantId === grantId) t.revoked = true;
    for (const t of this.refreshTokens.values()) if (t.grantId === grantId) t.revoked = true;
  }

  lookupAccessToken(token: string): AccessLookup {
    const record = this.accessTokens.get(token);
    if (!record) return { status: 'unknown' };
    if (record.revoked) return { status: 'revoked' };
    if (record.expiresAt <= this.now()) return { status: 'expired' };
    return { status: 'valid', token: { ...record, accessToken: token } };
  }

  /**
   * RFC 7009: a refresh token takes its current access token with it; an access token goes alone.
   * Unknown tokens and other clients' tokens change nothing (the answer is the same 200).
   */
  revokeToken(token: string, clientId: string): void {
    const refresh = this.refreshTokens.get(token);
    if (refresh && refresh.clientId === clientId) {
      refresh.revoked = true;
      const access = this.accessTokens.get(refresh.accessToken);
      if (access) access.revoked = true;
      return;
    }
    const access = this.accessTokens.get(token);
    if (access && access.clientId === clientId) access.revoked = true;
  }

  private matches(t: Psu, filter: Partial<Psu>): boolean {
    return (filter.personId === undefined || t.personId === filter.personId) && (filter.customerId === undefined || t.customerId === filter.customerId);
  }

  /** Makes live access tokens expired (their expiry moves to now); returns how many. */
  expireAccessTokens(filter: Partial<Psu>): number {
    const now = this.now();
    let count = 0;
    for (const t of this.accessTokens.values()) {
      if (!t.revoked && t.expiresAt > now && this.matches(t, filter)) {
        t.expiresAt = now;
        count++;
      }
    }
    return count;
  }

  /** Makes live refresh tokens expired (their expiry moves to now): refreshing then gets invalid_grant "expired". */
  expireRefreshTokens(filter: Partial<Psu>): number {
    const now = this.now();
    let count = 0;
    for (const t of this.refreshTokens.values()) {
      if (!t.revoked && t.rotatedAt === undefined && t.expiresAt > now && this.matches(t, filter)) {
        t.expiresAt = now;
        count++;
      }
    }
    return count;
  }

  revokeRefreshTokens(filter: Partial<Psu>): number {
    const now = this.now();
    let count = 0;
    for (const t of this.refreshTokens.values()) {
      if (!t.revoked && t.expiresAt > now && this.matches(t, filter)) {
        t.revoked = true;
        count++;
      }
    }
    return count;
  }

  // ---- forced failures ----

  setFailure(operation: ConnectPayFailableOperation, failure: ForcedFailure): void {
    this.failures.set(operation, failure);
  }

  takeFailure(operation: ConnectPayFailableOperation): ForcedFailure | undefined {
    const failure = this.failures.get(operation);
    if (failure && (failure.times ?? 1) > 1) this.failures.set(operation, { ...failure, times: (failure.times ?? 1) - 1 });
    else this.failures.delete(operation);
    return failure;
  }

  // ---- accounts (every read first lets due payments move on) ----

  accountsOf(customerId: string): AccountState[] {
    this.progressPayments();
    return [...this.accounts.values()].filter((a) => a.customerId === customerId).map((a) => ({ ...a }));
  }

  findAccount(accountId: string): AccountState | undefined {
    this.progressPayments();
    const account = this.accounts.get(accountId);
    return account && { ...account };
  }

  findAccountByIban(iban: string): AccountState | undefined {
    const wanted = normalizeIban(iban);
    return [...this.accounts.values()].find((a) => a.iban === wanted);
  }

  /** Outgoing payments not final yet: the available balance holds them back. */
  pendingDebitCents(accountId: string): number {
    this.progressPayments();
    let sum = 0;
    for (const p of this.payments.values()) if (p.debtorAccountId === accountId && (p.status === 'RCVD' || p.status === 'ACTC')) sum += p.amountCents;
    return sum;
  }

  transactionsOf(accountId: string): TransactionRecord[] {
    this.progressPayments();
    return this.transactions.filter((t) => t.accountId === accountId).map((t) => ({ ...t }));
  }

  // ---- payments ----

  createPayment(input: Omit<PaymentRecord, 'paymentOrderNo' | 'status' | 'reasonCode' | 'createdAt' | 'statusChangedAt' | 'autoProgress'>): PaymentRecord {
    this.progressPayments();
    const now = this.now();
    this.paymentSeq += 1;
    const paymentOrderNo = `PO${isoDate(now).replaceAll('-', '')}${String(this.paymentSeq).padStart(6, '0')}`;
    const available = this.accounts.get(input.debtorAccountId)!.balanceCents - this.pendingDebitCents(input.debtorAccountId);
    const payment: PaymentRecord = { ...input, paymentOrderNo, status: 'RCVD', createdAt: now, statusChangedAt: now, autoProgress: true };
    if (input.amountCents > available) Object.assign(payment, { status: 'RJCT', reasonCode: CONNECTPAY_REASON_INSUFFICIENT_FUNDS });
    this.payments.set(paymentOrderNo, payment);
    return { ...payment };
  }

  findPayment(paymentOrderNo: string): PaymentRecord | undefined {
    this.progressPayments();
    const payment = this.payments.get(paymentOrderNo);
    return payment && { ...payment };
  }

  listPayments(): PaymentRecord[] {
    this.progressPayments();
    return [...this.payments.values()].map((p) => ({ ...p }));
  }

  /** The control API's move; the payment then stops moving by itself. */
  movePayment(paymentOrderNo: string, to: ConnectPayPaymentStatus, reasonCode?: string): { ok: true; payment: PaymentRecord } | { ok: false; reason: 'unknown' | 'transition'; from?: ConnectPayPaymentStatus } {
    this.progressPayments();
    const payment = this.payments.get(paymentOrderNo);
    if (!payment) return { ok: false, reason: 'unknown' };
    if (!canMovePayment(payment.status, to)) return { ok: false, reason: 'transition', from: payment.status };
    payment.autoProgress = false;
    this.setStatus(payment, to, reasonCode);
    return { ok: true, payment: { ...payment } };
  }

  /** RCVD → ACTC → ACSC on the virtual clock, for payments nobody moved by hand. */
  private progressPayments(): void {
    if (!this.settings.autoProgressPayments) return;
    const now = this.now();
    for (const p of this.payments.values()) {
      if (!p.autoProgress) continue;
      if (p.status === 'RCVD' && now - p.createdAt >= CONNECTPAY_PAYMENT_ACCEPT_AFTER_SECONDS * 1000) this.setStatus(p, 'ACTC');
      if (p.status === 'ACTC' && now - p.createdAt >= CONNECTPAY_PAYMENT_SETTLE_AFTER_SECONDS * 1000) this.setStatus(p, 'ACSC');
    }
  }

  /** Settlement books the money: debit (and a credit when the creditor is a sandbox account). */
  private setStatus(payment: PaymentRecord, to: ConnectPayPaymentStatus, reasonCode?: string): void {
    if (to === 'ACSC') {
      const debtor = this.accounts.get(payment.debtorAccountId)!;
      if (debtor.balanceCents < payment.amountCents) {
        payment.status = 'RJCT';
        payment.reasonCode = CONNECTPAY_REASON_INSUFFICIENT_FUNDS;
        payment.statusChangedAt = this.now();
        return;
      }
      debtor.balanceCents -= payment.amountCents;
      this.book(debtor.accountId, -payment.amountCents, payment.creditorName, payment.creditorIban, payment);
      const creditor = this.findAccountByIban(payment.creditorIban);
      if (creditor) {
        creditor.balanceCents += payment.amountCents;
        this.book(creditor.accountId, payment.amountCents, this.findCustomer(debtor.customerId)?.name ?? '', debtor.iban, payment);
      }
    }
    payment.status = to;
    payment.reasonCode = reasonCode ?? (to === 'RJCT' ? 'NARR' : undefined);
    payment.statusChangedAt = this.now();
  }

  private book(accountId: string, amountCents: number, counterpartyName: string, counterpartyIban: string, payment: PaymentRecord): void {
    this.transactions.push({
      transactionId: `${payment.paymentOrderNo}-${amountCents < 0 ? 'D' : 'C'}`,
      accountId,
      bookedAt: this.now(),
      amountCents,
      counterpartyName,
      counterpartyIban,
      remittanceInformation: payment.remittanceInformation ?? '',
      paymentOrderNo: payment.paymentOrderNo,
    });
  }

  // ---- journal ----

  recordRequest(entry: JournalEntry): void {
    this.journal.push(entry);
    if (this.journal.length > CONNECTPAY_JOURNAL_LIMIT) this.journal.splice(0, this.journal.length - CONNECTPAY_JOURNAL_LIMIT);
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
