import type { Response } from 'express';
import { PAGA_SANDBOX_PASSWORD } from '../sandbox-accounts.js';
import { escapeHtml, renderSandboxPage, type SandboxPageBrand, type SendPageOptions, sendSandboxPage } from '../sandbox-page.js';
import { PAGA_SCOPES, PAGA_USER_DATA } from './paga-sandbox.constants.js';
import { formatKobo } from './paga-sandbox.money.js';
import type { AuthorizationRequest, SandboxUser } from './paga-sandbox.store.js';

/**
 * The emulator's login and consent page: plain server-rendered HTML, inline CSS (allowed by a CSP
 * nonce), no JavaScript and no external assets. Every dynamic value goes through `escapeHtml`.
 */

/** "250000.00" → "250,000.00", for people; the wire keeps plain decimals. */
export function groupThousands(decimal: string): string {
  const [whole, fraction] = decimal.split('.');
  return `${whole!.replace(/\B(?=(\d{3})+$)/g, ',')}${fraction === undefined ? '' : `.${fraction}`}`;
}

function describe<T extends Record<string, string>>(words: T, key: string): string {
  return Object.hasOwn(words, key) ? words[key as keyof T] : key;
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;min-height:100vh;font:15px/1.5 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1d2433;background:#f3f5f4}
.top{background:#fff;border-bottom:1px solid #e3e7e5}
.top div{max-width:960px;margin:0 auto;padding:14px 20px;display:flex;align-items:center;gap:10px}
.logo{font-weight:800;font-size:26px;letter-spacing:-1px;color:#0b8a4c}
.badge{font-size:11px;font-weight:700;letter-spacing:.08em;color:#8a5a00;background:#fff3d6;border:1px solid #f1d189;border-radius:4px;padding:2px 6px}
.wrap{max-width:960px;margin:32px auto;padding:0 20px;display:flex;gap:24px;align-items:flex-start;flex-wrap:wrap}
.card{background:#fff;border:1px solid #e3e7e5;border-radius:10px;box-shadow:0 1px 3px rgba(16,24,40,.06)}
.main{flex:1 1 420px;padding:28px 32px}
.side{flex:0 1 360px;padding:20px 22px;font-size:14px}
.side h2{margin-top:0}
h1{font-size:22px;margin:0 0 6px}
h2{font-size:14px;margin:18px 0 8px;color:#4a5568;text-transform:uppercase;letter-spacing:.04em}
.lead{margin:0 0 18px;color:#4a5568}
label{display:block;font-weight:600;font-size:14px;margin:14px 0 6px}
input[type=text],input[type=password]{width:100%;padding:10px 12px;font-size:15px;border:1px solid #c9d1cd;border-radius:6px;background:#fff}
input:focus{outline:2px solid #0b8a4c;outline-offset:1px;border-color:#0b8a4c}
.consent{margin:22px 0 0;padding:14px 16px;background:#f7faf8;border:1px solid #e3e7e5;border-radius:8px}
.consent h2{margin-top:4px}
ul{margin:0;padding-left:20px}
li{margin:3px 0}
.chips{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:6px}
.chips li{margin:0;background:#e8f5ee;color:#0b6b3c;border-radius:999px;padding:2px 10px;font-size:13px}
.actions{display:flex;flex-direction:row-reverse;gap:12px;margin-top:24px}
button{flex:1;padding:11px 16px;font-size:15px;font-weight:600;border-radius:6px;cursor:pointer;border:1px solid transparent}
.approve{background:#0b8a4c;color:#fff}
.approve:hover{background:#09773f}
.deny{background:#fff;color:#1d2433;border-color:#c9d1cd}
.deny:hover{background:#f3f5f4}
.fine{font-size:13px;color:#6b7280;margin:16px 0 0}
.error{margin:0 0 14px;padding:10px 12px;border-radius:6px;background:#fdecec;border:1px solid #f5c2c2;color:#9b1c1c;font-size:14px}
table{width:100%;border-collapse:collapse;margin-top:8px}
th,td{text-align:left;padding:6px 4px;border-bottom:1px solid #eef1ef;vertical-align:top}
th{font-size:12px;color:#6b7280;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f1f3f2;padding:1px 5px;border-radius:4px}
.muted{color:#6b7280}
footer{max-width:960px;margin:0 auto 32px;padding:0 20px;font-size:12px;color:#8a9399}
`;

const BRAND: SandboxPageBrand = {
  name: 'Paga',
  logo: 'paga',
  style: STYLE,
  footer: "Gatehouse's emulator of Paga Connect. No real accounts or money are involved.",
};

function layout(title: string, cspNonce: string, body: string): string {
  return renderSandboxPage(BRAND, title, cspNonce, body);
}

export interface LoginPageView {
  request: AuthorizationRequest;
  nonce: string;
  formAction: string;
  users: SandboxUser[];
  error?: string;
  login?: string;
}

export function renderLoginPage(view: LoginPageView, cspNonce: string): string {
  const { request } = view;
  const client = escapeHtml(request.clientName);
  const scopes = request.scopes.map((s) => `<li>${escapeHtml(describe(PAGA_SCOPES, s))}</li>`).join('');
  const userData = request.userData.length
    ? `<h2>It will see</h2><ul class="chips">${request.userData.map((f) => `<li>${escapeHtml(describe(PAGA_USER_DATA, f))}</li>`).join('')}</ul>`
    : '';
  const users = view.users
    .map((u) => `<tr><td><code>${escapeHtml(u.username)}</code><br><span class="muted">${escapeHtml(`${u.firstName} ${u.lastName}`)}</span></td><td>${escapeHtml(u.phone)}</td><td class="num">₦${escapeHtml(groupThousands(formatKobo(u.balanceKobo)))}</td></tr>`)
    .join('');
  return layout(
    'Sign in',
    cspNonce,
    `<div class="wrap">
<main class="card main">
<h1>Sign in to Paga</h1>
<p class="lead"><strong>${client}</strong> wants to connect to your Paga account.</p>
${view.error ? `<p class="error" role="alert">${escapeHtml(view.error)}</p>` : ''}
<form method="post" action="${escapeHtml(view.formAction)}">
<input type="hidden" name="nonce" value="${escapeHtml(view.nonce)}">
<label for="username">Username or phone number</label>
<input type="text" id="username" name="username" autocomplete="username" required value="${escapeHtml(view.login ?? '')}"${view.login ? '' : ' autofocus'}>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required${view.login ? ' autofocus' : ''}>
<section class="consent">
<h2>${client} will be able to</h2>
<ul>${scopes}</ul>
${userData}
</section>
<div class="actions">
<button type="submit" name="decision" value="approve" class="approve">Approve</button>
<button type="submit" name="decision" value="deny" class="deny" formnovalidate>Deny</button>
</div>
<p class="fine">After you choose, you will be sent back to <strong>${escapeHtml(new URL(request.redirectUri).host)}</strong>.</p>
</form>
</main>
<aside class="card side">
<h2>Sandbox test users</h2>
<p>Sign in with any of these. The password of every test user is <code>${escapeHtml(PAGA_SANDBOX_PASSWORD)}</code>.</p>
<table><thead><tr><th>Username</th><th>Phone</th><th class="num">Balance</th></tr></thead><tbody>${users}</tbody></table>
</aside>
</div>`,
  );
}

export function renderErrorPage(title: string, message: string, cspNonce: string): string {
  return layout(
    title,
    cspNonce,
    `<div class="wrap"><main class="card main">
<h1>${escapeHtml(title)}</h1>
<p class="error" role="alert">${escapeHtml(message)}</p>
<p class="muted">Go back to the site you came from and start again. If this keeps happening, the site's Paga settings are wrong.</p>
</main></div>`,
  );
}

/** Writes a page (see sendSandboxPage for its CSP); Paga's pages also send the HTTP/1.0 Pragma. */
export function sendPage(res: Response, status: number, render: (cspNonce: string) => string, options: Pick<SendPageOptions, 'hasForm'>): void {
  sendSandboxPage(res, status, render, { ...options, headers: { Pragma: 'no-cache' } });
}
