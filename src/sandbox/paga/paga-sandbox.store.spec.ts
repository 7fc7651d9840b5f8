import type { AppConfig } from '../../config/app-config.js';
import { PAGA_SANDBOX_CLIENT, PAGA_SANDBOX_PASSWORD } from '../sandbox-accounts.js';
import { SandboxClock } from '../sandbox.clock.js';
import { type AuthorizationRequest, PagaSandboxStore } from './paga-sandbox.store.js';

const REDIRECT = 'http://gatehouse.test/oauth/paga/callback';
const CLIENT = PAGA_SANDBOX_CLIENT.clientId;

function setup() {
  const clock = new SandboxClock();
  const store = new PagaSandboxStore({ publicBaseUrl: 'http://gatehouse.test' } as AppConfig, clock);
  const request: AuthorizationRequest = { clientId: CLIENT, clientName: 'x', redirectUri: REDIRECT, scopes: ['MERCHANT_PAYMENT'], userData: ['EMAIL'] };
  return { clock, store, request };
}

describe('PagaSandboxStore', () => {
  it('registers the sandbox client with the callback of PUBLIC_BASE_URL and checks its secret', () => {
    const { store } = setup();
    expect(store.findClient(CLIENT)?.redirectUris).toEqual([REDIRECT]);
    expect(store.authenticateClient(CLIENT, PAGA_SANDBOX_CLIENT.clientSecret)?.clientId).toBe(CLIENT);
    expect(store.authenticateClient(CLIENT, 'wrong')).toBeUndefined();
    expect(store.authenticateClient('nobody', PAGA_SANDBOX_CLIENT.clientSecret)).toBeUndefined();
  });

  it('logs users in by username or phone number with the sandbox password only', () => {
    const { store } = setup();
    expect(store.authenticateUser('adaobi', PAGA_SANDBOX_PASSWORD)?.username).toBe('adaobi');
    expect(store.authenticateUser('+2347030280000', PAGA_SANDBOX_PASSWORD)?.username).toBe('adaobi');
    expect(store.authenticateUser('adaobi', 'nope')).toBeUndefined();
    expect(store.authenticateUser('nobody', PAGA_SANDBOX_PASSWORD)).toBeUndefined();
  });

  it('issues 6-character alphanumeric codes that redeem once', () => {
    const { store, request } = setup();
    const code = store.issueCode(request, 'adaobi');
    expect(code).toMatch(/^[A-Za-z0-9]{6}$/);
    const first = store.redeemCode(code, CLIENT, REDIRECT);
    expect(first).toMatchObject({ ok: true, tokens: { scopes: ['MERCHANT_PAYMENT'], userData: ['EMAIL'], username: 'adaobi', expiresIn: 43_199 } });
    if (!first.ok) throw new Error('unreachable');
    expect(store.lookupAccessToken(first.tokens.accessToken).status).toBe('valid');

    // Reuse: refused, and the tokens issued from the code are revoked (RFC 6749 §4.1.2).
    expect(store.redeemCode(code, CLIENT, REDIRECT)).toEqual({ ok: false, reason: 'reused', revoked: 2 });
    expect(store.lookupAccessToken(first.tokens.accessToken).status).toBe('revoked');
    expect(store.refresh(first.tokens.refreshToken, CLIENT, [])).toEqual({ ok: false, reason: 'revoked' });
  });

  it("treats another client's code as unknown and leaves it usable", () => {
    const { store, request } = setup();
    store.registerClient({ clientId: 'other', clientSecret: 'other-secret', redirectUris: [REDIRECT] });
    const code = store.issueCode(request, 'adaobi');
    expect(store.redeemCode(code, 'other', REDIRECT)).toEqual({ ok: false, reason: 'unknown' });
    expect(store.redeemCode(code, CLIENT, REDIRECT).ok).toBe(true);
  });

  it('burns a code presented with the wrong redirect_uri', () => {
    const { store, request } = setup();
    const code = store.issueCode(request, 'adaobi');
    expect(store.redeemCode(code, CLIENT, 'http://evil.test/cb')).toEqual({ ok: false, reason: 'redirect_mismatch' });
    expect(store.redeemCode(code, CLIENT, REDIRECT)).toEqual({ ok: false, reason: 'reused', revoked: 0 });
  });

  it('expires codes, tokens and login pages by the (advanceable) clock', () => {
    const { store, request } = setup();
    const code = store.issueCode(request, 'adaobi');
    const page = store.createLoginPage(request);
    store.advanceClock(600);
    expect(store.redeemCode(code, CLIENT, REDIRECT)).toEqual({ ok: false, reason: 'expired' });
    expect(store.takeLoginPage(page)).toBeUndefined();

    const fresh = store.redeemCode(store.issueCode(request, 'adaobi'), CLIENT, REDIRECT);
    if (!fresh.ok) throw new Error('expected tokens');
    store.advanceClock(43_198);
    expect(store.lookupAccessToken(fresh.tokens.accessToken).status).toBe('valid');
    store.advanceClock(1);
    expect(store.lookupAccessToken(fresh.tokens.accessToken).status).toBe('expired');
    store.advanceClock(30 * 24 * 3600);
    expect(store.refresh(fresh.tokens.refreshToken, CLIENT, [])).toEqual({ ok: false, reason: 'expired' });
  });

  it('refreshes without rotation by default: same refresh token, previous access token revoked', () => {
    const { store, request } = setup();
    const issued = store.redeemCode(store.issueCode(request, 'adaobi'), CLIENT, REDIRECT);
    if (!issued.ok) throw new Error('expected tokens');
    const refreshed = store.refresh(issued.tokens.refreshToken, CLIENT, []);
    if (!refreshed.ok) throw new Error('expected tokens');
    expect(refreshed.tokens.refreshToken).toBe(issued.tokens.refreshToken);
    expect(refreshed.tokens.accessToken).not.toBe(issued.tokens.accessToken);
    expect(store.lookupAccessToken(issued.tokens.accessToken).status).toBe('revoked');
    expect(store.lookupAccessToken(refreshed.tokens.accessToken).status).toBe('valid');
    expect(store.refresh(issued.tokens.refreshToken, CLIENT, []).ok).toBe(true);
  });

  it('rotates refresh tokens when configured to', () => {
    const { store, request } = setup();
    store.updateSettings({ rotateRefreshTokens: true });
    const issued = store.redeemCode(store.issueCode(request, 'adaobi'), CLIENT, REDIRECT);
    if (!issued.ok) throw new Error('expected tokens');
    const refreshed = store.refresh(issued.tokens.refreshToken, CLIENT, []);
    if (!refreshed.ok) throw new Error('expected tokens');
    expect(refreshed.tokens.refreshToken).not.toBe(issued.tokens.refreshToken);
    expect(store.refresh(issued.tokens.refreshToken, CLIENT, [])).toEqual({ ok: false, reason: 'revoked' });
    expect(store.refresh(refreshed.tokens.refreshToken, CLIENT, []).ok).toBe(true);
  });

  it('lets a refresh narrow the scope but not widen it', () => {
    const { store, request } = setup();
    const issued = store.redeemCode(store.issueCode({ ...request, scopes: ['MERCHANT_PAYMENT', 'USER_DETAILS_REQUEST'] }, 'adaobi'), CLIENT, REDIRECT);
    if (!issued.ok) throw new Error('expected tokens');
    expect(store.refresh(issued.tokens.refreshToken, CLIENT, ['MONEY_TRANSFER'])).toEqual({ ok: false, reason: 'scope', allowed: ['MERCHANT_PAYMENT', 'USER_DETAILS_REQUEST'] });
    expect(store.refresh(issued.tokens.refreshToken, CLIENT, ['USER_DETAILS_REQUEST'])).toMatchObject({ ok: true, tokens: { scopes: ['USER_DETAILS_REQUEST'] } });
  });

  it('moves money in integer kobo, refusing duplicates and overdrafts without side effects', () => {
    const { store } = setup();
    const float = store.findClient(CLIENT)!.floatKobo;
    expect(store.merchantPayment({ clientId: CLIENT, username: 'bisi', referenceNumber: 'R1', amountKobo: 15_000 }).ok).toBe(true);
    expect(store.findUser('bisi')!.balanceKobo).toBe(0);
    expect(store.findClient(CLIENT)!.floatKobo).toBe(float + 15_000);
    expect(store.merchantPayment({ clientId: CLIENT, username: 'adaobi', referenceNumber: 'R1', amountKobo: 1 })).toEqual({ ok: false, error: 'DUPLICATE_REFERENCE' });
    expect(store.merchantPayment({ clientId: CLIENT, username: 'bisi', referenceNumber: 'R2', amountKobo: 1 })).toEqual({ ok: false, error: 'INSUFFICIENT_FUNDS' });
    expect(store.findUser('adaobi')!.balanceKobo).toBe(25_000_000);
    // References are per client.
    store.registerClient({ clientId: 'other', clientSecret: 'other-secret', redirectUris: [REDIRECT], floatKobo: 100 });
    expect(store.moneyTransfer({ clientId: 'other', username: 'bisi', referenceNumber: 'R1', amountKobo: 100 }).ok).toBe(true);
    expect(store.moneyTransfer({ clientId: 'other', username: 'bisi', referenceNumber: 'R3', amountKobo: 1 })).toEqual({ ok: false, error: 'INSUFFICIENT_MERCHANT_FUNDS' });
    expect(store.findUser('bisi')!.balanceKobo).toBe(100);
    expect(store.listTransactions().map((t) => [t.type, t.referenceNumber, t.amountKobo])).toEqual([
      ['merchantPayment', 'R1', 15_000],
      ['moneyTransfer', 'R1', 100],
    ]);
  });

  it('takes queued decisions in order, for the named client or any', () => {
    const { store } = setup();
    store.queueDecision({ decision: 'deny', username: 'chidi', clientId: 'other' });
    store.queueDecision({ decision: 'approve', username: 'adaobi' });
    expect(store.takeDecision(CLIENT)).toEqual({ decision: 'approve', username: 'adaobi' });
    expect(store.takeDecision(CLIENT)).toBeUndefined();
    expect(store.takeDecision('other')).toEqual({ decision: 'deny', username: 'chidi', clientId: 'other' });
  });

  it('resets to a fresh start', () => {
    const { store, request } = setup();
    const code = store.issueCode(request, 'adaobi');
    store.merchantPayment({ clientId: CLIENT, username: 'adaobi', referenceNumber: 'R1', amountKobo: 100 });
    store.updateSettings({ accessTokenTtlSeconds: 5 });
    store.advanceClock(100);
    const before = Date.now();
    store.reset();
    expect(store.redeemCode(code, CLIENT, REDIRECT)).toEqual({ ok: false, reason: 'unknown' });
    expect(store.findUser('adaobi')!.balanceKobo).toBe(25_000_000);
    expect(store.getSettings().accessTokenTtlSeconds).toBe(43_199);
    expect(store.now()).toBeLessThan(before + 50_000);
    expect(store.merchantPayment({ clientId: CLIENT, username: 'adaobi', referenceNumber: 'R1', amountKobo: 100 }).ok).toBe(true);
  });

  it('refuses redirect URIs that are not absolute http(s) URLs without fragments', () => {
    const { store } = setup();
    for (const uri of ['/relative', 'ftp://x.test/cb', 'http://x.test/cb#frag', 'http://user:pw@x.test/cb', 'nope']) {
      expect(() => store.registerClient({ clientId: 'c', clientSecret: 'secret-123', redirectUris: [uri] })).toThrow(/redirectUris/);
    }
    expect(store.findClient('c')).toBeUndefined();
  });
});
