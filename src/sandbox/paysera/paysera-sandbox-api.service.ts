import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { PAYSERA_CURRENCY, PAYSERA_MESSAGES, PAYSERA_TRANSACTION_TTL_SECONDS, type PayseraOperation } from './paysera-sandbox.constants.js';
import { formatCents, readAmount } from './paysera-sandbox.money.js';
import type { RouteMatch } from './paysera-sandbox.routes.js';
import { type Allowance, type Payment, PayseraSandboxStore, type SandboxUser, type Transaction } from './paysera-sandbox.store.js';
import { isReply, type JournalNote, ok, parseJsonObject, payseraError, type WireReply } from './paysera-sandbox.wire.js';
import { type Caller, PayseraSandboxAuth } from './paysera-sandbox-auth.service.js';
import { PayseraSandboxCallbacks } from './paysera-sandbox-callbacks.service.js';

type Handler = (ctx: { req: Request; raw: Buffer; caller: Caller; params: Record<string, string>; note: JournalNote }) => WireReply;

const notFound = (what: string) => payseraError('not_found', `${what} not found`);
const invalid = (description: string) => payseraError('invalid_parameters', description);

/**
 * The MAC-signed wallet API (A.9), verified first (A.6), then scope, then the operation. Every
 * transaction status change is reported by callback. Amounts are integer cents throughout.
 */
@Injectable()
export class PayseraSandboxApi {
  private readonly handlers: Partial<Record<PayseraOperation, { accept: 'client' | 'user' | 'any'; run: Handler }>> = {
    'user.get': { accept: 'user', run: (c) => this.user(c.caller, c.params.user!) },
    'wallet.get': { accept: 'any', run: (c) => this.wallet(c.caller, c.params.wallet!) },
    'wallet.balance': { accept: 'any', run: (c) => this.balance(c.caller, c.params.wallet!) },
    'payment.create': { accept: 'client', run: (c) => this.createPayment(c.caller, c.raw) },
    'payment.get': { accept: 'any', run: (c) => this.getPayment(c.caller, c.params.id!) },
    'payment.cancel': { accept: 'client', run: (c) => this.cancelPayment(c.caller, c.params.id!) },
    'transaction.create': { accept: 'any', run: (c) => this.createTransaction(c.caller, c.raw) },
    'transaction.get': { accept: 'any', run: (c) => this.withTransaction(c, (t) => ok(this.transactionView(t))) },
    'transaction.reserve': { accept: 'any', run: (c) => this.withTransaction(c, (t) => this.reserve(c.caller, t, c.params.payer)) },
    'transaction.confirm': { accept: 'client', run: (c) => this.withTransaction(c, (t) => this.confirm(t)) },
    'transaction.revoke': { accept: 'client', run: (c) => this.withTransaction(c, (t) => this.revoke(t)) },
    'allowance.create': { accept: 'user', run: (c) => this.createAllowance(c.caller, c.raw) },
    'allowance.get': { accept: 'any', run: (c) => this.withAllowance(c, (a) => ok(this.allowanceView(a))) },
    'allowance.active': { accept: 'any', run: (c) => this.activeAllowance(c.caller, c.params.wallet!) },
    'allowance.cancel': { accept: 'any', run: (c) => this.withAllowance(c, (a) => this.cancelAllowance(a)) },
  };

  constructor(
    private readonly store: PayseraSandboxStore,
    private readonly auth: PayseraSandboxAuth,
    private readonly callbacks: PayseraSandboxCallbacks,
  ) {}

  async execute(req: Request, raw: Buffer, route: RouteMatch, note: JournalNote): Promise<WireReply> {
    const handler = this.handlers[route.operation];
    if (!handler) return payseraError('not_found', 'No such resource');
    const caller = await this.auth.verify(req, raw, note, handler.accept);
    if (isReply(caller)) return caller;
    return handler.run({ req, raw, caller, params: route.params, note });
  }

  // ---- users and wallets ----

