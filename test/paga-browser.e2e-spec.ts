import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { type BrowserScene, SCREENSHOTS, startBrowserScene } from './helpers/browser.js';
import { PAGA_SANDBOX_PASSWORD } from '../src/sandbox/sandbox-accounts.js';
import { call, createMerchant, type TestApp } from './helpers/test-app.js';

describe('Paga consent in a real browser (chromium + playwright-core)', () => {
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

  it('the user logs in at Paga, approves, and lands back at the merchant with a valid consent', async () => {
    const { key } = await createMerchant(t.baseUrl, 'Browser shop', { scopes: ['consents', 'read'], allowedReturnUrls: [returnUrl] });
    const consent = await call(t.baseUrl, 'POST', '/v1/consents', {
      token: key,
      json: { provider: 'paga', psuReference: 'browser-user', scopes: ['USER_DETAILS_REQUEST'], userData: ['FIRST_NAME', 'EMAIL'], returnUrl },
    });
    expect(consent.status).toBe(201);

    const page = await browser.newPage();
    await page.goto(consent.body.authorizationUrl);
    expect(new URL(page.url()).pathname).toBe('/sandbox/paga/paga-webservices/oauth2/authorization');
    await page.fill('#username', 'chidi');
    await page.fill('#password', PAGA_SANDBOX_PASSWORD);
    // The consent page names what the merchant asked for.
    await expect(page.textContent('body')).resolves.toMatch(/first name/i);
    await page.screenshot({ path: join(SCREENSHOTS, 'paga-consent.png'), fullPage: true });

    await Promise.all([page.waitForURL((url) => url.href.startsWith(returnUrl)), page.click('button[value="approve"]')]);
    const landed = new URL(page.url());
    expect(Object.fromEntries(landed.searchParams)).toEqual({ consent_id: consent.body.id, status: 'valid' });
    await expect(page.textContent('h1')).resolves.toBe('Back at the shop');

    const user = await call(t.baseUrl, 'GET', `/v1/paga/consents/${consent.body.id}/user`, { token: key });
    expect(user.body.details).toEqual({ FIRST_NAME: 'Chidi', EMAIL: 'chidi.nwosu@example.ng' });
    await page.close();
  });
});
