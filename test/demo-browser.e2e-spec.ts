import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium, SCREENSHOTS } from './helpers/browser.js';
import { PAGA_SANDBOX_PASSWORD } from '../src/sandbox/sandbox-accounts.js';
import { createScratchDatabase, type ScratchDatabase } from './helpers/scratch-database.js';
import { call, createMerchant, startTestApp, type TestApp } from './helpers/test-app.js';

describe('The demo shop at /demo, driven in a real browser: connect, pay, see the signed webhook event', () => {
  let t: TestApp;
  let browser: Browser;
  let db: ScratchDatabase;

  beforeAll(async () => {
    db = await createScratchDatabase('demo'); // it pays with MoMo: a database of its own
    t = await startTestApp({ DATABASE_URL: db.url, WEBHOOK_POLL_MS: '100' });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await db?.drop();
  });

  it('a newcomer pastes the key, connects Paga, pays with Paga and with MoMo, and watches verified events arrive', async () => {
    // What the first `npm start` creates: a merchant whose users return to the sandbox's return page, and an all-scopes key.
    const { key } = await createMerchant(t.baseUrl, 'Demo shop', { scopes: ['consents', 'payments', 'read', 'webhooks'], allowedReturnUrls: [`${t.baseUrl}/sandbox/return`] });

    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('response', (res) => res.status() >= 400 && errors.push(`${res.status()} ${res.url()}`));
    await page.goto(`${t.baseUrl}/demo`);
    await page.fill('#key', key);
    await page.click('#use-key');
    await page.waitForSelector('#message.ok');
    await expect(page.textContent('#whoami')).resolves.toContain('Demo shop');

    // Connect a Paga wallet: the page creates the consent and sends the browser to Paga.
    await page.selectOption('#connect-provider', 'paga');
    await Promise.all([page.waitForURL(/\/sandbox\/paga\//), page.click('#connect')]);
    await page.fill('#username', 'adaobi');
    await page.fill('#password', PAGA_SANDBOX_PASSWORD);
    await Promise.all([page.waitForURL(/\/sandbox\/return/), page.click('button[value="approve"]')]);
    await expect(page.textContent('body')).resolves.toContain('valid');
    await Promise.all([page.waitForURL(/\/demo$/), page.click('text=back to the demo shop')]);
    await page.waitForSelector('#consents tr:has-text("valid")');

    // Pay with the connected Paga wallet.
    await page.selectOption('#pay-provider', 'paga');
    await page.waitForSelector('#consent-for-pay option', { state: 'attached' });
    await page.fill('#amount', '25000');
    await page.click('#pay');
    await page.waitForSelector('#message.ok:has-text("succeeded")');

    // And with MoMo (asynchronous: pending now, succeeded after the emulator's delay and callback).
    await page.selectOption('#pay-provider', 'momo');
    await page.click('#pay');
    await page.waitForSelector('#message.ok:has-text("pending")');

    // The events reach the merchant's endpoint (the sandbox inbox) and verify in the page.
    await page.waitForSelector('#events tr:has-text("consent.valid")', { timeout: 15_000 });
    await page.waitForSelector('#events tr:has-text("payment.succeeded")', { timeout: 15_000 });
    // consent.valid, Paga's payment.created and payment.succeeded, MoMo's payment.created (the page polls).
    await page.locator('#events tr').nth(3).waitFor({ timeout: 15_000 });
    const signatures = await page.$$eval('#events tr td:last-child', (cells) => cells.map((c) => c.textContent));
    expect(signatures.length).toBeGreaterThanOrEqual(4);
    expect(new Set(signatures)).toEqual(new Set(['verified']));
    await page.screenshot({ path: join(SCREENSHOTS, 'demo-shop.png'), fullPage: true });

    // Paysera: the payer is sent to Paysera's confirmation page (requires_action).
    await page.selectOption('#pay-provider', 'paysera');
    await Promise.all([page.waitForURL(/\/sandbox\/paysera\//), page.click('#pay')]);
    await page.goto(`${t.baseUrl}/demo`);
    await page.waitForSelector('#payments tr:has-text("requires_action")');

    const payments = await call(t.baseUrl, 'GET', '/v1/payments', { token: key });
    expect(payments.body.data.map((p: { provider: string }) => p.provider).sort()).toEqual(['momo', 'paga', 'paysera']);
    expect(errors).toEqual([]);
    await page.close();
  });
});
