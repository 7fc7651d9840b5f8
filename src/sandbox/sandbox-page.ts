import type { Response } from 'express';
import { randomBytes } from 'node:crypto';

/*
 * What the emulators' server-rendered pages share: escaping, the frame of the login/consent pages
 * (each emulator brings its own look and content) and how such a page is sent.
 */

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The provider a page imitates: its name in titles, its logo text, its stylesheet and footer line. */
export interface SandboxPageBrand {
  name: string;
  logo: string;
  style: string;
  footer: string;
}

/** A whole page: inline CSS allowed only by the CSP nonce, no script, no external asset. */
export function renderSandboxPage(brand: SandboxPageBrand, title: string, cspNonce: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · ${brand.name} (sandbox)</title>
<style nonce="${cspNonce}">${brand.style}</style>
</head>
<body>
<header class="top"><div><span class="logo">${brand.logo}</span><span class="badge">SANDBOX</span></div></header>
${body}
<footer>${brand.footer}</footer>
</body>
</html>
`;
}

/**
 * The page's CSP. A page with a form has no form-action on purpose: browsers apply form-action to
 * every redirect that follows the form's POST, and that chain does not end at the client. The 302
 * goes to the client's redirect_uri, whose handler usually redirects again, to the merchant's site
 * on some other origin. Helmet's `form-action 'self'`, or even `'self' <redirect_uri origin>`,
 * makes Chromium abort that last hop (net::ERR_ABORTED). The page needs no form-action to be safe:
 * it runs no script (default-src 'none'), every value in it is escaped, and its one form posts to a
 * fixed path. Pages without a form get `form-action 'none'`.
 */
export function sandboxPageCsp(cspNonce: string, hasForm: boolean): string {
  return `default-src 'none'; style-src 'nonce-${cspNonce}'; img-src 'self' data:; ${hasForm ? '' : "form-action 'none'; "}frame-ancestors 'none'; base-uri 'none'`;
}

export interface SendPageOptions {
  hasForm: boolean;
  /** More headers for this emulator, sent right after Cache-Control (e.g. Paga's Pragma). */
  headers?: Record<string, string>;
}

/** Writes a page with its own headers, replacing helmet's CSP; `render` gets the fresh CSP nonce. */
export function sendSandboxPage(res: Response, status: number, render: (cspNonce: string) => string, options: SendPageOptions): void {
  const cspNonce = randomBytes(16).toString('base64');
  res.setHeader('Content-Security-Policy', sandboxPageCsp(cspNonce, options.hasForm));
  res.setHeader('Cache-Control', 'no-store');
  for (const [name, value] of Object.entries(options.headers ?? {})) res.setHeader(name, value);
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.status(status).type('html').send(render(cspNonce));
}

/** The consent page's way back to the client (its redirect_uri), never cached. */
export function sendSandboxRedirect(res: Response, location: string): void {
  res.setHeader('Cache-Control', 'no-store');
  res.status(302).setHeader('Location', location);
  res.end();
}
