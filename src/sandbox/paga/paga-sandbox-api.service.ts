import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import {
  PAGA_BUSINESS_ERRORS,
  PAGA_CURRENCY,
  PAGA_OPERATION_SCOPES,
  type PagaBusinessError,
  type PagaSecureOperation,
  type PagaUserDataField,
} from './paga-sandbox.constants.js';
import { forcedHttpFailure } from './paga-sandbox-failures.js';
import { formatKobo, type JsonMoney, money, parseAmountToKobo } from './paga-sandbox.money.js';
import { acceptsJson, parseBearer, readParam, type SecurePath } from './paga-sandbox.params.js';
import { PagaSandboxStore, type SandboxUser, tokenHash } from './paga-sandbox.store.js';
import { invalidToken, type JournalNote, oauthError, sleep, springError, type WireReply } from './paga-sandbox.wire.js';

type BusinessResult = { errorCode: number; errorMessage: string | null };

function business(error: PagaBusinessError, detail?: string): BusinessResult {
  const { errorCode, errorMessage } = PAGA_BUSINESS_ERRORS[error];
  return { errorCode, errorMessage: detail ?? errorMessage };
}

/** A required parameter: undefined (and a business error) when missing, empty or longer than Paga would take. */
function required(params: Record<string, string | undefined>, name: string): string | undefined {
  const value = params[name];
  return value && value.length <= 100 ? value : undefined;
}

/** The body of each operation's answer, in Paga's shape (spec 1.8), for success and failure alike. */
const SHAPES = {
  merchantPayment: (r: BusinessResult, x: { amount?: JsonMoney; confirmationCode?: string } = {}) => ({
    merchantPaymentResult: {
      ...r,
      amount: x.amount ?? null,
      confirmationCode: x.confirmationCode ?? null,
      agentCommission: r.errorCode === 0 ? money(0) : null,
      fee: r.errorCode === 0 ? money(0) : null,
      currency: r.errorCode === 0 ? PAGA_CURRENCY : null,
      exchangeRate: null,
    },
  }),
  moneyTransfer: (r: BusinessResult, x: { amount?: JsonMoney; transactionId?: string; referenceNumber?: string } = {}) => ({
    ...r,
    transactionId: x.transactionId ?? null,
    amount: x.amount ?? null,
    fee: r.errorCode === 0 ? money(0) : null,
    currency: r.errorCode === 0 ? PAGA_CURRENCY : null,
    exchangeRate: null,
    externalReferenceNumber: x.referenceNumber ?? null,
  }),
  userDetails: (r: BusinessResult, x: { details?: Record<string, string> } = {}) => ({ detailsResult: { ...r, details: x.details ?? null } }),
  accountBalance: (r: BusinessResult, x: { balance?: JsonMoney } = {}) => ({
    ...r,
    totalBalance: x.balance ?? null,
    availableBalance: x.balance ?? null,
    currency: r.errorCode === 0 ? PAGA_CURRENCY : null,
  }),
} satisfies Record<PagaSecureOperation, (r: BusinessResult, extra?: never) => unknown>;

const DETAIL_VALUES: Record<PagaUserDataField, (u: SandboxUser) => string> = {
  FIRST_NAME: (u) => u.firstName,
  LAST_NAME: (u) => u.lastName,
  USERNAME: (u) => u.username,
  EMAIL: (u) => u.email,
  MOBILE_NUMBER: (u) => u.phone,
  ACCOUNT_BALANCE: (u) => formatKobo(u.balanceKobo),
};

/** Paga's resource server: the secured operations (P4, P5, P6 and the emulator-only balance). */
@Injectable()
export class PagaSandboxApiService {
  constructor(private readonly store: PagaSandboxStore) {}

  /**
   * Order of checks, as a Spring resource server does them: forced HTTP failures (an upstream fault
   * comes before anything), the Bearer token, the path and method, the scope, content negotiation;
   * then forced business failures and the operation itself.
   */
  async execute(req: Request, path: SecurePath | undefined, note: JournalNote): Promise<WireReply> {
    const operation = path?.operation;
    if (operation) {
      note.operation = operation;
      const forced = this.store.peekFailure(operation);
      if (forced && (forced.httpStatus || forced.errorCode === undefined)) {
        this.store.takeFailure(operation);
        if (forced.delayMs) await sleep(forced.delayMs);
        if (forced.httpStatus) return forcedHttpFailure(operation, forced);
      }
    }

    const bearer = parseBearer(req.headers.authorization);
    if (bearer) note.tokenHash = tokenHash(bearer);
    const lookup = bearer ? this.store.lookupAccessToken(bearer) : undefined;
    if (!lookup) return invalidToken('Full authentication is required to access this resource');
    if (lookup.status !== 'valid') {
      return invalidToken({ unknown: 'Invalid access token', expired: 'Access token expired', revoked: 'Access token revoked' }[lookup.status]);
    }
    const token = lookup.token;
    note.clientId = token.clientId;
    note.username = token.username;

    if (!path || !operation) return springError(req, 404, this.store.now());
    if (req.method !== 'POST') return springError(req, 405, this.store.now());
    const scope = PAGA_OPERATION_SCOPES[operation];
    if (!token.scopes.includes(scope)) {
      return oauthError(403, 'insufficient_scope', 'Insufficient scope for this resource', {
        'WWW-Authenticate': `Bearer realm="paga-sandbox", error="insufficient_scope", scope="${scope}"`,
      });
    }
    // Paga also serves XML (spec 1.3); the emulator does not, and says so rather than sending JSON anyway.
    if (!acceptsJson(req.headers.accept)) {
      return oauthError(406, 'not_acceptable', 'The sandbox answers application/json only; application/xml is not emulated.');
    }

    const forced = this.store.peekFailure(operation);
    if (forced?.errorCode !== undefined) {
      this.store.takeFailure(operation);
      if (forced.delayMs) await sleep(forced.delayMs);
      return this.ok(operation, { errorCode: forced.errorCode, errorMessage: forced.errorMessage ?? PAGA_BUSINESS_ERRORS.SYSTEM_ERROR.errorMessage }, note);
    }

    switch (path.operation) {
      case 'merchantPayment':
        return this.merchantPayment(req, path.params, token.clientId, token.username, note);
      case 'moneyTransfer':
        return this.moneyTransfer(req, token.clientId, note);
      case 'userDetails':
        return this.userDetails(token.username, token.userData, note);
      case 'accountBalance':
        return this.accountBalance(token.username, note);
    }
  }

