/**
 * Every Paysera fact the emulator relies on that is an assumption (PART E and the [ASSUMPTION] tags
 * of `shared/providers/paysera-paco.md` PART A) lives here, named, so it can be changed in one place.
 */

/** E.1: accepted clock difference between a request's `ts` and the server, in seconds (both ways). */
export const PAYSERA_TIMESTAMP_WINDOW_SECONDS = 300;

/** A.8: `expires_in` of an access token (3600 in Paysera's own fixtures). */
export const PAYSERA_ACCESS_TOKEN_TTL_SECONDS = 3600;

/** [ASSUMPTION] Refresh tokens live 90 days; a refresh rotates them (the old one turns invalid). */
export const PAYSERA_REFRESH_TOKEN_TTL_SECONDS = 90 * 24 * 3600;

/** [ASSUMPTION] Authorization codes: single use, 10 minutes (RFC 6749 §4.1.2 recommends at most 10). */
export const PAYSERA_CODE_TTL_SECONDS = 600;

/** How long a rendered login or confirmation page (its form nonce) can be submitted. */
export const PAYSERA_LOGIN_PAGE_TTL_SECONDS = 600;

/** A.8: every scope of Paysera's (PHP Consumer::SCOPE_*), in words for the consent page. */
export const PAYSERA_SCOPES = {
  balance: 'See your wallet balance',
  balance_offline: 'See your wallet balance while you are away',
  statements: 'See your account statements',
  recent_statements: 'See your recent account statements',
  statements_offline: 'See your account statements while you are away',
  phone_confirmation: 'Confirm your phone number',
  phone_confirmation_offline: 'Confirm your phone number while you are away',
  phone: 'See your phone number',
  phone_offline: 'See your phone number while you are away',
  email: 'See your email address',
  email_offline: 'See your email address while you are away',
  address: 'See your address',
  address_offline: 'See your address while you are away',
  identity: 'See your identity details',
  identity_offline: 'See your identity details while you are away',
  full_name: 'See your full name',
  full_name_offline: 'See your full name while you are away',
  identification_level: 'See how far your identity is verified',
  identification_level_offline: 'See how far your identity is verified while you are away',
  wallet_list: 'See the list of your wallets',
  wallet_list_offline: 'See the list of your wallets while you are away',
  dob: 'See your date of birth',
  dob_offline: 'See your date of birth while you are away',
  gender: 'See your gender',
  gender_offline: 'See your gender while you are away',
  user_info: 'See your profile (name, email, phone, wallets)',
  identification_data: 'See your identification documents',
  identification_data_offline: 'See your identification documents while you are away',
  initiate_transfers: 'Pay from your wallet and set up allowances',
  check_has_sufficient_balance: 'Check whether you have enough money for a payment',
  pep: 'See whether you are a politically exposed person',
} as const satisfies Record<string, string>;
export type PayseraScope = keyof typeof PAYSERA_SCOPES;

/**
 * [ASSUMPTION] The scope a user-token call needs. Paysera does not publish this mapping; these follow
 * the scope names (A.8). `balance_offline` also opens the balance.
 */
export const PAYSERA_OPERATION_SCOPES = {
  'user.get': ['user_info'],
  'wallet.balance': ['balance', 'balance_offline'],
  'transaction.reserve': ['initiate_transfers'],
  'allowance.create': ['initiate_transfers'],
} as const satisfies Record<string, readonly PayseraScope[]>;

/** The only currency of the test wallets. [ASSUMPTION] other currencies are refused with invalid_parameters. */
export const PAYSERA_CURRENCY = 'EUR';

/** Largest amount of one payment, in cents (keeps every sum far below 2^53). */
export const PAYSERA_MAX_AMOUNT_CENTS = 100_000_000_00; // €100,000,000.00

/** [ASSUMPTION] A transaction not reserved or confirmed within this time is no longer accepted. */
export const PAYSERA_TRANSACTION_TTL_SECONDS = 24 * 3600;

/** How many received requests the journal keeps (oldest dropped first). */
export const PAYSERA_JOURNAL_LIMIT = 1_000;


/** One attempt per callback; a receiver that does not answer within this time counts as failed. */
export const PAYSERA_CALLBACK_TIMEOUT_MS = 5_000;

/** RSA modulus of the callback-signing key (A.9: RSA-SHA256, PKCS#1 v1.5). */
export const PAYSERA_CALLBACK_KEY_BITS = 2048;

/** Paysera's error codes (A.6 item 7) and the statuses the emulator sends with them. */
export const PAYSERA_ERRORS = {
  invalid_request: 400,
  invalid_parameters: 400,
  invalid_grant: 400,
  unsupported_grant_type: 400,
  unauthorized: 401,
  /** [ASSUMPTION] 403 for a user token without the scope, or a token kind the call does not take. */
  forbidden: 403,
  not_found: 404,
  invalid_state: 409,
  internal_server_error: 500,
} as const satisfies Record<string, number>;
export type PayseraErrorCode = keyof typeof PAYSERA_ERRORS;

/**
 * Descriptions. The refresh ones are Paysera's (JAVA WalletApiException, A.8); the MAC ones come from
 * PayseraMacService (A.6); the others are [ASSUMPTION].
 */
export const PAYSERA_MESSAGES = {
  refreshExpired: 'Refresh token expired',
  refreshUnknown: 'No such refresh token',
  refreshStatus: 'Refresh token status invalid',
  codeUnknown: 'No such authorization code',
  codeExpired: 'Authorization code expired',
  codeUsed: 'Authorization code already used',
  redirectMismatch: 'redirect_uri does not match the one used for authorization',
  clientOnly: 'This call must be signed with client credentials',
  userOnly: 'This call must be signed with a user access token',
  bodyTooLarge: 'The request body is too large',
  insufficientFunds: 'Not enough funds in the wallet',
} as const;

/** The transaction statuses the emulator uses (a subset of A.9's). */
export const PAYSERA_TRANSACTION_STATUSES = ['new', 'reserved', 'confirmed', 'revoked', 'rejected'] as const;
export type PayseraTransactionStatus = (typeof PAYSERA_TRANSACTION_STATUSES)[number];

/** Standalone payment statuses used here (A.9); payments in a transaction follow the transaction. */
export type PayseraPaymentStatus = 'new' | 'reserved' | 'confirmed' | 'revoked' | 'rejected' | 'canceled';

export type PayseraAllowanceStatus = 'new' | 'active' | 'inactive' | 'deleted';

/** What the request journal and fail-next call each wire operation. */
export const PAYSERA_OPERATIONS = [
  'authorize',
  'token',
  'token.revoke',
  'publickey',
  'server',
  'user.get',
  'wallet.get',
  'wallet.balance',
  'payment.create',
  'payment.get',
  'payment.cancel',
  'transaction.create',
  'transaction.get',
  'transaction.reserve',
  'transaction.confirm',
  'transaction.revoke',
  'allowance.create',
  'allowance.get',
  'allowance.active',
  'allowance.cancel',
  'transaction.page',
] as const;
export type PayseraOperation = (typeof PAYSERA_OPERATIONS)[number] | 'unknown';

export const PAYSERA_CALLBACK_MODES = ['deliver', 'drop', 'delay', 'duplicate'] as const;
export type PayseraCallbackMode = (typeof PAYSERA_CALLBACK_MODES)[number];
