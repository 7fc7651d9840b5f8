import type { MomoSandboxProduct } from '../sandbox-accounts.js';

/**
 * Every MoMo fact the emulator relies on that is not confirmed by MTN ([A], [C3] or a choice of ours
 * in `shared/providers/momo.md`) lives here, named, so it can be changed in one place. Confirmed
 * facts ([C], [M]) are constants here too when more than one file needs them.
 */

export type MomoProduct = MomoSandboxProduct;
export type MomoTransactionKind = 'requesttopay' | 'transfer';
export type MomoStatus = 'PENDING' | 'SUCCESSFUL' | 'FAILED';
export type MomoFinalStatus = Exclude<MomoStatus, 'PENDING'>;

/** The operations the journal, the counts and `fail-next` speak of. `status` is the GET of a requesttopay or transfer. */
export const MOMO_OPERATIONS = [
  'createApiUser',
  'createApiKey',
  'getApiUser',
  'token',
  'requesttopay',
  'transfer',
  'status',
  'balance',
  'accountholderActive',
  'basicUserInfo',
] as const;
export type MomoOperation = (typeof MOMO_OPERATIONS)[number];
/** What the journal records: the wire operations, paths that match none, and outgoing callbacks. */
export type MomoJournalOperation = MomoOperation | 'unknown' | 'callback';
export const MOMO_JOURNAL_OPERATIONS = [...MOMO_OPERATIONS, 'unknown', 'callback'] as const;

/** The only target environment of the sandbox (§1, [C]); anything else is 500 NOT_ALLOWED_TARGET_ENVIRONMENT. */
export const MOMO_TARGET_ENVIRONMENT = 'sandbox';
/** The only currency of the sandbox (§9.1, [C]). */
export const MOMO_CURRENCY = 'EUR';

/** Subscription key header and its query-parameter alternative (§1, [C] OpenAPI securitySchemes). */
export const MOMO_SUBSCRIPTION_KEY_HEADER = 'ocp-apim-subscription-key';
export const MOMO_SUBSCRIPTION_KEY_QUERY = 'subscription-key';

/** `POST /{product}/token` without the trailing slash is a 404 (§4: "probable" [M/P]). */
export const MOMO_TOKEN_REQUIRES_TRAILING_SLASH = true;
/** A body on `/token/` is a 400 (§4, [C] S4), although MTN's JS SDK sends one. */
export const MOMO_TOKEN_REJECTS_BODY = true;
/** `apikey` issues a new key and the previous one stops working (§15 #11, [A]). */
export const MOMO_APIKEY_ROTATES = true;

