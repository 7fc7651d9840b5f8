/**
 * Well-known credentials and test users of the in-process sandbox emulators. Both the emulators
 * and the provider clients' sandbox defaults read them from here, so a fresh checkout runs end to
 * end with no configuration. Nothing here is a production secret: these values only open the
 * emulators under `/sandbox/...`, which exist only in sandbox mode.
 */

/** Where the Paga emulator is mounted, relative to `PUBLIC_BASE_URL` (the base URL a Paga client uses). */
export const PAGA_SANDBOX_PATH = '/sandbox/paga';

/** Gatehouse's OAuth callback for Paga; the sandbox client is registered with `${publicBaseUrl}${this}`. */
export const PAGA_SANDBOX_CALLBACK_PATH = '/oauth/paga/callback';

/** The Paga client (business) Gatehouse uses in sandbox mode: a GUID client id and a secret, as Paga issues them. */
export const PAGA_SANDBOX_CLIENT = {
  clientId: 'B9434BBE-22F9-4A49-BB9A-7D8944F95E29',
  clientSecret: 'sbx_5hRrDpBiB-VomQNVvtsAkaKAszkzH3v3',
  name: 'Gatehouse Sandbox',
  /** The client's own NGN float, in kobo: money transfers are paid from it, merchant payments credit it. */
  floatKobo: 1_000_000_000, // ₦10,000,000.00
} as const;

/** The one password of every Paga test user (shown on the sandbox login page, as real sandboxes do). */
export const PAGA_SANDBOX_PASSWORD = 'sandbox-pass-1';

export interface PagaSandboxUser {
  username: string;
  /** Local Nigerian format; also accepted as +234… / 234… where a phone number is expected. */
  phone: string;
  firstName: string;
  lastName: string;
  email: string;
  /** Starting NGN wallet balance in kobo (integer; money is never a float). */
  balanceKobo: number;
}

export const PAGA_SANDBOX_USERS: readonly PagaSandboxUser[] = [
  { username: 'adaobi', phone: '07030280000', firstName: 'Adaobi', lastName: 'Okeke', email: 'adaobi.okeke@example.ng', balanceKobo: 25_000_000 }, // ₦250,000.00
  { username: 'chidi', phone: '08031234567', firstName: 'Chidi', lastName: 'Nwosu', email: 'chidi.nwosu@example.ng', balanceKobo: 5_000_000 }, // ₦50,000.00
  { username: 'bisi', phone: '08059876543', firstName: 'Bisi', lastName: 'Adeyemi', email: 'bisi.adeyemi@example.ng', balanceKobo: 15_000 }, // ₦150.00: for insufficient-funds tests
];

