import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { CONNECTPAY_SANDBOX_PATH } from '../sandbox-accounts.js';
import {
  CONNECTPAY_API_PREFIX,
  CONNECTPAY_CURRENCY,
  CONNECTPAY_DEFAULT_HISTORY_DAYS,
  CONNECTPAY_FOREIGN_RESOURCE_STATUS,
  CONNECTPAY_OPERATION_SCOPES,
  CONNECTPAY_PAGE_SIZE_DEFAULT,
  CONNECTPAY_PAGE_SIZE_MAX,
  type ConnectPayResourceOperation,
} from './connectpay-sandbox.constants.js';
import { DAY_MS, formatCents, isoDate, isValidIban, normalizeIban, parseAmountToCents, parseBearer, parseIntParam, parseIsoDate, single, startOfUtcDay } from './connectpay-sandbox.rules.js';
import { type AccountState, ConnectPaySandboxStore, type PaymentRecord, type TransactionRecord, tokenHash } from './connectpay-sandbox.store.js';
import { apiError, forcedFailure, invalidToken, type JournalNote, sleep, type WireReply } from './connectpay-sandbox.wire.js';
import { requestIdOf } from './connectpay-sandbox-oauth.service.js';

/** Who is calling: the PSU the Bearer token is bound to (spec 2.2). */
export interface Caller {
  personId: string;
  customerId: string;
  clientId: string;
  requestId: string;
}

type Guarded = { ok: true; caller: Caller } | { ok: false; reply: WireReply };

const money = (cents: number) => ({ value: formatCents(cents), currency: CONNECTPAY_CURRENCY });

function paymentView(p: PaymentRecord) {
  return {
    paymentOrderNo: p.paymentOrderNo,
    status: p.status,
    ...(p.reasonCode ? { reasonCode: p.reasonCode } : {}),
    debtorAccount: { iban: p.debtorIban },
    creditorName: p.creditorName,
    creditorAccount: { iban: p.creditorIban },
    amount: money(p.amountCents),
    ...(p.remittanceInformation !== undefined ? { remittanceInformation: p.remittanceInformation } : {}),
    ...(p.endToEndId !== undefined ? { endToEndId: p.endToEndId } : {}),
    createdAt: new Date(p.createdAt).toISOString(),
    statusChangedAt: new Date(p.statusChangedAt).toISOString(),
  };
}

function transactionView(t: TransactionRecord) {
  return {
    transactionId: t.transactionId,
    bookingDate: isoDate(t.bookedAt),
    valueDate: isoDate(t.bookedAt),
    status: 'BOOK',
    // Unsigned amount plus direction, as ISO 20022 reports do.
    amount: money(Math.abs(t.amountCents)),
    creditDebitIndicator: t.amountCents < 0 ? 'DBIT' : 'CRDT',
    counterpartyName: t.counterpartyName,
    counterpartyAccount: { iban: t.counterpartyIban },
    remittanceInformation: t.remittanceInformation,
    ...(t.paymentOrderNo ? { paymentOrderNo: t.paymentOrderNo } : {}),
  };
}

/**
 * The PSD2 AIS/PIS resource API (spec 2.7). Every call is bound to the (Person, Customer) of its
 * Bearer token: a token only ever sees its own Customer's accounts and payments.
 */
@Injectable()
export class ConnectPaySandboxApiService {
  constructor(private readonly store: ConnectPaySandboxStore) {}

  /** X-Request-ID, forced failures, the Bearer token and its scope, in that order. */
  async guard(req: Request, operation: ConnectPayResourceOperation, note: JournalNote): Promise<Guarded> {
    note.operation = operation;
    const requestId = requestIdOf(req);
    if (!requestId) return { ok: false, reply: apiError(400, 'BAD_REQUEST', 'The X-Request-ID header is required and must be a UUID.', undefined) };
    const forced = this.store.takeFailure(operation);
    if (forced?.delayMs) await sleep(forced.delayMs);
    if (forced?.httpStatus) return { ok: false, reply: forcedFailure(operation, forced.httpStatus, forced.errorMessage, requestId) };
    const token = parseBearer(req.headers.authorization);
    if (!token) return { ok: false, reply: invalidToken('A Bearer access token is required.', requestId) };
    note.tokenHash = tokenHash(token);
    const lookup = this.store.lookupAccessToken(token);
    if (lookup.status !== 'valid') {
      const messages = { unknown: 'The access token is invalid.', expired: 'The access token has expired.', revoked: 'The access token was revoked.' } as const;
      return { ok: false, reply: invalidToken(messages[lookup.status], requestId) };
    }
    const { token: record } = lookup;
    Object.assign(note, { clientId: record.clientId, personId: record.personId, customerId: record.customerId });
    const needed = CONNECTPAY_OPERATION_SCOPES[operation];
    if (!record.scopes.includes(needed)) {
      return { ok: false, reply: apiError(403, 'INSUFFICIENT_SCOPE', `This operation needs the ${needed} scope; the token has ${record.scopes.join(' ')}.`, requestId) };
    }
    return { ok: true, caller: { personId: record.personId, customerId: record.customerId, clientId: record.clientId, requestId } };
  }

