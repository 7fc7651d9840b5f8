import { call, type Reply } from './test-app.js';

/** Polls `read` until `done` holds; throws with the last value after `ms`. */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, ms = 30_000, everyMs = 150): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface PagaAuthorization {
  consentId: string;
  /** Our callback URL as Paga redirected to it (code and state in its query). */
  callbackUrl: URL;
  code: string;
  state: string;
}

export interface PagaConsentOptions {
  /** Where the merchant creates the consent. */
  api: string;
  key: string;
  returnUrl: string;
  scopes?: string[];
  userData?: string[];
  username?: string;
  psuReference?: string;
}

/**
 * A merchant creates a Paga consent; the user's browser goes to our authorize URL, then to the
 * Paga emulator it redirects to (an approval is scripted there first); returns the emulator's
 * redirect back to our callback, not yet followed.
 */
export async function authorizeAtPaga(options: PagaConsentOptions): Promise<PagaAuthorization> {
  const created = await call(options.api, 'POST', '/v1/consents', {
    token: options.key,
    json: {
      provider: 'paga',
      psuReference: options.psuReference ?? 'customer-1',
      scopes: options.scopes ?? ['MERCHANT_PAYMENT', 'MONEY_TRANSFER', 'USER_DETAILS_REQUEST'],
      userData: options.userData ?? ['FIRST_NAME', 'ACCOUNT_BALANCE'],
      returnUrl: options.returnUrl,
    },
  });
  if (created.status !== 201) throw new Error(`creating a consent failed: ${created.status} ${created.text}`);
  return authorizeConsentAtPaga(created.body.id, created.body.authorizationUrl, options.username);
}

/** The browser part of a consent that exists: our authorize redirect, the emulator's approval. */
export async function authorizeConsentAtPaga(consentId: string, authorizationUrl: string, username = 'adaobi'): Promise<PagaAuthorization> {
  const toPaga = await fetch(authorizationUrl, { redirect: 'manual' });
  if (toPaga.status !== 302) throw new Error(`authorize answered ${toPaga.status}: ${await toPaga.text()}`);
  const pagaUrl = new URL(toPaga.headers.get('location')!);
  // The emulator that will serve this page is the one to script.
  const decided = await call(pagaUrl.origin, 'POST', '/sandbox/paga/__control/next-decision', { json: { decision: 'approve', username } });
  if (decided.status !== 200) throw new Error(`next-decision failed: ${decided.status} ${decided.text}`);
  const back = await fetch(pagaUrl, { redirect: 'manual' });
  if (back.status !== 302) throw new Error(`the Paga emulator answered ${back.status}: ${await back.text()}`);
  const callbackUrl = new URL(back.headers.get('location')!);
  return { consentId, callbackUrl, code: callbackUrl.searchParams.get('code') ?? '', state: callbackUrl.searchParams.get('state') ?? '' };
}

/** Delivers the callback (optionally to another instance than the URL names); returns the 303's query. */
export async function finishAtGatehouse(auth: PagaAuthorization, via?: string): Promise<{ status: number; params: Record<string, string>; text: string }> {
  const url = new URL(auth.callbackUrl);
  if (via) {
    const target = new URL(via);
    url.protocol = target.protocol;
    url.host = target.host;
  }
  const res = await fetch(url, { redirect: 'manual' });
  const text = await res.text();
  const location = res.headers.get('location');
  return { status: res.status, params: location ? Object.fromEntries(new URL(location).searchParams) : {}, text };
}

/** A whole Paga consent approved at the emulator; returns its id once it is valid. */
export async function validPagaConsent(options: PagaConsentOptions): Promise<PagaAuthorization> {
  const auth = await authorizeAtPaga(options);
  const done = await finishAtGatehouse(auth);
  if (done.status !== 303 || done.params.status !== 'valid') throw new Error(`the consent did not become valid: ${done.status} ${JSON.stringify(done.params)} ${done.text}`);
  return auth;
}

/** A MoMo collection; the reference is the merchant's idempotency key. */
export function momoCollect(api: string, key: string, reference: string, msisdn = '46733999001', value = 1250): Promise<Reply> {
  return call(api, 'POST', '/v1/momo/collections', { token: key, json: { reference, amount: { value, currency: 'EUR' }, payer: { msisdn } } });
}

/** What a MoMo wire status means in Gatehouse's terms. */
export const MOMO_FINAL: Record<string, string> = { SUCCESSFUL: 'succeeded', FAILED: 'failed', PENDING: 'pending' };

/**
 * The same request sent to several instances at the same moment (scale-out: an idempotency key
 * used on two instances at once); the answers in the order of `baseUrls`.
 */
export function sameOnBoth(baseUrls: string[], method: string, path: string, options: Parameters<typeof call>[3] = {}): Promise<Reply[]> {
  return Promise.all(baseUrls.map((base) => call(base, method, path, options)));
}