/** The redirect URI the sandbox client is registered with. */
export function pagaSandboxRedirectUri(publicBaseUrl: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}${PAGA_SANDBOX_CALLBACK_PATH}`;
}

/** Where the MTN MoMo emulator is mounted, relative to `PUBLIC_BASE_URL` (the base URL a MoMo client uses). */
export const MOMO_SANDBOX_PATH = '/sandbox/momo';

/** The MoMo products the emulator serves; each has its own subscription keys (MoMo spec §0, §1). */
export const MOMO_SANDBOX_PRODUCTS = ['collection', 'disbursement'] as const;
export type MomoSandboxProduct = (typeof MOMO_SANDBOX_PRODUCTS)[number];

/**
 * The `Ocp-Apim-Subscription-Key` values the MoMo emulator accepts: a primary and a secondary key per
 * product, 32 hex characters as MTN issues them. Gatehouse's MoMo client defaults to the primary key
 * in sandbox mode. They open only the emulator under `/sandbox/momo`; none is an MTN credential.
 * API users and API keys are not listed: as in MTN's sandbox, the client provisions them itself
 * (`POST /v1_0/apiuser`, then `…/apikey`) with the subscription key of the product.
 */
export const MOMO_SANDBOX_SUBSCRIPTION_KEYS = {
  collection: { primary: '5f3c9a1e7b2d4c68a0e1f9b3d7c2a6e4', secondary: 'c81d4e0a92f7463b8e5d1a6c0f3b7e29' },
  disbursement: { primary: 'a7e2b9d40c6f4e1a9b3d8c5e2f1a0b76', secondary: '3d9f6a2c1e8b4d07a5c4e9f2b6d1a8c3' },
} as const satisfies Record<MomoSandboxProduct, { primary: string; secondary: string }>;

/** Where the 2C2P PACO emulator is mounted, relative to `PUBLIC_BASE_URL` (the base URL a PACO client uses). */
export const PACO_SANDBOX_PATH = '/sandbox/paco';

/**
 * The PACO merchant Gatehouse uses in sandbox mode. `token` is the per-company access token (the
 * `token` / `CompanyApiKey` header and the JWT `iss`); `encryptionKeyId` is the 32-hex JWE `kid`
 * PACO issues for its encryption key. No key is a constant: the emulator generates PACO's RSA-4096
 * pairs once per process (`PacoSandboxKeys`), and Gatehouse generates its own and registers them,
 * with this token and office, through the emulator's `POST __control/merchants`.
 * `merchantEncryptionKeyId` and `basic` are example values for such a registration (the emulator's
 * tests use them); Basic credentials are checked only when sent, or always when the emulator
 * requires Basic auth (off by default, spec PART E #14).
 */
export const PACO_SANDBOX_MERCHANT = {
  officeId: 'GATEHOUSE01',
  token: '65805a16c0b64f0e9d6b3f1f2ad7cbe4',
  encryptionKeyId: '7f3a9c2e5b814d06a1e9c4b7d2f0e8a3',
  /** The kid of the merchant's own encryption key, written into PACO's response JWE headers (PART E #13). */
  merchantEncryptionKeyId: 'c4e81b7a02d94f5e8a3b6c1d9e0f2a47',
  basic: { username: 'gatehouse-sbx', password: 'sbx_Pc0Kq7vR2mXw9LzT' },
  name: 'Gatehouse Sandbox',
} as const;

/** Where the Paysera wallet API emulator is mounted, relative to `PUBLIC_BASE_URL` (the API and auth base a Paysera client uses). */
export const PAYSERA_SANDBOX_PATH = '/sandbox/paysera';

/** Gatehouse's OAuth callback for Paysera; the sandbox client is registered with `${publicBaseUrl}${this}`. */
export const PAYSERA_SANDBOX_CALLBACK_PATH = '/oauth/paysera/callback';

/** Where the emulator POSTs transaction events unless a transaction names its own `callback_uri`. */
export const PAYSERA_SANDBOX_EVENTS_PATH = '/callbacks/paysera';

/**
 * The Paysera client Gatehouse uses in sandbox mode. Paysera clients authenticate with MAC
 * credentials: the MAC id is the client_id and the MAC key is the client secret (spec A.2), used
 * as its UTF-8 bytes. Only the emulator under /sandbox/paysera accepts them.
 */
export const PAYSERA_SANDBOX_CLIENT = {
  clientId: 'gHsbx7Qm2L',
  macKey: 'sbxPs9QwErT6yUiOpAsDfGhJkLzXcVb4',
  name: 'Gatehouse Sandbox',
  /** The client's own EUR wallet: the beneficiary of the payments it creates. */
  walletId: 9_000_001,
} as const;

/** The one password of every Paysera test user (shown on the sandbox login page). */
export const PAYSERA_SANDBOX_PASSWORD = 'sandbox-pass-1';

export interface PayseraSandboxUser {
  userId: number;
  email: string;
  phone: string;
  displayName: string;
  walletId: number;
  /** Starting EUR balance at disposal, in cents (integer; money is never a float). */
  balanceCents: number;
}

export const PAYSERA_SANDBOX_USERS: readonly PayseraSandboxUser[] = [
  { userId: 1_000_001, email: 'jonas@example.lt', phone: '+37060000001', displayName: 'Jonas Petraitis', walletId: 2_000_001, balanceCents: 250_000 }, // €2,500.00
  { userId: 1_000_002, email: 'egle@example.lt', phone: '+37060000002', displayName: 'Eglė Kazlauskienė', walletId: 2_000_002, balanceCents: 12_000 }, // €120.00
  { userId: 1_000_003, email: 'tomas@example.lt', phone: '+37060000003', displayName: 'Tomas Jankauskas', walletId: 2_000_003, balanceCents: 500 }, // €5.00: for insufficient-funds tests
];

/** The redirect URI the Paysera sandbox client is registered with. */
export function payseraSandboxRedirectUri(publicBaseUrl: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}${PAYSERA_SANDBOX_CALLBACK_PATH}`;
}