/** payerMessage / payeeNote: at most 160 characters, without `&` or `'` (§6, [C] S4 + [C3]). */
export const MOMO_MESSAGE_MAX_LENGTH = 160;
export const MOMO_MESSAGE_FORBIDDEN = /[&']/;
/** externalId must not contain spaces (§6, reported [M/P] S15); its length limit is ours [A]. */
export const MOMO_EXTERNAL_ID_MAX_LENGTH = 100;
/** MSISDN: E.164 digits without "+" (§6 [C]); the length bounds and "no leading 0" are E.164's, applied here [A]. */
export const MOMO_MSISDN = /^[1-9]\d{7,14}$/;
/** Largest amount in one transaction or balance, in cents [A]; keeps every sum far below 2^53. */
export const MOMO_MAX_AMOUNT_CENTS = 1_000_000_000_000_00; // €1,000,000,000,000.00

/** MoMo's own error bodies (§7.3). The 400 code and every message marked [A] are assumptions (§15 #2). */
export const MOMO_ERRORS = {
  BAD_REQUEST: { status: 400, message: 'The request is not valid.' }, // [A] §15 #2
  RESOURCE_NOT_FOUND: { status: 404, message: 'Requested resource was not found.' },
  RESOURCE_ALREADY_EXIST: { status: 409, message: 'Duplicated reference id. Creation of resource failed.' },
  NOT_ALLOWED: { status: 500, message: 'Authorization failed. User does not have permission.' }, // [A] message
  NOT_ALLOWED_TARGET_ENVIRONMENT: { status: 500, message: 'Access to target environment is forbidden.' },
  INVALID_CALLBACK_URL_HOST: { status: 500, message: 'Callback URL does not match the configured value.' },
  INVALID_CURRENCY: { status: 500, message: 'Currency not supported.' },
  INTERNAL_PROCESSING_ERROR: { status: 500, message: 'An internal error occurred while processing.' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'Service unavailable.' }, // [A] message
} as const satisfies Record<string, { status: number; message: string }>;
export type MomoErrorCode = keyof typeof MOMO_ERRORS;

/** The Azure API-Management gateway bodies `{statusCode, message}` (§4, §7.3). */
export const MOMO_GATEWAY_MESSAGES = {
  missingKey: 'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.',
  invalidKey: 'Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.',
  /** §15 #1 [A]: the real body for a bad or expired bearer token is unknown. */
  invalidToken: 'Access denied due to invalid or expired access token.',
  notFound: 'Resource not found',
  forbidden: 'Forbidden',
  rateLimited: 'Rate limit is exceeded. Try again in 1 seconds.',
} as const;

/** The token endpoint's error for a wrong API user or key (§4, [C3] S13). */
export const MOMO_LOGIN_FAILED = 'login_failed';

/**
 * Texts of the `reason` object form (`reasonFormat: "object"`, the OpenAPI `ErrorReason`). MTN does
 * not document them; these are [A]. Unknown codes get a generic text.
 */
export const MOMO_REASON_MESSAGES: Readonly<Record<string, string>> = {
  INTERNAL_PROCESSING_ERROR: 'An internal error occurred while processing.',
  APPROVAL_REJECTED: 'The payer rejected the request.',
  EXPIRED: 'The request expired before it was approved.',
  PAYER_NOT_FOUND: 'Payer does not exist.',
  PAYEE_NOT_FOUND: 'Payee does not exist.',
  PAYEE_NOT_ALLOWED_TO_RECEIVE: 'Payee is not allowed to receive.',
  PAYER_LIMIT_REACHED: 'The payer has reached a transaction limit.',
  NOT_ALLOWED: 'Authorization failed. User does not have permission.',
  NOT_ALLOWED_TARGET_ENVIRONMENT: 'Access to target environment is forbidden.',
  INVALID_CALLBACK_URL_HOST: 'Callback URL does not match the configured value.',
  INVALID_CURRENCY: 'Currency not supported.',
  SERVICE_UNAVAILABLE: 'Service unavailable.',
  COULD_NOT_PERFORM_TRANSACTION: 'The transaction could not be performed.',
  NOT_ENOUGH_FUNDS: 'The account does not have enough funds.',
};

/** The final outcome of a transaction, or `PENDING` for ever (no final state, no callback). */
export type MomoOutcome = { status: 'SUCCESSFUL' } | { status: 'FAILED'; reason: string } | { status: 'PENDING' };

/**
 * A sandbox test number's behaviour for requesttopay (payer) and transfer (payee): §9.2 table and the
 * recommended mapping of §9.3. `ongoing` (…453) never finishes unless `ongoingSeconds` is set;
 * `delayed` (…454) succeeds after `delayedSeconds`. The FAILED reasons of 455–463 come from the column
 * of the operation in §9.2; 450–452 follow MTN's Java SDK test enum (§9.3).
 */
export type MomoTestNumberBehaviour = { kind: 'failed'; reason: string } | { kind: 'ongoing' } | { kind: 'delayed' };

export const MOMO_TEST_NUMBERS: Readonly<Record<MomoTransactionKind, Readonly<Record<string, MomoTestNumberBehaviour>>>> = {
  requesttopay: {
    '46733123450': { kind: 'failed', reason: 'INTERNAL_PROCESSING_ERROR' },
    '46733123451': { kind: 'failed', reason: 'APPROVAL_REJECTED' },
    '46733123452': { kind: 'failed', reason: 'EXPIRED' },
    '46733123453': { kind: 'ongoing' },
    '46733123454': { kind: 'delayed' },
    '46733123455': { kind: 'failed', reason: 'PAYER_NOT_FOUND' },
    '46733123456': { kind: 'failed', reason: 'PAYEE_NOT_ALLOWED_TO_RECEIVE' },
    '46733123457': { kind: 'failed', reason: 'NOT_ALLOWED' },
    '46733123458': { kind: 'failed', reason: 'NOT_ALLOWED_TARGET_ENVIRONMENT' },
    '46733123459': { kind: 'failed', reason: 'INVALID_CALLBACK_URL_HOST' },
    '46733123460': { kind: 'failed', reason: 'INVALID_CURRENCY' },
    '46733123461': { kind: 'failed', reason: 'INTERNAL_PROCESSING_ERROR' },
    '46733123462': { kind: 'failed', reason: 'SERVICE_UNAVAILABLE' },
    '46733123463': { kind: 'failed', reason: 'COULD_NOT_PERFORM_TRANSACTION' },
  },
  transfer: {
    '46733123450': { kind: 'failed', reason: 'INTERNAL_PROCESSING_ERROR' },
    '46733123451': { kind: 'failed', reason: 'APPROVAL_REJECTED' },
    '46733123452': { kind: 'failed', reason: 'EXPIRED' },
    '46733123453': { kind: 'ongoing' },
    '46733123454': { kind: 'delayed' },
    '46733123455': { kind: 'failed', reason: 'NOT_ENOUGH_FUNDS' },
    '46733123456': { kind: 'failed', reason: 'PAYER_LIMIT_REACHED' },
    '46733123457': { kind: 'failed', reason: 'PAYEE_NOT_FOUND' },
    '46733123458': { kind: 'failed', reason: 'NOT_ALLOWED' },
    '46733123459': { kind: 'failed', reason: 'NOT_ALLOWED_TARGET_ENVIRONMENT' },
    '46733123460': { kind: 'failed', reason: 'INVALID_CALLBACK_URL_HOST' },
    '46733123461': { kind: 'failed', reason: 'INVALID_CURRENCY' },
    '46733123462': { kind: 'failed', reason: 'INTERNAL_PROCESSING_ERROR' },
    '46733123463': { kind: 'failed', reason: 'SERVICE_UNAVAILABLE' },
  },
};

/** The reason of a transfer that succeeds but finds the disbursement account short (§9.2 "NotEnoughFunds"). */
export const MOMO_INSUFFICIENT_FUNDS_REASON = 'NOT_ENOUGH_FUNDS';

/**
 * `accountholder/{type}/{id}/active` answers for test values (§9.2 columns and the §9.3 mapping):
 * an error, or `{"result":false}` for NotActive (…451, [A]). Everything else is `{"result":true}`.
 * `basicuserinfo` uses the same errors; for NotActive it still returns the profile [A].
 */
export type MomoAccountHolderBehaviour = { kind: 'error'; code: MomoErrorCode } | { kind: 'inactive' };
const ACCOUNT_HOLDER_ROWS: readonly [msisdn: string, email: string, partyCode: string, MomoAccountHolderBehaviour][] = [
  ['46733123450', 'notfound@email.com', '5cecb5a7-8bd0-4f49-87b1-8eb9ecc7b7bc', { kind: 'error', code: 'RESOURCE_NOT_FOUND' }],
  ['46733123451', 'notactive@email.com', 'b0040b3c-b426-4a90-af6e-673e65861cd7', { kind: 'inactive' }],
  ['46733123452', 'notallowed@email.com', '4d5f500f-c385-4901-9be5-25b6d36ad220', { kind: 'error', code: 'NOT_ALLOWED' }],
  ['46733123453', 'notallowedtargetenvironment@email.com', 'd2265f9b-0c22-496d-908f-79a65ad66266', { kind: 'error', code: 'NOT_ALLOWED_TARGET_ENVIRONMENT' }],
  ['46733123454', 'internalprocessingerror@email.com', '8f548a78-ceb8-4d12-a243-5640b91e91a4', { kind: 'error', code: 'INTERNAL_PROCESSING_ERROR' }],
  ['46733123455', 'serviceunavailable@email.com', '585c07a4-2c80-42f7-9e73-e586b36dee68', { kind: 'error', code: 'SERVICE_UNAVAILABLE' }],
];
export const MOMO_ACCOUNT_HOLDERS: Readonly<Record<'msisdn' | 'email' | 'party_code', Readonly<Record<string, MomoAccountHolderBehaviour>>>> = {
  msisdn: Object.fromEntries(ACCOUNT_HOLDER_ROWS.map(([m, , , b]) => [m, b])),
  email: Object.fromEntries(ACCOUNT_HOLDER_ROWS.map(([, e, , b]) => [e, b])),
  party_code: Object.fromEntries(ACCOUNT_HOLDER_ROWS.map(([, , p, b]) => [p, b])),
};

/** The one profile the sandbox returns from `basicuserinfo` (§6, [C] S8 docs, [M] S13). */
export const MOMO_SANDBOX_BASIC_USER_INFO = {
  sub: '0',
  name: 'Sand Box',
  given_name: 'Sand',
  family_name: 'Box',
  birthdate: '1976-08-13',
  locale: 'sv_SE',
  gender: 'MALE',
  updated_at: 1678355127,
} as const;

/** Callbacks: PUT for requesttopay and transfer v1 (§10, [C] S2). Deposit/refund/withdraw v1 would be POST; not emulated. */
export const MOMO_CALLBACK_METHOD: Readonly<Record<MomoTransactionKind, 'PUT' | 'POST'>> = { requesttopay: 'PUT', transfer: 'PUT' };

export type MomoCallbackMode = 'deliver' | 'drop' | 'delay' | 'duplicate';
export interface MomoCallbackPolicy {
  mode: MomoCallbackMode;
  /** `delay`: virtual seconds between the final state and the callback. */
  delaySeconds: number;
  /** `duplicate`: how many times the same callback is sent. */
  times: number;
}
/**
 * Default: one attempt, no retry, sent as the transaction turns final. MTN's older callback page says
 * "sent only once, no retry"; the newer one describes 20 retries then back-off blocks (§10). We follow
 * the older one (§15 #5 [A]); a failed delivery is journaled.
 */
export const MOMO_DEFAULT_CALLBACK_POLICY: Readonly<MomoCallbackPolicy> = { mode: 'deliver', delaySeconds: 0, times: 1 };

export type MomoReasonFormat = 'string' | 'object';

/** Run-time behaviour; `PATCH __control/settings` changes it. */
export interface MomoSandboxSettings {
  /** `expires_in` of new tokens; they stop working after exactly this many (virtual) seconds. 3600 per §4 [M]. */
  tokenLifetimeSeconds: number;
  /** How long an ordinary transaction stays PENDING before its final state (virtual seconds). Ours, not MTN's: the live sandbox answers at once (§9.3 [M]). */
  pendingSeconds: number;
  /** …454 ("Delayed"): PENDING, then SUCCESSFUL after this many seconds (§9.3: about 25 s measured [M]). */
  delayedSeconds: number;
  /** …453 ("Ongoing"): null = PENDING for ever (§9.3 [M]); a number = SUCCESSFUL after that many seconds (old doc: 30 s). */
  ongoingSeconds: number | null;
  /** `reason` of a FAILED status: a plain string as sent in practice (§7.2 [C] S5), or the OpenAPI object `{code,message}`. */
  reasonFormat: MomoReasonFormat;
  /** How long a callback receiver may take before the attempt counts as failed (§10: 2 s on MTN's newer page). */
  callbackTimeoutMs: number;
}

export const MOMO_SANDBOX_DEFAULT_SETTINGS: Readonly<MomoSandboxSettings> = {
  tokenLifetimeSeconds: 3600,
  pendingSeconds: 5,
  delayedSeconds: 25,
  ongoingSeconds: null,
  reasonFormat: 'string',
  callbackTimeoutMs: 2000,
};

/**
 * Starting account balances, in cents. The sandbox showed collection "0" and disbursement "200" (§9.1,
 * [C] S8 docs); disbursement starts higher here so demos can pay out more than €200 [A, ours].
 */
export const MOMO_STARTING_BALANCE_CENTS: Readonly<Record<MomoProduct, number>> = {
  collection: 0,
  disbursement: 1_000_000_00, // €1,000,000.00
};

/** How many journal entries are kept (oldest dropped first). */
export const MOMO_JOURNAL_LIMIT = 1_000;
