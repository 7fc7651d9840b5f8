import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { type BrowserScene, SCREENSHOTS, startBrowserScene } from './helpers/browser.js';
import { PAYSERA_SANDBOX_PASSWORD } from '../src/sandbox/sandbox-accounts.js';
import { call, createMerchant, type TestApp } from './helpers/test-app.js';

describe('Paysera in a real browser (chromium + playwright-core)', () => {
  let scene: BrowserScene;
  let t: TestApp;
  let browser: Browser;
  let returnUrl: string;

  beforeAll(async () => {
    // The merchant's frontend: the page the user lands on afterwards.
    scene = await startBrowserScene('/connected');
    ({ t, browser } = scene);
    returnUrl = scene.shop.url;
  }, 60_000);

  afterAll(() => scene?.close());

  it('the user connects their wallet on Paysera’s page, then accepts a payment on its confirmation page', async () => {
    const { key } = await createMerchant(t.baseUrl, 'Browser shop', { scopes: ['consents', 'payments', 'read'], allowedReturnUrls: [returnUrl] });
    const consent = await call(t.baseUrl, 'POST', '/v1/consents', {
      token: key,
      json: { provider: 'paysera', psuReference: 'browser-user', scopes: ['user_info', 'balance'], returnUrl },
    });
    expect(consent.status).toBe(201);

    const page = await browser.newPage();
    await page.goto(consent.body.authorizationUrl);
    expect(new URL(page.url()).pathname).toBe('/sandbox/paysera/oauth');
    await expect(page.textContent('body')).resolves.toMatch(/See your wallet balance/);
    await page.fill('#email', 'egle@example.lt');
    await page.fill('#password', PAYSERA_SANDBOX_PASSWORD);
    await page.screenshot({ path: join(SCREENSHOTS, 'paysera-consent.png'), fullPage: true });
    await Promise.all([page.waitForURL((url) => url.href.startsWith(returnUrl)), page.click('button[value="approve"]')]);
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ consent_id: consent.body.id, status: 'valid' });

    const profile = await call(t.baseUrl, 'GET', `/v1/paysera/consents/${consent.body.id}/user`, { token: key });
    expect(profile.body).toMatchObject({ email: 'egle@example.lt', wallets: ['2000002'] });

    const payment = await call(t.baseUrl, 'POST', '/v1/paysera/transactions', {
      token: key,
      json: { reference: 'browser-order-1', amount: { value: 990, currency: 'EUR' }, description: 'Browser order', autoConfirm: true, redirectUrl: returnUrl },
    });
    expect(payment.body.status).toBe('requires_action');
    await page.goto(payment.body.nextAction.redirectUrl);
    await expect(page.textContent('#amount')).resolves.toBe('9.90 EUR');
    await page.fill('#email', 'egle@example.lt');
    await page.fill('#password', PAYSERA_SANDBOX_PASSWORD);
    await page.screenshot({ path: join(SCREENSHOTS, 'paysera-confirm.png'), fullPage: true });
    await Promise.all([page.waitForURL((url) => url.href.startsWith(returnUrl)), page.click('button[value="approve"]')]);
    await expect(page.textContent('h1')).resolves.toBe('Back at the shop');

    const read = await call(t.baseUrl, 'GET', `/v1/paysera/transactions/${payment.body.id}`, { token: key });
    expect(read.body).toMatchObject({ status: 'succeeded', paysera: { status: 'confirmed', walletId: '2000002' } });
    const balance = await call(t.baseUrl, 'GET', `/v1/paysera/consents/${consent.body.id}/balance`, { token: key });
    expect(balance.body.balances[0].atDisposal).toEqual({ value: 12_000 - 990, currency: 'EUR' });
    await page.close();
  });
});