/** Where the ConnectPay PSD2 emulator is mounted, relative to `PUBLIC_BASE_URL` (the API and auth base a ConnectPay client uses). */
export const CONNECTPAY_SANDBOX_PATH = '/sandbox/connectpay';

/** Gatehouse's OAuth callback for ConnectPay; the sandbox client is registered with exactly `${publicBaseUrl}${this}` (no query string). */
export const CONNECTPAY_SANDBOX_CALLBACK_PATH = '/oauth/connectpay/callback';

/**
 * The ConnectPay DevApp Gatehouse uses in sandbox mode: a client id and secret as the Developer
 * Portal issues them (spec 2.1). Only the emulator under /sandbox/connectpay accepts them.
 */
export const CONNECTPAY_SANDBOX_CLIENT = {
  clientId: 'gatehouse-sbx-7c1e4a92',
  clientSecret: 'sbx_Cp4uN8rTq2WzL6yHs9KdVe3M',
  name: 'Gatehouse Sandbox',
} as const;

/** The one password of every ConnectPay test Person (shown on the sandbox login page). */
export const CONNECTPAY_SANDBOX_PASSWORD = 'sandbox-pass-1';

/** The one-time code (the SCA step after the password) every ConnectPay test Person "receives"; no SMS is sent. */
export const CONNECTPAY_SANDBOX_OTP = '246810';

/** A booked transaction of a test account; `daysAgo` is counted from the emulator's clock at reset. */
export interface ConnectPaySandboxTransaction {
  daysAgo: number;
  /** Integer cents; positive = credit, negative = debit (money is never a float). */
  amountCents: number;
  counterpartyName: string;
  counterpartyIban: string;
  remittanceInformation: string;
}

export interface ConnectPaySandboxAccount {
  accountId: string;
  /** Valid (mod-97) Lithuanian IBANs on a made-up bank code: no real account has them. */
  iban: string;
  name: string;
  currency: 'EUR';
  /** Starting booked balance in cents. */
  balanceCents: number;
  transactions: readonly ConnectPaySandboxTransaction[];
}

/** The account-holding entity (spec 2.2): private or business. Several Persons may act for one Customer. */
export interface ConnectPaySandboxCustomer {
  customerId: string;
  type: 'PRIVATE' | 'BUSINESS';
  name: string;
  accounts: readonly ConnectPaySandboxAccount[];
}

/** A physical user who logs in (spec 2.2); a PSU is one (Person, Customer) pair. */
export interface ConnectPaySandboxPerson {
  personId: string;
  username: string;
  displayName: string;
  /** The Customers this Person may act for, in the order the consent page lists them. */
  customerIds: readonly string[];
}

