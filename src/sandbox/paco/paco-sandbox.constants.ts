/*
 * The 2C2P PACO emulator's fixed values. Everything the spec (/work/shared/providers/paysera-paco.md
 * PART B) leaves open is a named constant here, tagged with the gap it fills (PART C / E), so a
 * later finding changes one line.
 */

/** API versions served: v1.0 (PHP demo, HBL integrations) and v2.0 (devzone). B.1, PART E #12. */
export const PACO_API_VERSIONS = ['1.0', '2.0'] as const;

/** `Version` echoed in response envelopes (the observed 1.0 sample). PART E #12. */
export const PACO_RESPONSE_VERSION = '1.0';

/** Wire operations, as the journal, fail-next and the router name them. */
export const PACO_OPERATIONS = ['prePaymentUi', 'nonUi', 'transactionStatus', 'transactionList', 'void', 'settlement', 'refund'] as const;
export type PacoOperation = (typeof PACO_OPERATIONS)[number];
export const PACO_JOURNAL_OPERATIONS = [...PACO_OPERATIONS, 'paymentPage', 'notification', 'unknown'] as const;
export type PacoJournalOperation = (typeof PACO_JOURNAL_OPERATIONS)[number];

/** Routes below `/api/<version>/`, matched case-insensitively (B.1: samples mix `nonUI`, `NonUi`...). */
export const PACO_ROUTES: ReadonlyArray<{ method: string; path: string; operation: PacoOperation }> = [
  { method: 'POST', path: 'payment/prepaymentui', operation: 'prePaymentUi' },
  { method: 'POST', path: 'payment/nonui', operation: 'nonUi' },
  { method: 'GET', path: 'inquiry/transactionstatus', operation: 'transactionStatus' },
  { method: 'POST', path: 'inquiry/transactionlist', operation: 'transactionList' },
  { method: 'POST', path: 'void', operation: 'void' },
  { method: 'PUT', path: 'settlement', operation: 'settlement' },
  { method: 'POST', path: 'refund/refund', operation: 'refund' },
];

/**
 * [ASSUMPTION, PART E #14] PACO's docs demand Basic auth, its samples never send it. Off by default:
 * the token alone admits; Basic credentials, when sent, must still be right.
 */
export const PACO_REQUIRE_BASIC_AUTH = false;

/**
 * [ASSUMPTION, B.2 / PART E] Plain-JSON bodies (no JOSE) are refused: in non-PROD PACO needs IP
 * whitelisting or encryption, and the emulator has no whitelist, so encryption is mandatory, unless
 * a merchant is registered with `plainJson: true` (standing for a whitelisted non-PROD merchant).
 * transactionStatus is the exception (always plain JSON, B.1).
 */
export const PACO_ACCEPT_PLAIN_JSON = false;

/** How long a plain-JSON requestMessageID is remembered for replay refusal (a sealed one: until its exp). */
export const PACO_PLAIN_REPLAY_SECONDS = 3600;

/** Clock skew for nbf/exp (B.7 step 2.4). PART E #8: no maximum lifetime is enforced. */
export const PACO_CLOCK_SKEW_SECONDS = 60;

/** Largest JOSE body read (a PACO request is a few KB; RSA-4096 adds ~1 KB). */
export const PACO_MAX_BODY = '1mb';

/** Hosted payment page lifetime ([ASSUMPTION]: the sample shows a validTillDateTime, not its span). */
export const PACO_PAYMENT_PAGE_TTL_SECONDS = 30 * 60;

/** How long a "pending" test card stays P/PR before the acquirer "times out" to F ([ASSUMPTION]). */
export const PACO_PENDING_TIMEOUT_SECONDS = 120;

/** Backend notification delivery: one attempt, this timeout, no retry ([ASSUMPTION]: PACO's retry policy is not published). */
export const PACO_NOTIFICATION_TIMEOUT_MS = 10_000;

/** Limits from JUSPAY's checks (B.5): officeId ≤ 20; orderNo ≤ 20 is an [ASSUMPTION] (2C2P invoiceNo limit). */
export const PACO_OFFICE_ID_MAX = 20;
export const PACO_ORDER_NO_MAX = 20;

/**
 * [ASSUMPTION, B.5] "OrderNo can be Refund one time only" (PHP demo comment) contradicts partial
 * refunds; the emulator allows several partial refunds up to the settled amount unless this is true.
 */
export const PACO_REFUND_ONCE_PER_ORDER = false;

/** [ASSUMPTION] Settlement may capture less than the authorised amount (the remainder lapses); a void is always of the full amount. */
export const PACO_PARTIAL_SETTLEMENT = true;

/** Largest amount in minor units: `amountText` has 12 digits. */
export const PACO_MAX_MINOR = 999_999_999_999n;

/** ISO 4217 minor-unit exponents the emulator knows; others are refused ([ASSUMPTION]: the list of PACO currencies is per merchant). */
export const PACO_CURRENCIES: Readonly<Record<string, number>> = {
  THB: 2, NPR: 2, USD: 2, EUR: 2, SGD: 2, HKD: 2, MYR: 2, PHP: 2, LKR: 2, BDT: 2, INR: 2, JPY: 0, IDR: 2, VND: 0, KRW: 0,
};

