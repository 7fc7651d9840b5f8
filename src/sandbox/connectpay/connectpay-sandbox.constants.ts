/**
 * Every ConnectPay fact the emulator relies on that the provider spec
 * (`shared/providers/paga-connectpay.md` PART 2) marks as unknown or assumed ([A]) lives here,
 * named, so it can be changed in one place. Confirmed facts ([C]) are named too, with their section.
 */

/** [A] spec 2.3/5: the Auth Web App's path is not published; served on the API host. */
export const CONNECTPAY_AUTHORIZE_PATH = 'auth/v1/oauth2/authorize';
/** [C] spec 2.5. */
export const CONNECTPAY_TOKEN_PATH = 'auth/v1/oauth2/token';
/** [A] spec 2.6: a "Revoke Refresh Token API" exists; its path and format (RFC 7009 here) are not known. */
export const CONNECTPAY_REVOKE_PATH = 'auth/v1/oauth2/revoke';
/** [A] spec 2.7: whether PSD2 tokens use the `/ob/…` surface is unknown; all resource paths sit below this. */
export const CONNECTPAY_API_PREFIX = 'ob';

/** [C] spec 2.3: the only flow this emulator serves. */
export const CONNECTPAY_FLOW_ID = 'GetPSD2AuthCode';
/** [A] spec 2.3: `flowid` (portal) or `flowId` (docs); the parameter name is matched case-insensitively. */
export const CONNECTPAY_FLOW_PARAM = 'flowid';

/** [C] spec 2.3: the PSD2 scopes, with the words the consent page uses. */
export const CONNECTPAY_PSD2_SCOPES = {
  'psd2-ais': 'See your accounts, their balances and transactions',
  'psd2-pis': 'Initiate payments from your accounts',
} as const satisfies Record<string, string>;
export type ConnectPayScope = keyof typeof CONNECTPAY_PSD2_SCOPES;

/**
 * [C] spec 2.5/2.9: "Connect proprietary" scopes (Online Banking product). Asking for them in the
 * PSD2 flow, alone or mixed with PSD2 scopes, is an error (spec 2.3: no mixing).
 */
export const CONNECTPAY_PROPRIETARY_SCOPES = ['ob-as', 'ob-ps', 'ob-ps:authz-nosca'] as const;

/** [A] spec 2.4: RFC 6749 callback error codes. */
export const CONNECTPAY_CALLBACK_ERRORS = {
  accessDenied: 'access_denied',
  invalidScope: 'invalid_scope',
  invalidRequest: 'invalid_request',
  unsupportedResponseType: 'unsupported_response_type',
  serverError: 'server_error',
} as const;

/**
 * The status of the redirect back to the client: 301, as spec 2.4 states (from the brief; the page
 * itself was not retrieved, so [A]). It is sent with `Cache-Control: no-store`, so a browser does
 * not keep the permanent redirect of a one-time code.
 */
export const CONNECTPAY_CALLBACK_REDIRECT_STATUS = 301;

/**
 * SCA on the Auth Web App: password, then a one-time code (emulator-defined; ConnectPay's SCA
 * factors are not documented). A wrong code may be retried this many times in all, then the
 * request ends as access_denied.
 */
export const CONNECTPAY_OTP_MAX_ATTEMPTS = 3;

/** [C] spec 2.5/2.6: lifetimes. */
export const CONNECTPAY_ACCESS_TOKEN_TTL_SECONDS = 3_600;
export const CONNECTPAY_REFRESH_TOKEN_TTL_SECONDS = 2_592_000;
/** [C] spec 2.3: the code is valid for 24 hours (and single use). */
export const CONNECTPAY_CODE_TTL_SECONDS = 24 * 3_600;
/** How long a rendered login/consent page (its form nonce) can be submitted; emulator-only. */
export const CONNECTPAY_PAGE_TTL_SECONDS = 15 * 60;
/** [A] spec 2.3: how long a used authorize `nonce` is remembered to refuse replays. */
export const CONNECTPAY_NONCE_MEMORY_SECONDS = 48 * 3_600;