export const CONNECTPAY_SANDBOX_CUSTOMERS: readonly ConnectPaySandboxCustomer[] = [
  {
    customerId: 'CUS-2001',
    type: 'PRIVATE',
    name: 'Jonas Petraitis',
    accounts: [
      {
        accountId: '4399a0ca-9f17-487d-939f-cc234e34ffa7',
        iban: 'LT443990000000010001',
        name: 'Current account',
        currency: 'EUR',
        balanceCents: 245_075, // €2,450.75
        transactions: [
          { daysAgo: 1, amountCents: -1_250, counterpartyName: 'Kavinė Vilnius', counterpartyIban: 'LT867300011112222333', remittanceInformation: 'Coffee and cake' },
          { daysAgo: 3, amountCents: 185_000, counterpartyName: 'UAB Saulės Kepykla', counterpartyIban: 'LT923990000000020001', remittanceInformation: 'Salary' },
          { daysAgo: 8, amountCents: -4_999, counterpartyName: 'Telia Lietuva', counterpartyIban: 'LT867300011112222333', remittanceInformation: 'Mobile plan' },
          { daysAgo: 15, amountCents: -62_000, counterpartyName: 'Būsto nuoma', counterpartyIban: 'LT867300011112222333', remittanceInformation: 'Rent' },
          { daysAgo: 40, amountCents: -2_345, counterpartyName: 'Maxima', counterpartyIban: 'LT867300011112222333', remittanceInformation: 'Groceries' },
        ],
      },
      {
        accountId: 'eb07278c-3d0d-4717-a02e-228e5edb2bcd',
        iban: 'LT173990000000010002',
        name: 'Savings',
        currency: 'EUR',
        balanceCents: 1_000_000, // €10,000.00
        transactions: [{ daysAgo: 20, amountCents: 50_000, counterpartyName: 'Jonas Petraitis', counterpartyIban: 'LT443990000000010001', remittanceInformation: 'Monthly savings' }],
      },
    ],
  },
  {
    customerId: 'CUS-2002',
    type: 'BUSINESS',
    name: 'UAB Saulės Kepykla',
    accounts: [
      {
        accountId: 'ed92afd4-efe4-4a44-b355-9eac3c1fb587',
        iban: 'LT923990000000020001',
        name: 'Business account',
        currency: 'EUR',
        balanceCents: 4_821_030, // €48,210.30
        transactions: [
          { daysAgo: 2, amountCents: 312_040, counterpartyName: 'UAB Prekyba', counterpartyIban: 'LT867300011112222333', remittanceInformation: 'Invoice SK-2211' },
          { daysAgo: 3, amountCents: -185_000, counterpartyName: 'Jonas Petraitis', counterpartyIban: 'LT443990000000010001', remittanceInformation: 'Salary' },
          { daysAgo: 5, amountCents: -48_000, counterpartyName: 'AB Miltai', counterpartyIban: 'LT867300011112222333', remittanceInformation: 'Flour delivery' },
          { daysAgo: 12, amountCents: 95_500, counterpartyName: 'UAB Kavos Namai', counterpartyIban: 'LT867300011112222333', remittanceInformation: 'Invoice SK-2198' },
        ],
      },
    ],
  },
  {
    customerId: 'CUS-2003',
    type: 'PRIVATE',
    name: 'Rūta Kazlauskienė',
    accounts: [
      {
        accountId: 'd6d77af1-f5f4-4072-8959-24e4403edf2c',
        iban: 'LT433990000000030001',
        name: 'Current account',
        currency: 'EUR',
        balanceCents: 500, // €5.00: for insufficient-funds tests
        transactions: [{ daysAgo: 6, amountCents: -1_500, counterpartyName: 'Rimi', counterpartyIban: 'LT867300011112222333', remittanceInformation: 'Groceries' }],
      },
    ],
  },
];

/** Jonas holds a private and a business Customer; Rūta holds her own private Customer and also acts for the business. */
export const CONNECTPAY_SANDBOX_PERSONS: readonly ConnectPaySandboxPerson[] = [
  { personId: 'PRS-1001', username: 'jonas', displayName: 'Jonas Petraitis', customerIds: ['CUS-2001', 'CUS-2002'] },
  { personId: 'PRS-1002', username: 'ruta', displayName: 'Rūta Kazlauskienė', customerIds: ['CUS-2003', 'CUS-2002'] },
];

/** The redirect URL the ConnectPay sandbox client is registered with. */
export function connectPaySandboxRedirectUrl(publicBaseUrl: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}${CONNECTPAY_SANDBOX_CALLBACK_PATH}`;
}