  /** `me` is the token's owner; a numeric id must be that same user (a token opens one account). */
  private resolveUser(caller: Caller, ref: string, kind: 'user' | 'wallet'): SandboxUser | WireReply {
    if (ref === 'me') {
      if (caller.kind !== 'user') return payseraError('forbidden', PAYSERA_MESSAGES.userOnly);
      return this.store.findUser(caller.token.userId)!;
    }
    const id = Number(ref);
    const user = Number.isSafeInteger(id) ? (kind === 'user' ? this.store.findUser(id) : this.store.findUserByWallet(id)) : undefined;
    if (!user) return notFound(kind === 'user' ? 'User' : 'Wallet');
    if (caller.kind === 'user' && caller.token.userId !== user.userId) return payseraError('forbidden', 'This token does not open that account');
    return user;
  }

  private user(caller: Caller, ref: string): WireReply {
    const scope = this.auth.checkScope(caller, 'user.get');
    if (scope) return scope;
    const user = this.resolveUser(caller, ref, 'user');
    if (isReply(user)) return user;
    return ok({ id: user.userId, email: user.email, phone: user.phone, display_name: user.displayName, type: 'natural', wallets: [user.walletId] });
  }

  private wallet(caller: Caller, ref: string): WireReply {
    const user = this.resolveUser(caller, ref, 'wallet');
    if (isReply(user)) return user;
    return ok({
      id: user.walletId,
      owner: user.userId,
      account: { number: `EVP${String(user.walletId).padStart(13, '0')}`, owner_display_name: user.displayName, type: 'natural', user_id: user.userId, ibans: [] },
    });
  }

  private balance(caller: Caller, ref: string): WireReply {
    const scope = this.auth.checkScope(caller, 'wallet.balance');
    if (scope) return scope;
    const user = this.resolveUser(caller, ref, 'wallet');
    if (isReply(user)) return user;
    return ok({
      [PAYSERA_CURRENCY]: {
        at_disposal: user.atDisposalCents,
        reserved: user.reservedCents,
        at_disposal_decimal: formatCents(user.atDisposalCents),
        reserved_decimal: formatCents(user.reservedCents),
      },
    });
  }

  // ---- payments ----

  private readPayment(caller: Caller, input: unknown): Omit<Payment, 'id'> | WireReply {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return invalid('Each payment must be an object');
    const body = input as Record<string, unknown>;
    if (typeof body.description !== 'string' || body.description.length < 1 || body.description.length > 255) return invalid('description is required (1-255 characters)');
    if (body.currency !== PAYSERA_CURRENCY) return invalid(`currency must be ${PAYSERA_CURRENCY}`);
    const amount = readAmount(body);
    if (!amount.ok) return invalid(amount.description);
    return {
      clientId: caller.client.clientId,
      description: body.description,
      priceCents: amount.cents,
      currency: PAYSERA_CURRENCY,
      status: 'new',
      beneficiaryWalletId: caller.client.walletId,
      parameters: body.parameters,
      createdAt: this.store.nowSeconds(),
    };
  }

  private createPayment(caller: Caller, raw: Buffer): WireReply {
    const body = parseJsonObject(raw);
    if (!body) return payseraError('invalid_request', 'The body must be a JSON object');
    const payment = this.readPayment(caller, body);
    if (isReply(payment)) return payment;
    return ok(this.paymentView(this.store.addPayment(payment)));
  }

  private ownPayment(caller: Caller, ref: string): Payment | WireReply {
    const payment = /^\d+$/.test(ref) ? this.store.findPayment(Number(ref)) : undefined;
    return payment && payment.clientId === caller.client.clientId ? payment : notFound('Payment');
  }

  private getPayment(caller: Caller, ref: string): WireReply {
    const payment = this.ownPayment(caller, ref);
    return isReply(payment) ? payment : ok(this.paymentView(payment));
  }

  /** Only a payment that is not (yet) in a transaction can be cancelled directly. */
  private cancelPayment(caller: Caller, ref: string): WireReply {
    const payment = this.ownPayment(caller, ref);
    if (isReply(payment)) return payment;
    if (payment.status !== 'new' || payment.transactionKey) return payseraError('invalid_state', `Payment in status ${payment.status} cannot be canceled`);
    payment.status = 'canceled';
    return ok(this.paymentView(payment));
  }

