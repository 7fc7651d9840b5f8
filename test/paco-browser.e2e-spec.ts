import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { type BrowserScene, SCREENSHOTS, startBrowserScene } from './helpers/browser.js';
import { call, createMerchant, type TestApp } from './helpers/test-app.js';

describe("2C2P PACO's hosted payment page in a real browser (chromium + playwright-core)", () => {
  let scene: BrowserScene;
  let t: TestApp;
  let browser: Browser;
  let returnUrl: string;

  beforeAll(async () => {
    // The merchant's frontend: the page the user lands on afterwards.
    scene = await startBrowserScene('/paid');
    ({ t, browser } = scene);
    returnUrl = scene.shop.url;
  }, 60_000);

  afterAll(() => scene?.close());

  it('the payer pays with a test card on the hosted page and lands back at the shop; the payment is succeeded', async () => {
    const { key } = await createMerchant(t.baseUrl, 'Browser card shop', { scopes: ['payments', 'read'], allowedReturnUrls: [returnUrl] });
    const created = await call(t.baseUrl, 'POST', '/v1/paco/payments', { token: key, json: { orderNo: 'browser-1', amount: { value: 49900, currency: 'THB' }, description: 'Two concert tickets', returnUrl } });
    expect(created.body).toMatchObject({ status: 'requires_action', nextAction: { type: 'redirect' } });

    const page = await browser.newPage();
    await page.goto(created.body.nextAction.redirectUrl);
    expect(new URL(page.url()).pathname).toMatch(/^\/sandbox\/paco\/pay\/[0-9a-f]{32}$/);
    await expect(page.textContent('h1')).resolves.toBe('Pay 499.00 THB');
    // The page lists its test cards.
    await expect(page.textContent('body')).resolves.toContain('4000000000000002');
    await page.fill('#cardNumber', '4111111111111111');
    await page.fill('#cardExpiryMMYY', '1239');
    await page.fill('#cvvCode', '123');
    await page.fill('#payerName', 'Somchai Jaidee');
    await page.screenshot({ path: join(SCREENSHOTS, 'paco-hosted-page.png'), fullPage: true });

    await Promise.all([page.waitForURL((url) => url.href.startsWith(returnUrl)), page.click('button[value="pay"]')]);
    const landed = new URL(page.url());
    expect(Object.fromEntries(landed.searchParams)).toEqual({ orderNo: 'browser-1', status: 'succeeded' });
    await expect(page.textContent('h1')).resolves.toBe('Back at the shop');

    const payment = await call(t.baseUrl, 'GET', '/v1/paco/payments/browser-1', { token: key });
    expect(payment.body).toMatchObject({ status: 'succeeded', captured: false, paco: { paymentStatus: 'A', cardLast4: '1111' } });
    await page.close();
  });
});