/**
 * PaymentStatus / PaymentStep pairs (B.6, JUSPAY's enums). `I/AC` (incomplete: ACS challenge) uses an
 * [ASSUMPTION] step code: the sources give the status `I` only.
 */
export const PACO_STATES = {
  pageGenerated: { status: 'PCPS', step: 'GP' },
  challenge: { status: 'I', step: 'AC' },
  pending: { status: 'P', step: 'PR' },
  authorized: { status: 'A', step: 'PA' },
  settled: { status: 'S', step: 'ST' },
  voided: { status: 'V', step: 'VD' },
  refunded: { status: 'R', step: 'RF' },
  failed: { status: 'F', step: 'F' },
  cancelled: { status: 'F', step: 'CA' },
} as const;
export type PacoState = keyof typeof PACO_STATES;

/**
 * Response codes. Only PC-B050000 (success) and PC-B050001 (pending) are observed (B.6); PC-B050002
 * is treated as non-failure by one integration, so it marks "authentication required". Every other
 * code and description is an [ASSUMPTION] (PART E #11), grouped: 0509xx transport/JOSE (plain JSON),
 * 0520xx request validation, 0521xx order state, 0530xx card/acquirer, 0540xx injected failures.
 */
export const PACO_CODES = {
  SUCCESS: { code: 'PC-B050000', description: 'Success' },
  PENDING: { code: 'PC-B050001', description: 'Payment is pending' },
  AUTH_REQUIRED: { code: 'PC-B050002', description: 'Payment requires 3-D Secure authentication' },
  ACCESS_DENIED: { code: 'PC-B050901', description: 'Access Denied', status: 401 },
  JOSE_REQUIRED: { code: 'PC-B050902', description: 'Message encryption is required (application/jose)', status: 415 },
  INVALID_JWE: { code: 'PC-B050903', description: 'Invalid JWE', status: 400 },
  INVALID_JWS: { code: 'PC-B050904', description: 'Invalid JWS signature', status: 401 },
  JWT_EXPIRED: { code: 'PC-B050905', description: 'JWT expired', status: 401 },
  INVALID_CLAIMS: { code: 'PC-B050906', description: 'Invalid JWT claims', status: 401 },
  DUPLICATE_MESSAGE: { code: 'PC-B050907', description: 'Duplicate requestMessageID', status: 400 },
  NOT_FOUND: { code: 'PC-B050908', description: 'Resource not found', status: 404 },
  METHOD_NOT_ALLOWED: { code: 'PC-B050909', description: 'Method not allowed', status: 405 },
  MALFORMED: { code: 'PC-B050910', description: 'Malformed request', status: 400 },
  VALIDATION: { code: 'PC-B052001', description: 'Request validation failed' },
  DUPLICATE_ORDER: { code: 'PC-B052002', description: 'Duplicate orderNo' },
  ORDER_NOT_FOUND: { code: 'PC-B052101', description: 'Order not found' },
  INVALID_STATE: { code: 'PC-B052102', description: 'Transaction status does not allow this action' },
  AMOUNT_EXCEEDED: { code: 'PC-B052103', description: 'Amount exceeds the available amount' },
  CURRENCY_MISMATCH: { code: 'PC-B052104', description: 'Currency does not match the original transaction' },
  DECLINED: { code: 'PC-B053001', description: 'Transaction declined by the issuer' },
  ACQUIRER_TIMEOUT: { code: 'PC-B053002', description: 'Acquirer did not respond in time' },
  CANCELLED: { code: 'PC-B053003', description: 'Payment cancelled by the payer' },
  INJECTED: { code: 'PC-B054001', description: 'Service temporarily unavailable' },
} as const;
export type PacoCodeName = keyof typeof PACO_CODES;

/** What a card (or a forced outcome) does. */
export const PACO_RESULTS = ['approve', 'decline', '3ds', 'pending'] as const;
export type PacoResult = (typeof PACO_RESULTS)[number];

/**
 * Test cards ([ASSUMPTION]: PACO publishes no test-card list in the sources; these follow the usual
 * 4111/4000 conventions). Any other Luhn-valid number approves; a non-Luhn number fails validation.
 */
export const PACO_TEST_CARDS: ReadonlyArray<{ number: string; result: PacoResult; label: string }> = [
  { number: '4111111111111111', result: 'approve', label: 'Visa: approved' },
  { number: '5555555555554444', result: 'approve', label: 'Mastercard: approved' },
  { number: '4000000000000002', result: 'decline', label: 'Visa: declined by the issuer' },
  { number: '4000000000003220', result: '3ds', label: 'Visa: 3-D Secure challenge (hosted page step)' },
  { number: '4000000000000259', result: 'pending', label: 'Visa: acquirer pending, times out to failed' },
];

/** Notification delivery modes (control API). */
export const PACO_NOTIFICATION_MODES = ['deliver', 'drop', 'delay', 'duplicate'] as const;
export type PacoNotificationMode = (typeof PACO_NOTIFICATION_MODES)[number];