/**
 * [A] spec 2.2 says the token response carries only the masked `client_customer_name`. The emulator
 * also sends which PSU the token is bound to, as `person_id` and `customer_id` (emulator-defined),
 * unless `PATCH __control/settings {includePsuIdsInTokenResponse:false}` turns them off, so a client
 * can be tested on learning the PSU from the first account call instead.
 */
export const CONNECTPAY_DEFAULT_INCLUDE_PSU_IDS = true;

/**
 * [C] spec 2.6: a refresh renews both tokens. [A] the old access token is revoked at once, and a
 * rotated-out refresh token then gets invalid_grant without revoking the newer pair.
 */
export const CONNECTPAY_REVOKE_OLD_ACCESS_ON_REFRESH = true;

/** [A] spec 2.8: a foreign Customer's resource answers 403 (not 404, which is for unknown ids). */
export const CONNECTPAY_FOREIGN_RESOURCE_STATUS = 403;

/** [A] spec 2.7: the scope each resource operation needs. */
export const CONNECTPAY_OPERATION_SCOPES = {
  accounts: 'psd2-ais',
  account: 'psd2-ais',
  balances: 'psd2-ais',
  transactions: 'psd2-ais',
  createPayment: 'psd2-pis',
  payment: 'psd2-pis',
  paymentStatus: 'psd2-pis',
} as const satisfies Record<string, ConnectPayScope>;
export type ConnectPayResourceOperation = keyof typeof CONNECTPAY_OPERATION_SCOPES;
export type ConnectPayOperation = 'authorize' | 'token' | 'revoke' | ConnectPayResourceOperation | 'unknown';
export const CONNECTPAY_FAILABLE_OPERATIONS = ['token', 'revoke', ...(Object.keys(CONNECTPAY_OPERATION_SCOPES) as ConnectPayResourceOperation[])] as const;
export type ConnectPayFailableOperation = (typeof CONNECTPAY_FAILABLE_OPERATIONS)[number];

/** [C3] spec 2.7: transaction paging. */
export const CONNECTPAY_PAGE_SIZE_DEFAULT = 100;
export const CONNECTPAY_PAGE_SIZE_MAX = 3_000;
/** [A] without `dateFrom`, transactions of the last 90 days (a common PSD2 default). */
export const CONNECTPAY_DEFAULT_HISTORY_DAYS = 90;

/** [A] spec 2.7: ISO 20022 payment statuses and the moves between them. */
export const CONNECTPAY_PAYMENT_STATUSES = ['RCVD', 'ACTC', 'ACSC', 'RJCT', 'CANC'] as const;
export type ConnectPayPaymentStatus = (typeof CONNECTPAY_PAYMENT_STATUSES)[number];
export const CONNECTPAY_PAYMENT_TRANSITIONS: Readonly<Record<ConnectPayPaymentStatus, readonly ConnectPayPaymentStatus[]>> = {
  RCVD: ['ACTC', 'RJCT', 'CANC'],
  ACTC: ['ACSC', 'RJCT', 'CANC'],
  ACSC: [],
  RJCT: [],
  CANC: [],
};
/** Virtual seconds after which an untouched payment moves on by itself (RCVD → ACTC → ACSC). Emulator-only. */
export const CONNECTPAY_PAYMENT_ACCEPT_AFTER_SECONDS = 2;
export const CONNECTPAY_PAYMENT_SETTLE_AFTER_SECONDS = 5;
/** ISO 20022 reason code of a payment rejected for lack of funds. */
export const CONNECTPAY_REASON_INSUFFICIENT_FUNDS = 'AM04';

/** [C] spec 2.1: EUR accounts. */
export const CONNECTPAY_CURRENCY = 'EUR';
/** Largest amount of one payment, in cents (keeps every sum far below 2^53). */
export const CONNECTPAY_MAX_AMOUNT_CENTS = 1_000_000_000_00; // €1,000,000,000.00

/** How many received requests the journal keeps (oldest dropped first). */
export const CONNECTPAY_JOURNAL_LIMIT = 1_000;
