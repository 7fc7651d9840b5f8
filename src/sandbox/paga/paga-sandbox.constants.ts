/**
 * Every Paga fact the emulator relies on that is an assumption ([A] in the provider spec,
 * `shared/providers/paga-connectpay.md` §1) lives here, named, so it can be changed in one place.
 */

/** Paga's path prefix below the base URL (spec 1.1: every Connect path sits under it). */
export const PAGA_WEBSERVICES_PATH = 'paga-webservices/oauth2';

/** Scopes Paga is known to use (spec 1.4) plus `USER_REQUEST_ACCOUNT_BALANCE` [A, from our brief]. */
export const PAGA_SCOPES = {
  MERCHANT_PAYMENT: 'Pay this merchant from your Paga wallet',
  MONEY_TRANSFER: 'Credit money into Paga accounts on its behalf',
  USER_DETAILS_REQUEST: 'See the profile details listed below',
  USER_REQUEST_ACCOUNT_BALANCE: 'See your wallet balance',
  USER_DEPOSIT_FROM_CARD: 'Fund your Paga wallet from a card',
} as const satisfies Record<string, string>;
export type PagaScope = keyof typeof PAGA_SCOPES;

/** `user_data` fields (spec 1.4) plus `MOBILE_NUMBER` [A, from our brief]. */
export const PAGA_USER_DATA = {
  FIRST_NAME: 'First name',
  LAST_NAME: 'Last name',
  USERNAME: 'Username',
  EMAIL: 'Email address',
  MOBILE_NUMBER: 'Mobile number',
  ACCOUNT_BALANCE: 'Wallet balance',
} as const satisfies Record<string, string>;
export type PagaUserDataField = keyof typeof PAGA_USER_DATA;

/** The scope each secured operation needs. */
export const PAGA_OPERATION_SCOPES = {
  merchantPayment: 'MERCHANT_PAYMENT',
  moneyTransfer: 'MONEY_TRANSFER',
  userDetails: 'USER_DETAILS_REQUEST',
  accountBalance: 'USER_REQUEST_ACCOUNT_BALANCE',
} as const satisfies Record<string, PagaScope>;
export type PagaSecureOperation = keyof typeof PAGA_OPERATION_SCOPES;
export type PagaOperation = 'authorization' | 'token' | PagaSecureOperation | 'unknown';
export const PAGA_FAILABLE_OPERATIONS = ['token', 'merchantPayment', 'moneyTransfer', 'userDetails', 'accountBalance'] as const;
export type PagaFailableOperation = (typeof PAGA_FAILABLE_OPERATIONS)[number];

/**
 * Lifetimes and behaviour; all [A]. The defaults follow Spring Security OAuth2's DefaultTokenServices
 * (spec 1.6/1.7), which Paga's UUID tokens, 6-character codes and `authorities` field point to.
 * The control API (`PATCH __control/settings`) changes them at run time.
 */
export interface PagaSandboxSettings {
  /** Reported as `expires_in`; the token stops working after exactly this many seconds. */
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** How long an authorization code can be exchanged (spec 1.5: unknown; 10 min assumed). */
  codeTtlSeconds: number;
  /** How long a rendered login page (its form nonce) can be submitted. */
  loginPageTtlSeconds: number;
  /**
   * false (Spring's default `reuseRefreshToken=true`): a refresh returns a new access token and the
   * same refresh token, which keeps its original expiry; the previous access token of that refresh
   * token is revoked. true: a refresh also returns a new refresh token and revokes the old one.
   */
  rotateRefreshTokens: boolean;
}

export const PAGA_SANDBOX_DEFAULT_SETTINGS: Readonly<PagaSandboxSettings> = {
  accessTokenTtlSeconds: 43_199,
  refreshTokenTtlSeconds: 30 * 24 * 3600,
  codeTtlSeconds: 10 * 60,
  loginPageTtlSeconds: 10 * 60,
  rotateRefreshTokens: false,
};

/** Authorization codes look like Spring's: 6 alphanumeric characters (spec 1.5). */
export const PAGA_CODE_LENGTH = 6;

/**
 * Business results of the secured operations: HTTP 200 with this `errorCode` and `errorMessage`
 * (spec 1.8: 0 is success; the other values are not documented by Paga, so these are [A]).
 */
export const PAGA_BUSINESS_ERRORS = {
  SUCCESS: { errorCode: 0, errorMessage: null },
  INVALID_AMOUNT: { errorCode: 1, errorMessage: 'Invalid amount: use a positive number with at most 2 decimal places.' },
  INSUFFICIENT_FUNDS: { errorCode: 2, errorMessage: "Insufficient funds in the user's Paga account." },
  DUPLICATE_REFERENCE: { errorCode: 3, errorMessage: 'Duplicate referenceNumber: a transaction with this reference already exists.' },
  UNKNOWN_RECIPIENT: { errorCode: 4, errorMessage: 'No Paga account matches recipientCredential.' },
  INVALID_PARAMETER: { errorCode: 5, errorMessage: 'A required parameter is missing or invalid.' },
  UNSUPPORTED_CURRENCY: { errorCode: 6, errorMessage: 'Unsupported currency: NGN is the only supported currency.' },
  INSUFFICIENT_MERCHANT_FUNDS: { errorCode: 7, errorMessage: "Insufficient funds in the business account's float." },
  /** The default of a forced failure (`__control/fail-next` with no errorCode). */
  SYSTEM_ERROR: { errorCode: 99, errorMessage: 'A system error occurred. Please try again later.' },
} as const satisfies Record<string, { errorCode: number; errorMessage: string | null }>;
export type PagaBusinessError = keyof typeof PAGA_BUSINESS_ERRORS;

/** The only currency (spec 1.8). */
export const PAGA_CURRENCY = 'NGN';

/** Largest amount accepted in one operation, in kobo (keeps every sum far below 2^53). */
export const PAGA_MAX_AMOUNT_KOBO = 100_000_000_000_00; // ₦100,000,000,000.00

/** How many received requests the journal keeps (oldest dropped first). */
export const PAGA_JOURNAL_LIMIT = 1_000;