  private paymentView(p: Payment): Record<string, unknown> {
    return {
      id: p.id,
      ...(p.transactionKey ? { transaction_key: p.transactionKey } : {}),
      created_at: p.createdAt,
      status: p.status,
      description: p.description,
      price: p.priceCents,
      price_decimal: formatCents(p.priceCents),
      currency: p.currency,
      beneficiary: { type: 'wallet', wallet_id: p.beneficiaryWalletId },
      ...(p.parameters !== undefined ? { parameters: p.parameters } : {}),
    };
  }

  // ---- transactions ----

  private createTransaction(caller: Caller, raw: Buffer): WireReply {
    const body = parseJsonObject(raw);
    if (!body) return payseraError('invalid_request', 'The body must be a JSON object');
    if (!Array.isArray(body.payments) || body.payments.length < 1 || body.payments.length > 50) return invalid('payments must be a non-empty array');
    const payments: Array<Omit<Payment, 'id'> | Payment> = [];
    for (const item of body.payments) {
      if (typeof item === 'number') {
        const existing = this.ownPayment(caller, String(item));
        if (isReply(existing)) return existing;
        if (existing.status !== 'new' || existing.transactionKey) return payseraError('invalid_state', `Payment ${existing.id} is already used`);
        payments.push(existing);
        continue;
      }
      const payment = this.readPayment(caller, item);
      if (isReply(payment)) return payment;
      payments.push(payment);
    }
    let callbackUri: string | false = caller.client.callbackUri;
    if (body.callback_uri === false) callbackUri = false;
    else if (body.callback_uri !== undefined) {
      if (typeof body.callback_uri !== 'string' || !/^https?:\/\//.test(body.callback_uri)) return invalid('callback_uri must be an http(s) URL or false');
      callbackUri = body.callback_uri;
    }
    if (body.redirect_uri !== undefined && (typeof body.redirect_uri !== 'string' || !/^https?:\/\//.test(body.redirect_uri))) return invalid('redirect_uri must be an http(s) URL');
    if (body.auto_confirm !== undefined && typeof body.auto_confirm !== 'boolean') return invalid('auto_confirm must be a boolean');
    const saved = payments.map((p) => ('id' in p ? p : this.store.addPayment(p)));
    const transaction = this.store.addTransaction({
      clientId: caller.client.clientId,
      status: 'new',
      type: 'page',
      paymentIds: saved.map((p) => p.id),
      amountCents: saved.reduce((sum, p) => sum + p.priceCents, 0),
      currency: PAYSERA_CURRENCY,
      autoConfirm: body.auto_confirm === true,
      redirectUri: body.redirect_uri as string | undefined,
      callbackUri,
      createdAt: this.store.nowSeconds(),
      expiresAtMs: this.store.now() + PAYSERA_TRANSACTION_TTL_SECONDS * 1000,
    });
    return ok(this.transactionView(transaction));
  }

  private withTransaction(c: Parameters<Handler>[0], run: (t: Transaction) => WireReply): WireReply {
    const transaction = this.store.findTransaction(c.params.key!);
    if (!transaction || transaction.clientId !== c.caller.client.clientId) return notFound('Transaction');
    // A user sees only transactions it pays (or that nobody has accepted yet).
    if (c.caller.kind === 'user' && transaction.payerWalletId !== undefined && transaction.payerWalletId !== this.store.findUser(c.caller.token.userId)!.walletId) {
      return notFound('Transaction');
    }
    return run(transaction);
  }

  /**
   * new → reserved (→ confirmed at once with auto_confirm). With a user token the token's owner pays
   * (needs initiate_transfers); with client credentials `reserve/{wallet}` pays from an active
   * allowance of that wallet. The funds move from at_disposal to reserved.
   */
  private reserve(caller: Caller, t: Transaction, payer: string | undefined): WireReply {
    if (t.status !== 'new') return payseraError('invalid_state', `Transaction in status ${t.status} cannot be reserved`);
    if (t.expiresAtMs <= this.store.now()) return payseraError('invalid_state', 'Transaction has expired');
    let user: SandboxUser | undefined;
    let allowance: Allowance | undefined;
    if (caller.kind === 'user') {
      const scope = this.auth.checkScope(caller, 'transaction.reserve');
      if (scope) return scope;
      user = this.store.findUser(caller.token.userId)!;
      if (payer !== undefined && payer !== 'me' && Number(payer) !== user.walletId) return payseraError('forbidden', 'This token does not open that wallet');
    } else {
      if (payer === undefined) return payseraError('invalid_request', 'With client credentials, name the payer: reserve/{wallet}');
      user = /^\d+$/.test(payer) ? this.store.findUserByWallet(Number(payer)) : undefined;
      if (!user) return notFound('Wallet');
      allowance = this.store.activeAllowance(user.walletId, caller.client.clientId);
      if (!allowance) return payseraError('invalid_state', 'The wallet has no active allowance for this client');
      if (allowance.spentCents + t.amountCents > allowance.maxPriceCents) return payseraError('invalid_state', 'The amount exceeds the allowance');
    }
    return this.reserveFrom(t, user, allowance);
  }

  /**
   * The payer accepts: the funds move from their at_disposal to reserved (→ confirmed at once with
   * auto_confirm). Shared by the REST reserve and the confirmation page.
   */
  reserveFrom(t: Transaction, user: SandboxUser, allowance?: Allowance): WireReply {
    if (t.status !== 'new') return payseraError('invalid_state', `Transaction in status ${t.status} cannot be reserved`);
    if (t.expiresAtMs <= this.store.now()) return payseraError('invalid_state', 'Transaction has expired');
    if (user.atDisposalCents < t.amountCents) return payseraError('invalid_state', PAYSERA_MESSAGES.insufficientFunds);
    user.atDisposalCents -= t.amountCents;
    user.reservedCents += t.amountCents;
    if (allowance) {
      allowance.spentCents += t.amountCents;
      t.allowanceId = allowance.id;
    }
    t.payerWalletId = user.walletId;
    t.type = allowance ? 'automatic' : 'page';
    t.reservedAt = this.store.nowSeconds();
    this.transition(t, 'reserved');
    if (t.autoConfirm) return this.confirm(t);
    return ok(this.transactionView(t));
  }

  /** reserved → confirmed: the reserved funds go to the client's wallet. */
  private confirm(t: Transaction): WireReply {
    if (t.status !== 'reserved') return payseraError('invalid_state', `Transaction in status ${t.status} cannot be confirmed`);
    const payer = this.store.findUserByWallet(t.payerWalletId!)!;
    payer.reservedCents -= t.amountCents;
    this.store.findClient(t.clientId)!.balanceCents += t.amountCents;
    t.confirmedAt = this.store.nowSeconds();
    this.transition(t, 'confirmed');
    return ok(this.transactionView(t));
  }

  /** new → rejected: the payer declined on the confirmation page. Nothing was reserved. */
  reject(t: Transaction): WireReply {
    if (t.status !== 'new') return payseraError('invalid_state', `Transaction in status ${t.status} cannot be rejected`);
    this.transition(t, 'rejected');
    return ok(this.transactionView(t));
  }

  /** new or reserved → revoked; a reservation is released. A confirmed transaction is final. */
  private revoke(t: Transaction): WireReply {
    if (t.status !== 'new' && t.status !== 'reserved') return payseraError('invalid_state', `Transaction in status ${t.status} cannot be revoked`);
    if (t.status === 'reserved') {
      const payer = this.store.findUserByWallet(t.payerWalletId!)!;
      payer.reservedCents -= t.amountCents;
      payer.atDisposalCents += t.amountCents;
      const allowance = t.allowanceId !== undefined ? this.store.findAllowance(t.allowanceId) : undefined;
      if (allowance) allowance.spentCents -= t.amountCents;
    }
    this.transition(t, 'revoked');
    return ok(this.transactionView(t));
  }

  private transition(t: Transaction, status: Transaction['status']): void {
    this.store.setTransactionStatus(t, status);
    this.callbacks.emit(t.callbackUri, { object: 'transaction', type: status, data: this.transactionView(t) }, t.key);
  }

  transactionView(t: Transaction): Record<string, unknown> {
    return {
      transaction_key: t.key,
      created_at: t.createdAt,
      status: t.status,
      type: t.type,
      ...(t.payerWalletId !== undefined ? { wallet: t.payerWalletId } : {}),
      ...(t.confirmedAt !== undefined ? { confirmed_at: t.confirmedAt } : {}),
      auto_confirm: t.autoConfirm,
      ...(t.redirectUri ? { redirect_uri: t.redirectUri } : {}),
      callback_uri: t.callbackUri,
      payments: t.paymentIds.map((id) => this.paymentView(this.store.findPayment(id)!)),
      ...(t.allowanceId !== undefined ? { allowance: { id: t.allowanceId } } : {}),
    };
  }

  // ---- allowances ----

  /** With a user token the user agrees at once, so the allowance is active (no confirmation page here). */
  private createAllowance(caller: Caller, raw: Buffer): WireReply {
    if (caller.kind !== 'user') return payseraError('forbidden', PAYSERA_MESSAGES.userOnly);
    const scope = this.auth.checkScope(caller, 'allowance.create');
    if (scope) return scope;
    const body = parseJsonObject(raw);
    if (!body) return payseraError('invalid_request', 'The body must be a JSON object');
    if (body.currency !== PAYSERA_CURRENCY) return invalid(`currency must be ${PAYSERA_CURRENCY}`);
    if (body.description !== undefined && (typeof body.description !== 'string' || body.description.length > 255)) return invalid('description must be a string of at most 255 characters');
    const amount = readAmount(body, 'max_price');
    if (!amount.ok) return invalid(amount.description);
    let validUntil: number | undefined;
    if (body.valid_for !== undefined && body.valid_until !== undefined) return invalid('Give valid_for or valid_until, not both');
    if (body.valid_for !== undefined) {
      if (!Number.isSafeInteger(body.valid_for) || (body.valid_for as number) < 1) return invalid('valid_for must be a positive number of seconds');
      validUntil = this.store.nowSeconds() + (body.valid_for as number);
    } else if (body.valid_until !== undefined) {
      if (!Number.isSafeInteger(body.valid_until) || (body.valid_until as number) <= this.store.nowSeconds()) return invalid('valid_until must be a future Unix time');
      validUntil = body.valid_until as number;
    }
    const user = this.store.findUser(caller.token.userId)!;
    const existing = this.store.activeAllowance(user.walletId, caller.client.clientId);
    if (existing) existing.status = 'inactive'; // one active allowance per wallet and client
    const allowance = this.store.addAllowance({
      clientId: caller.client.clientId,
      walletId: user.walletId,
      description: (body.description as string | undefined) ?? '',
      currency: PAYSERA_CURRENCY,
      maxPriceCents: amount.cents,
      spentCents: 0,
      status: 'active',
      createdAt: this.store.nowSeconds(),
      validUntil,
    });
    return ok(this.allowanceView(allowance));
  }

  private withAllowance(c: Parameters<Handler>[0], run: (a: Allowance) => WireReply): WireReply {
    const allowance = /^\d+$/.test(c.params.id!) ? this.store.findAllowance(Number(c.params.id)) : undefined;
    if (!allowance || allowance.clientId !== c.caller.client.clientId) return notFound('Allowance');
    if (c.caller.kind === 'user' && allowance.walletId !== this.store.findUser(c.caller.token.userId)!.walletId) return notFound('Allowance');
    return run(allowance);
  }

  private activeAllowance(caller: Caller, ref: string): WireReply {
    const user = this.resolveUser(caller, ref, 'wallet');
    if (isReply(user)) return user;
    const allowance = this.store.activeAllowance(user.walletId, caller.client.clientId);
    return allowance ? ok(this.allowanceView(allowance)) : notFound('Active allowance');
  }

  private cancelAllowance(a: Allowance): WireReply {
    if (a.status === 'deleted') return payseraError('invalid_state', 'Allowance is already deleted');
    a.status = 'deleted';
    this.callbacks.emit(this.store.findClient(a.clientId)!.callbackUri, { object: 'allowance', type: 'deleted', data: this.allowanceView(a) }, String(a.id));
    return ok(this.allowanceView(a));
  }

  allowanceView(a: Allowance): Record<string, unknown> {
    return {
      id: a.id,
      created_at: a.createdAt,
      status: a.status,
      currency: a.currency,
      wallet: a.walletId,
      description: a.description,
      max_price: a.maxPriceCents,
      max_price_decimal: formatCents(a.maxPriceCents),
      used_price: a.spentCents,
      used_price_decimal: formatCents(a.spentCents),
      ...(a.validUntil !== undefined ? { valid_until: a.validUntil } : {}),
    };
  }
}
