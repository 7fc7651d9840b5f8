import { call } from './test-app.js';

/**
 * Connects a Paga sandbox user through the real flow: create the consent, follow our authorize
 * redirect to the emulator (its next decision set to approve), and our callback. Returns the consent id.
 */
export async function connectPagaUser(baseUrl: string, key: string, returnUrl: string, options: { psuReference?: string; scopes?: string[]; userData?: string[]; username?: string } = {}): Promise<string> {
  const consent = await call(baseUrl, 'POST', '/v1/consents', {
    token: key,
    json: { provider: 'paga', psuReference: options.psuReference ?? 'customer-1', scopes: options.scopes ?? ['MERCHANT_PAYMENT', 'USER_DETAILS_REQUEST'], userData: options.userData ?? ['FIRST_NAME'], returnUrl },
  });
  if (consent.status !== 201) throw new Error(`consent: ${consent.status} ${consent.text}`);
  await call(baseUrl, 'POST', '/sandbox/paga/__control/next-decision', { json: { decision: 'approve', username: options.username ?? 'adaobi' } });
  const toPaga = await fetch(consent.body.authorizationUrl, { redirect: 'manual' });
  const back = await fetch(toPaga.headers.get('location')!, { redirect: 'manual' });
  const done = await fetch(back.headers.get('location')!, { redirect: 'manual' });
  if (done.status !== 303) throw new Error(`callback answered ${done.status}`);
  return consent.body.id as string;
}