  /** The account if the caller's Customer holds it; 404 for unknown ids, 403 for another Customer's (spec 2.8). */
  private ownAccount(caller: Caller, accountId: string): { ok: true; account: AccountState } | { ok: false; reply: WireReply } {
    const account = this.store.findAccount(accountId);
    if (!account) return { ok: false, reply: apiError(404, 'ACCOUNT_NOT_FOUND', 'No account has this id.', caller.requestId) };
    if (account.customerId !== caller.customerId) return { ok: false, reply: this.foreign('account', caller.requestId) };
    return { ok: true, account };
  }

  private foreign(what: string, requestId: string): WireReply {
    return CONNECTPAY_FOREIGN_RESOURCE_STATUS === 403
      ? apiError(403, 'ACCESS_FORBIDDEN', `The ${what} does not belong to the customer this token was granted for.`, requestId)
      : apiError(404, `${what.toUpperCase()}_NOT_FOUND`, `No ${what} has this id.`, requestId);
  }

  private balances(account: AccountState) {
    const booked = account.balanceCents;
    const available = booked - this.store.pendingDebitCents(account.accountId);
    return [
      { balanceType: 'interimBooked', amount: money(booked) },
      { balanceType: 'interimAvailable', amount: money(available) },
    ];
  }

  private accountView(account: AccountState, withBalance: boolean) {
    return {
      accountId: account.accountId,
      iban: account.iban,
      name: account.name,
      currency: account.currency,
      customerId: account.customerId,
      ...(withBalance ? { balances: this.balances(account) } : {}),
    };
  }

  listAccounts(caller: Caller, query: Request['query']): WireReply {
    const raw = single(query.withBalance);
    if (query.withBalance !== undefined && raw !== 'true' && raw !== 'false') return apiError(400, 'VALIDATION_ERROR', 'withBalance must be true or false.', caller.requestId);
    const customer = this.store.findCustomer(caller.customerId)!;
    return {
      status: 200,
      body: {
        // Which PSU the token is bound to, for clients that learn it here rather than from the token response.
        personId: caller.personId,
        customerId: customer.customerId,
        customerName: customer.name,
        customerType: customer.type,
        accounts: this.store.accountsOf(caller.customerId).map((a) => this.accountView(a, raw === 'true')),
      },
    };
  }

  getAccount(caller: Caller, accountId: string): WireReply {
    const own = this.ownAccount(caller, accountId);
    return own.ok ? { status: 200, body: this.accountView(own.account, false) } : own.reply;
  }

  getBalances(caller: Caller, accountId: string): WireReply {
    const own = this.ownAccount(caller, accountId);
    if (!own.ok) return own.reply;
    return { status: 200, body: { accountId, iban: own.account.iban, referenceDate: isoDate(this.store.now()), balances: this.balances(own.account) } };
  }

  listTransactions(caller: Caller, accountId: string, query: Request['query']): WireReply {
    const own = this.ownAccount(caller, accountId);
    if (!own.ok) return own.reply;
    const invalid = (message: string) => apiError(400, 'VALIDATION_ERROR', message, caller.requestId);
    const today = startOfUtcDay(this.store.now());
    const dateTo = query.dateTo === undefined ? today : parseIsoDate(query.dateTo);
    if (dateTo === undefined) return invalid('dateTo must be a date as YYYY-MM-DD.');
    const dateFrom = query.dateFrom === undefined ? dateTo - CONNECTPAY_DEFAULT_HISTORY_DAYS * DAY_MS : parseIsoDate(query.dateFrom);
    if (dateFrom === undefined) return invalid('dateFrom must be a date as YYYY-MM-DD.');
    if (dateFrom > dateTo) return invalid('dateFrom must not be after dateTo.');
    const sortOrder = query.sortOrder ?? 'desc';
    if (sortOrder !== 'asc' && sortOrder !== 'desc') return invalid('sortOrder must be asc or desc.');
    const pageNo = parseIntParam(query.pageNo, 1, 1, 1_000_000);
    if (pageNo === undefined) return invalid('pageNo must be an integer from 1.');
    const pageSize = parseIntParam(query.pageSize, CONNECTPAY_PAGE_SIZE_DEFAULT, 1, CONNECTPAY_PAGE_SIZE_MAX);
    if (pageSize === undefined) return invalid(`pageSize must be an integer from 1 to ${CONNECTPAY_PAGE_SIZE_MAX}.`);

    const inRange = this.store
      .transactionsOf(accountId)
      .filter((t) => t.bookedAt >= dateFrom && t.bookedAt < dateTo + DAY_MS)
      .sort((a, b) => (sortOrder === 'asc' ? 1 : -1) * (a.bookedAt - b.bookedAt || a.transactionId.localeCompare(b.transactionId)));
    const page = inRange.slice((pageNo - 1) * pageSize, pageNo * pageSize);
    return {
      status: 200,
      body: {
        accountId,
        iban: own.account.iban,
        dateFrom: isoDate(dateFrom),
        dateTo: isoDate(dateTo),
        sortOrder,
        pageNo,
        pageSize,
        totalCount: inRange.length,
        totalPages: Math.ceil(inRange.length / pageSize),
        transactions: page.map(transactionView),
      },
    };
  }

