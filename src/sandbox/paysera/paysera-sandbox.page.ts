import { PAYSERA_SANDBOX_PASSWORD } from '../sandbox-accounts.js';
import { escapeHtml, renderSandboxPage, type SandboxPageBrand } from '../sandbox-page.js';
import { PAYSERA_SCOPES } from './paysera-sandbox.constants.js';
import { formatCents } from './paysera-sandbox.money.js';
import type { AuthorizationRequest, SandboxUser } from './paysera-sandbox.store.js';

/**
 * The emulator's login and consent page: server-rendered HTML, inline CSS allowed by a CSP nonce,
 * no JavaScript, no external assets. Every dynamic value goes through `escapeHtml`.
 */

export function describeScope(scope: string): string {
  return Object.hasOwn(PAYSERA_SCOPES, scope) ? PAYSERA_SCOPES[scope as keyof typeof PAYSERA_SCOPES] : scope;
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;min-height:100vh;font:15px/1.5 -apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1b2a3a;background:#f2f5f8}
.top{background:#fff;border-bottom:1px solid #dfe5eb}
.top div{max-width:960px;margin:0 auto;padding:14px 20px;display:flex;align-items:center;gap:10px}
.logo{font-weight:800;font-size:24px;color:#0069b4}
.badge{font-size:11px;font-weight:700;letter-spacing:.08em;color:#8a5a00;background:#fff3d6;border:1px solid #f1d189;border-radius:4px;padding:2px 6px}
.wrap{max-width:960px;margin:32px auto;padding:0 20px;display:flex;gap:24px;align-items:flex-start;flex-wrap:wrap}
.card{background:#fff;border:1px solid #dfe5eb;border-radius:10px}
.main{flex:1 1 420px;padding:28px 32px}
.side{flex:0 1 380px;padding:20px 22px;font-size:14px}
h1{font-size:22px;margin:0 0 6px}
h2{font-size:14px;margin:18px 0 8px;color:#4a5a6a;text-transform:uppercase;letter-spacing:.04em}
label{display:block;font-weight:600;font-size:14px;margin:14px 0 6px}
input[type=email],input[type=password]{width:100%;padding:10px 12px;font-size:15px;border:1px solid #c5d0da;border-radius:6px}
.consent{margin:22px 0 0;padding:14px 16px;background:#f6f9fc;border:1px solid #dfe5eb;border-radius:8px}
.actions{display:flex;flex-direction:row-reverse;gap:12px;margin-top:24px}
button{flex:1;padding:11px 16px;font-size:15px;font-weight:600;border-radius:6px;cursor:pointer;border:1px solid transparent}
.approve{background:#0069b4;color:#fff}
.deny{background:#fff;color:#1b2a3a;border-color:#c5d0da}
.error{margin:0 0 14px;padding:10px 12px;border-radius:6px;background:#fdecec;border:1px solid #f5c2c2;color:#9b1c1c}
table{width:100%;border-collapse:collapse}
th,td{text-align:left;padding:6px 4px;border-bottom:1px solid #eef1f4}
td.num{text-align:right;white-space:nowrap}
code{font-family:ui-monospace,Menlo,Consolas,monospace;background:#eef2f5;padding:1px 5px;border-radius:4px}
.muted{color:#6b7a89}
footer{max-width:960px;margin:0 auto 32px;padding:0 20px;font-size:12px;color:#8a96a3}
`;

const BRAND: SandboxPageBrand = {
  name: 'Paysera',
  logo: 'paysera',
  style: STYLE,
  footer: "Gatehouse's emulator of the Paysera wallet API. No real accounts or money are involved.",
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
  email?: string;
}

export function renderLoginPage(view: LoginPageView, cspNonce: string): string {
  const client = escapeHtml(view.request.clientName);
  const scopes = view.request.scopes.map((s) => `<li>${escapeHtml(describeScope(s))}</li>`).join('');
  const users = view.users
    .map((u) => `<tr><td><code>${escapeHtml(u.email)}</code><br><span class="muted">${escapeHtml(u.displayName)}</span></td><td class="num">€${escapeHtml(formatCents(u.atDisposalCents))}</td></tr>`)
    .join('');
  return layout(
    'Log in',
    cspNonce,
    `<div class="wrap">
<main class="card main">
<h1>Log in to Paysera</h1>
<p><strong>${client}</strong> wants to access your Paysera account.</p>
${view.error ? `<p class="error" role="alert">${escapeHtml(view.error)}</p>` : ''}
<form method="post" action="${escapeHtml(view.formAction)}">
<input type="hidden" name="nonce" value="${escapeHtml(view.nonce)}">
<label for="email">Email</label>
<input type="email" id="email" name="email" autocomplete="username" required value="${escapeHtml(view.email ?? '')}">
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<section class="consent">
<h2>${client} will be able to</h2>
<ul>${scopes}</ul>
</section>
<div class="actions">
<button type="submit" name="decision" value="approve" class="approve">Approve</button>
<button type="submit" name="decision" value="deny" class="deny" formnovalidate>Deny</button>
</div>
<p class="muted">After you choose, you will be sent back to <strong>${escapeHtml(new URL(view.request.redirectUri).host)}</strong>.</p>
</form>
</main>
<aside class="card side">
<h2>Sandbox test users</h2>
<p>The password of every test user is <code>${escapeHtml(PAYSERA_SANDBOX_PASSWORD)}</code>.</p>
<table><thead><tr><th>Email</th><th class="num">EUR</th></tr></thead><tbody>${users}</tbody></table>
</aside>
</div>`,
  );
}

export interface ConfirmPageView {
  clientName: string;
  amountCents: number;
  currency: string;
  descriptions: string[];
  nonce: string;
  formAction: string;
  users: SandboxUser[];
  error?: string;
  email?: string;
}

/** The transaction confirmation page: who asks for how much, a login, Pay or Decline. */
export function renderConfirmPage(view: ConfirmPageView, cspNonce: string): string {
  const client = escapeHtml(view.clientName);
  const amount = `${escapeHtml(formatCents(view.amountCents))} ${escapeHtml(view.currency)}`;
  const items = view.descriptions.map((d) => `<li>${escapeHtml(d)}</li>`).join('');
  const users = view.users
    .map((u) => `<tr><td><code>${escapeHtml(u.email)}</code></td><td class="num">€${escapeHtml(formatCents(u.atDisposalCents))}</td></tr>`)
    .join('');
  return layout(
    'Confirm payment',
    cspNonce,
    `<div class="wrap">
<main class="card main">
<h1>Confirm payment</h1>
<p><strong>${client}</strong> asks you to pay <strong id="amount">${amount}</strong>.</p>
<ul>${items}</ul>
${view.error ? `<p class="error" role="alert">${escapeHtml(view.error)}</p>` : ''}
<form method="post" action="${escapeHtml(view.formAction)}">
<input type="hidden" name="nonce" value="${escapeHtml(view.nonce)}">
<label for="email">Email</label>
<input type="email" id="email" name="email" autocomplete="username" required value="${escapeHtml(view.email ?? '')}">
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<div class="actions">
<button type="submit" name="decision" value="approve" class="approve">Pay ${amount}</button>
<button type="submit" name="decision" value="deny" class="deny" formnovalidate>Decline</button>
</div>
</form>
</main>
<aside class="card side">
<h2>Sandbox test users</h2>
<p>The password of every test user is <code>${escapeHtml(PAYSERA_SANDBOX_PASSWORD)}</code>.</p>
<table><thead><tr><th>Email</th><th class="num">EUR</th></tr></thead><tbody>${users}</tbody></table>
</aside>
</div>`,
  );
}

export function renderMessagePage(title: string, message: string, cspNonce: string): string {
  return layout(title, cspNonce, `<div class="wrap"><main class="card main"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></main></div>`);
}

export function renderErrorPage(title: string, message: string, cspNonce: string): string {
  return layout(title, cspNonce, `<div class="wrap"><main class="card main"><h1>${escapeHtml(title)}</h1><p class="error" role="alert">${escapeHtml(message)}</p></main></div>`);
}
