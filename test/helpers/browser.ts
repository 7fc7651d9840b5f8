import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { freePort } from '../setup/global-setup.mjs';
import { startTestApp, type TestApp } from './test-app.js';

// Debian's chromium (installed by .ci/run when missing); never a downloaded browser.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where the browser tests leave their screenshots. */
export const SCREENSHOTS = join(process.cwd(), 'reports', 'screenshots');

/**
 * Headless chromium as this machine can run it: no sandbox (root), and no background networking
 * (the closed network refuses it, many connections at a time).
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (or set CHROMIUM_PATH)`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** The merchant's frontend: a page the user lands on after a provider's page, showing its query. */
export async function startShopPage(path: string): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}${path}`;
  const server = createServer((req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(`<h1>Back at the shop</h1><p id="query">${new URL(req.url!, url).search}</p>`));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url, server, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A browser test's world: the merchant's shop page, the app, and chromium; closed in reverse. */
export interface BrowserScene {
  t: TestApp;
  browser: Browser;
  shop: Awaited<ReturnType<typeof startShopPage>>;
  close(): Promise<void>;
}

export async function startBrowserScene(shopPath: string): Promise<BrowserScene> {
  const shop = await startShopPage(shopPath);
  const t = await startTestApp();
  const browser = await launchChromium();
  return {
    t,
    browser,
    shop,
    close: async () => {
      await browser.close();
      await t.close();
      await shop.close();
    },
  };
}
