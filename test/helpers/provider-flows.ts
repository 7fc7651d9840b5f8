import { call, type Reply } from './test-app.js';

/** The ConnectPay emulator's seeded accounts (src/sandbox/sandbox-accounts.ts) the tests pay from and to. */
export const CONNECTPAY_ACCOUNTS = {
  /** CUS-2001 (Jonas), €2,450.75. */
  jonasMain: { id: '4399a0ca-9f17-487d-939f-cc234e34ffa7', iban: 'LT443990000000010001' },
  /** CUS-2002 (UAB Saulės Kepykla). */
  business: { id: 'ed92afd4-efe4-4a44-b355-9eac3c1fb587', iban: 'LT923990000000020001' },
} as const;

/** Every Paysera scope Gatehouse asks for: the profile, the balance, transfers from the wallet. */
export const PAYSERA_FULL_SCOPES = ['user_info', 'balance', 'initiate_transfers'];

/** A card the PACO emulator approves (authorised, not yet settled). */
export const PACO_APPROVED_CARD = { number: '4111111111111111', expiryMMYY: '1230', cvv: '123' } as const;

/** A consent finished through the provider's emulator, and what its redirect back to us carried. */
export interface ProviderConsent {
  consentId: string;
  /** Our callback URL as the provider redirected to it (code and state in its query). */
  callbackUrl: URL;
  code: string;
  state: string;
}

/**
 * The browser part of an OAuth consent: our authorize redirect (302) to the emulator, whose
 * decision was scripted before, its redirect back to our callback (not followed here).
 */
async function throughProvider(authorizationUrl: string): Promise<URL> {
  const toProvider = await fetch(authorizationUrl, { redirect: 'manual' });
  if (toProvider.status !== 302) throw new Error(`authorize answered ${toProvider.status}: ${await toProvider.text()}`);
  const back = await fetch(toProvider.headers.get('location')!, { redirect: 'manual' });
  if (back.status < 300 || back.status > 399) throw new Error(`the emulator answered ${back.status}: ${await back.text()}`);
  return new URL(back.headers.get('location')!);
}

/** Creates the consent, approves it at the emulator (`decision`), delivers the callback; throws unless it is valid. */
async function validConsent(api: string, key: string, provider: 'connectpay' | 'paysera', body: Record<string, unknown>, decision: Record<string, unknown>): Promise<ProviderConsent> {
  const created = await call(api, 'POST', '/v1/consents', { token: key, json: { provider, ...body } });
  if (created.status !== 201) throw new Error(`creating a ${provider} consent failed: ${created.status} ${created.text}`);
  const decided = await call(api, 'POST', `/sandbox/${provider}/__control/next-decision`, { json: { decision: 'approve', ...decision } });
  if (decided.status !== 200) throw new Error(`next-decision failed: ${decided.status} ${decided.text}`);
  const callbackUrl = await throughProvider(created.body.authorizationUrl);
  const done = await fetch(callbackUrl, { redirect: 'manual' });
  const location = done.headers.get('location');
  const params = location ? Object.fromEntries(new URL(location).searchParams) : {};
  if (done.status !== 303 || params.status !== 'valid') throw new Error(`the ${provider} consent did not become valid: ${done.status} ${JSON.stringify(params)}`);
  return { consentId: created.body.id, callbackUrl, code: callbackUrl.searchParams.get('code') ?? '', state: callbackUrl.searchParams.get('state') ?? '' };
}

/** A valid ConnectPay AIS+PIS consent of Jonas for his private customer (CUS-2001) unless told otherwise. */
export function validConnectPayConsent(
  api: string,
  key: string,
  returnUrl: string,
  options: { psuReference?: string; person?: string; customer?: string; scopes?: string[] } = {},
): Promise<ProviderConsent> {
  return validConsent(
    api,
    key,
    'connectpay',
    { psuReference: options.psuReference ?? 'jonas-private', scopes: options.scopes ?? ['psd2-ais', 'psd2-pis'], returnUrl },
    { person: options.person ?? 'jonas', customer: options.customer ?? 'CUS-2001' },
  );
}

/** A valid Paysera consent (every scope) of jonas@example.lt unless told otherwise. */
export function validPayseraConsent(api: string, key: string, returnUrl: string, options: { psuReference?: string; user?: string; scopes?: string[] } = {}): Promise<ProviderConsent> {
  return validConsent(
    api,
    key,
    'paysera',
    { psuReference: options.psuReference ?? 'jonas-wallet', scopes: options.scopes ?? PAYSERA_FULL_SCOPES, returnUrl },
    { user: options.user ?? 'jonas@example.lt' },
  );
}

/** The body of a ConnectPay PIS payment from Jonas's main account to the business account. */
export function connectPayPaymentBody(reference: string, value = 10025): Record<string, unknown> {
  return {
    reference,
    amount: { value, currency: 'EUR' },
    debtorAccount: { iban: CONNECTPAY_ACCOUNTS.jonasMain.iban },
    creditorName: 'UAB Saulės Kepykla',
    creditorAccount: { iban: CONNECTPAY_ACCOUNTS.business.iban },
    remittanceInformation: `Order ${reference}`,
  };
}

/** A PACO direct (nonUi) card payment through the unified API; the reference is PACO's order number. */
export function pacoDirectPayment(api: string, key: string, reference: string, value = 990_00, card: Record<string, string> = PACO_APPROVED_CARD): Promise<Reply> {
  return call(api, 'POST', '/v1/payments', { token: key, json: { provider: 'paco', reference, amount: { value, currency: 'THB' }, options: { flow: 'direct', card } } });
}

/**
 * Requests that reached the emulators and that a merchant's request may cause, per provider.
 * Left out is what happens on its own: token requests and refreshes, Paysera's callback key and
 * server time, PACO's and MoMo's outgoing notifications and callbacks, and MoMo's status reads
 * (Gatehouse reconciles pending MoMo payments in the background).
 */
export async function providerCalls(api: string): Promise<Record<string, number>> {
  const journal = async (provider: string) => (await call(api, 'GET', `/sandbox/${provider}/__control/requests`)).body.data as { operation: string; direction?: string }[];
  const count = async (provider: string, counts: (e: { operation: string; direction?: string }) => boolean) => (await journal(provider)).filter(counts).length;
  return {
    paga: await count('paga', (e) => e.operation !== 'token'),
    momo: await count('momo', (e) => e.operation === 'requesttopay' || e.operation === 'transfer'),
    connectpay: await count('connectpay', (e) => e.operation !== 'token'),
    paysera: await count('paysera', (e) => !['token', 'publickey', 'server'].includes(e.operation)),
    paco: await count('paco', (e) => e.direction === 'in'),
  };
}