  /** Emulator-defined body (spec 2.7 [A]); amounts are decimal strings, never JSON numbers. */
  createPayment(caller: Caller, req: Request): WireReply {
    if (!req.is('application/json')) return apiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'The body must be application/json.', caller.requestId);
    const body = (typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body) ? req.body : {}) as Record<string, any>;
    const errors: string[] = [];
    const debtorIban = body.debtorAccount?.iban;
    const creditorIban = body.creditorAccount?.iban;
    if (!isValidIban(debtorIban)) errors.push('debtorAccount.iban must be a valid IBAN.');
    if (!isValidIban(creditorIban)) errors.push('creditorAccount.iban must be a valid IBAN.');
    if (typeof body.creditorName !== 'string' || !body.creditorName.trim() || body.creditorName.length > 70) errors.push('creditorName must be 1–70 characters.');
    const amountCents = parseAmountToCents(body.amount?.value);
    if (amountCents === undefined) errors.push('amount.value must be a positive decimal string with at most 2 decimals, e.g. "12.50".');
    if (body.amount?.currency !== CONNECTPAY_CURRENCY) errors.push(`amount.currency must be ${CONNECTPAY_CURRENCY}.`);
    if (body.remittanceInformation !== undefined && (typeof body.remittanceInformation !== 'string' || body.remittanceInformation.length > 140)) {
      errors.push('remittanceInformation must be a string of at most 140 characters.');
    }
    if (body.endToEndId !== undefined && (typeof body.endToEndId !== 'string' || !/^[\x20-\x7e]{1,35}$/.test(body.endToEndId))) errors.push('endToEndId must be 1–35 printable ASCII characters.');
    if (errors.length) return { status: 400, body: { code: 'VALIDATION_ERROR', message: errors.join(' '), errors, requestId: caller.requestId } };

    const debtor = this.store.findAccountByIban(debtorIban);
    if (!debtor) return apiError(400, 'INVALID_DEBTOR_ACCOUNT', 'debtorAccount.iban is not a ConnectPay account.', caller.requestId);
    if (debtor.customerId !== caller.customerId) return this.foreign('account', caller.requestId);
    if (normalizeIban(creditorIban) === debtor.iban) return apiError(400, 'VALIDATION_ERROR', 'The creditor account must differ from the debtor account.', caller.requestId);

    const payment = this.store.createPayment({
      customerId: caller.customerId,
      personId: caller.personId,
      clientId: caller.clientId,
      debtorAccountId: debtor.accountId,
      debtorIban: debtor.iban,
      creditorName: body.creditorName.trim(),
      creditorIban: normalizeIban(creditorIban),
      amountCents: amountCents!,
      currency: CONNECTPAY_CURRENCY,
      remittanceInformation: body.remittanceInformation,
      endToEndId: body.endToEndId,
    });
    return { status: 201, body: paymentView(payment), headers: { Location: `${CONNECTPAY_SANDBOX_PATH}/${CONNECTPAY_API_PREFIX}/payments/${payment.paymentOrderNo}` } };
  }

  private ownPayment(caller: Caller, paymentOrderNo: string): { ok: true; payment: PaymentRecord } | { ok: false; reply: WireReply } {
    const payment = this.store.findPayment(paymentOrderNo);
    if (!payment) return { ok: false, reply: apiError(404, 'PAYMENT_NOT_FOUND', 'No payment has this paymentOrderNo.', caller.requestId) };
    if (payment.customerId !== caller.customerId) return { ok: false, reply: this.foreign('payment', caller.requestId) };
    return { ok: true, payment };
  }

  getPayment(caller: Caller, paymentOrderNo: string): WireReply {
    const own = this.ownPayment(caller, paymentOrderNo);
    return own.ok ? { status: 200, body: paymentView(own.payment) } : own.reply;
  }

  getPaymentStatus(caller: Caller, paymentOrderNo: string): WireReply {
    const own = this.ownPayment(caller, paymentOrderNo);
    if (!own.ok) return own.reply;
    const p = own.payment;
    return { status: 200, body: { paymentOrderNo: p.paymentOrderNo, status: p.status, ...(p.reasonCode ? { reasonCode: p.reasonCode } : {}), statusChangedAt: new Date(p.statusChangedAt).toISOString() } };
  }
}
