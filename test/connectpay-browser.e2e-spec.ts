import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { type BrowserScene, SCREENSHOTS, startBrowserScene } from './helpers/browser.js';
import { CONNECTPAY_SANDBOX_OTP, CONNECTPAY_SANDBOX_PASSWORD } from '../src/sandbox/sandbox-accounts.js';
import { call, createMerchant, type TestApp } from './helpers/test-app.js';

describe('ConnectPay consent in a real browser (chromium + playwright-core)', () => {
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

  it('the person signs in with password and one-time code, picks the business customer, and lands back with a consent bound to it', async () => {
    const { key } = await createMerchant(t.baseUrl, 'Browser shop', { scopes: ['consents', 'read'], allowedReturnUrls: [returnUrl] });
    const consent = await call(t.baseUrl, 'POST', '/v1/consents', {
      token: key,
      json: { provider: 'connectpay', psuReference: 'browser-business', scopes: ['psd2-ais', 'psd2-pis'], returnUrl },
    });
    expect(consent.status).toBe(201);

    const page = await browser.newPage();
    await page.goto(consent.body.authorizationUrl);
    expect(new URL(page.url()).pathname).toBe('/sandbox/connectpay/auth/v1/oauth2/authorize');
    await page.fill('#username', 'jonas');
    await page.fill('#password', CONNECTPAY_SANDBOX_PASSWORD);
    await Promise.all([page.waitForSelector('#otp'), page.click('button[value="login"]')]);

    // SCA: the one-time code after the password.
    await page.fill('#otp', CONNECTPAY_SANDBOX_OTP);
    await Promise.all([page.waitForSelector('input[name="customer"]'), page.click('button[value="verify"]')]);

    // One of the person's two customers, and a choice per permission.
    await expect(page.locator('input[name="customer"]').count()).resolves.toBe(2);
    await page.check('input[name="customer"][value="CUS-2002"]');
    await expect(page.isChecked('input[name="scope"][value="psd2-ais"]')).resolves.toBe(true);
    await page.uncheck('input[name="scope"][value="psd2-pis"]');
    await expect(page.textContent('body')).resolves.toMatch(/UAB Saulės Kepykla/);
    await page.screenshot({ path: join(SCREENSHOTS, 'connectpay-consent.png'), fullPage: true });

    await Promise.all([page.waitForURL((url) => url.href.startsWith(returnUrl)), page.click('button[value="approve"]')]);
    const landed = new URL(page.url());
    expect(Object.fromEntries(landed.searchParams)).toEqual({ consent_id: consent.body.id, status: 'valid' });
    await expect(page.textContent('h1')).resolves.toBe('Back at the shop');
    await page.close();

    const read = await call(t.baseUrl, 'GET', `/v1/consents/${consent.body.id}`, { token: key });
    expect(read.body).toMatchObject({ status: 'valid', scopes: { granted: ['psd2-ais'] }, providerSubject: { personId: 'PRS-1001', customerId: 'CUS-2002' } });
    const accounts = await call(t.baseUrl, 'GET', `/v1/connectpay/consents/${consent.body.id}/accounts`, { token: key });
    expect(accounts.body.accounts.map((a: { iban: string }) => a.iban)).toEqual(['LT923990000000020001']);
  });
});