  private ok<O extends PagaSecureOperation>(operation: O, result: BusinessResult, note: JournalNote, extra?: Parameters<(typeof SHAPES)[O]>[1]): WireReply {
    note.errorCode = result.errorCode;
    const shape = SHAPES[operation] as (r: BusinessResult, x?: unknown) => unknown;
    return { status: 200, body: shape(result, extra) };
  }

  private merchantPayment(req: Request, pathParams: Record<string, string> | undefined, clientId: string, username: string, note: JournalNote): WireReply {
    // P4-form: the same parameters as a form body (or query string) on the bare path.
    const params: Record<string, string | undefined> = pathParams ?? {
      referenceNumber: readParam(req, 'referenceNumber'),
      amount: readParam(req, 'amount'),
      merchantCustomerReference: readParam(req, 'merchantCustomerReference'),
      merchantProductCode: readParam(req, 'merchantProductCode'),
      currency: readParam(req, 'currency'),
    };
    const referenceNumber = required(params, 'referenceNumber');
    if (!referenceNumber) return this.ok('merchantPayment', business('INVALID_PARAMETER', 'Missing or invalid parameter: referenceNumber'), note);
    if (!required(params, 'merchantCustomerReference')) {
      return this.ok('merchantPayment', business('INVALID_PARAMETER', 'Missing or invalid parameter: merchantCustomerReference'), note);
    }
    const amountKobo = parseAmountToKobo(params.amount);
    if (amountKobo === undefined) return this.ok('merchantPayment', business('INVALID_AMOUNT'), note);
    if (params.currency !== undefined && params.currency !== PAGA_CURRENCY) return this.ok('merchantPayment', business('UNSUPPORTED_CURRENCY'), note);
    const result = this.store.merchantPayment({ clientId, username, referenceNumber, amountKobo });
    if (!result.ok) return this.ok('merchantPayment', business(result.error), note);
    return this.ok('merchantPayment', business('SUCCESS'), note, { amount: money(amountKobo), confirmationCode: result.transaction.id });
  }

  private moneyTransfer(req: Request, clientId: string, note: JournalNote): WireReply {
    const params = {
      referenceNumber: readParam(req, 'referenceNumber'),
      amount: readParam(req, 'amount'),
      recipientCredential: readParam(req, 'recipientCredential'),
      skipMessaging: readParam(req, 'skipMessaging'),
    };
    const referenceNumber = required(params, 'referenceNumber');
    if (!referenceNumber) return this.ok('moneyTransfer', business('INVALID_PARAMETER', 'Missing or invalid parameter: referenceNumber'), note);
    const amountKobo = parseAmountToKobo(params.amount);
    if (amountKobo === undefined) return this.ok('moneyTransfer', business('INVALID_AMOUNT'), note);
    if (params.skipMessaging !== undefined && !['true', 'false'].includes(params.skipMessaging)) {
      return this.ok('moneyTransfer', business('INVALID_PARAMETER', 'Missing or invalid parameter: skipMessaging'), note);
    }
    const credential = required(params, 'recipientCredential');
    if (!credential) return this.ok('moneyTransfer', business('INVALID_PARAMETER', 'Missing or invalid parameter: recipientCredential'), note);
    const recipient = this.store.findUserByPhone(credential);
    if (!recipient) return this.ok('moneyTransfer', business('UNKNOWN_RECIPIENT'), note);
    const result = this.store.moneyTransfer({ clientId, username: recipient.username, referenceNumber, amountKobo });
    if (!result.ok) return this.ok('moneyTransfer', business(result.error), note);
    return this.ok('moneyTransfer', business('SUCCESS'), note, { amount: money(amountKobo), transactionId: result.transaction.id, referenceNumber });
  }

  private userDetails(username: string, userData: string[], note: JournalNote): WireReply {
    const user = this.store.findUser(username)!;
    // Only what the user agreed to share, keyed by the user_data names.
    const details = Object.fromEntries(userData.map((field) => [field, DETAIL_VALUES[field as PagaUserDataField](user)]));
    return this.ok('userDetails', business('SUCCESS'), note, { details });
  }

  private accountBalance(username: string, note: JournalNote): WireReply {
    const user = this.store.findUser(username)!;
    return this.ok('accountBalance', business('SUCCESS'), note, { balance: money(user.balanceKobo) });
  }
}
