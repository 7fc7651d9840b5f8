import { CONNECTPAY_SANDBOX_OTP, CONNECTPAY_SANDBOX_PASSWORD, type ConnectPaySandboxCustomer, type ConnectPaySandboxPerson } from '../sandbox-accounts.js';
import { escapeHtml, renderSandboxPage, type SandboxPageBrand } from '../sandbox-page.js';
import { CONNECTPAY_PSD2_SCOPES } from './connectpay-sandbox.constants.js';
import type { AuthorizationRequest } from './connectpay-sandbox.store.js';

/**
 * The Auth Web App's pages: sign in with the password, confirm with a one-time code (SCA), then
 * choose the Customer and the permissions to grant. Server-rendered HTML, no JavaScript; every
 * dynamic value goes through `escapeHtml`.
 */

const STYLE = `
*{box-sizing:border-box}
body{margin:0;min-height:100vh;font:15px/1.5 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#14213d;background:#f2f4f8}
.top{background:#14213d}
.top div{max-width:920px;margin:0 auto;padding:14px 20px;display:flex;align-items:center;gap:10px}
.logo{font-weight:800;font-size:22px;color:#fff;letter-spacing:-.5px}
.badge{font-size:11px;font-weight:700;letter-spacing:.08em;color:#7a4d00;background:#ffe8b3;border-radius:4px;padding:2px 6px}
.wrap{max-width:920px;margin:32px auto;padding:0 20px;display:flex;gap:24px;align-items:flex-start;flex-wrap:wrap}
.card{background:#fff;border:1px solid #dfe3ec;border-radius:10px}
.main{flex:1 1 420px;padding:28px 32px}
.side{flex:0 1 340px;padding:20px 22px;font-size:14px}
h1{font-size:22px;margin:0 0 6px}
h2{font-size:13px;margin:18px 0 8px;color:#4a5570;text-transform:uppercase;letter-spacing:.04em}
.lead{margin:0 0 18px;color:#4a5570}
label{display:block;font-weight:600;font-size:14px;margin:14px 0 6px}
input[type=text],input[type=password]{width:100%;padding:10px 12px;font-size:15px;border:1px solid #c4cad8;border-radius:6px}
.choice{display:flex;gap:10px;align-items:flex-start;font-weight:400;padding:10px 12px;border:1px solid #dfe3ec;border-radius:8px;margin:8px 0}
.choice small{display:block;color:#6b7280}
ul{margin:0;padding-left:20px}
.actions{display:flex;flex-direction:row-reverse;gap:12px;margin-top:24px}
button{flex:1;padding:11px 16px;font-size:15px;font-weight:600;border-radius:6px;cursor:pointer;border:1px solid transparent}
.approve{background:#1f4fd8;color:#fff}
.deny{background:#fff;color:#14213d;border-color:#c4cad8}
.fine{font-size:13px;color:#6b7280;margin:16px 0 0}
.error{margin:0 0 14px;padding:10px 12px;border-radius:6px;background:#fdecec;border:1px solid #f5c2c2;color:#9b1c1c;font-size:14px}
code{font-family:ui-monospace,Menlo,Consolas,monospace;background:#eef1f6;padding:1px 5px;border-radius:4px}
.muted{color:#6b7280}
footer{max-width:920px;margin:0 auto 32px;padding:0 20px;font-size:12px;color:#8a93a6}
`;

const BRAND: SandboxPageBrand = {
  name: 'ConnectPay',
  logo: 'ConnectPay',
  style: STYLE,
  footer: "Gatehouse's emulator of ConnectPay's PSD2 Auth Web App. No real accounts or money are involved.",
};

function scopeList(request: AuthorizationRequest): string {
  return `<ul>${request.scopes.map((s) => `<li>${escapeHtml(CONNECTPAY_PSD2_SCOPES[s])}</li>`).join('')}</ul>`;
}

/** One checkbox per requested scope, all ticked: the Person may grant less than was asked. */
function scopeChoices(request: AuthorizationRequest): string {
  return request.scopes
    .map((s) => `<label class="choice"><input type="checkbox" name="scope" value="${escapeHtml(s)}" checked><span>${escapeHtml(CONNECTPAY_PSD2_SCOPES[s])}<small><code>${escapeHtml(s)}</code></small></span></label>`)
    .join('');
}

function returnNote(request: AuthorizationRequest): string {
  return `<p class="fine">After you choose, you will be sent back to <strong>${escapeHtml(new URL(request.redirectUrl).host)}</strong>.</p>`;
}

export interface LoginPageView {
  request: AuthorizationRequest;
  pageNonce: string;
  formAction: string;
  persons: readonly ConnectPaySandboxPerson[];
  customers: (id: string) => ConnectPaySandboxCustomer | undefined;
  error?: string;
  login?: string;
}

export function renderLoginPage(view: LoginPageView, cspNonce: string): string {
  const { request } = view;
  const client = escapeHtml(request.clientName);
  const persons = view.persons
    .map((p) => `<li><code>${escapeHtml(p.username)}</code> ${escapeHtml(p.displayName)}<br><span class="muted">${p.customerIds.map((id) => escapeHtml(view.customers(id)?.name ?? id)).join(' · ')}</span></li>`)
    .join('');
  return renderSandboxPage(
    BRAND,
    'Sign in',
    cspNonce,
    `<div class="wrap">
<main class="card main">
<h1>Sign in to ConnectPay</h1>
<p class="lead"><strong>${client}</strong> asks for access to your payment accounts.</p>
${view.error ? `<p class="error" role="alert">${escapeHtml(view.error)}</p>` : ''}
<form method="post" action="${escapeHtml(view.formAction)}">
<input type="hidden" name="page" value="${escapeHtml(view.pageNonce)}">
<label for="username">Username</label>
<input type="text" id="username" name="username" autocomplete="username" required value="${escapeHtml(view.login ?? '')}"${view.login ? '' : ' autofocus'}>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required${view.login ? ' autofocus' : ''}>
<h2>${client} will be able to</h2>
${scopeList(request)}
<div class="actions">
<button type="submit" name="decision" value="login" class="approve">Sign in</button>
<button type="submit" name="decision" value="deny" class="deny" formnovalidate>Cancel</button>
</div>
${returnNote(request)}
</form>
</main>
<aside class="card side">
<h2>Sandbox test persons</h2>
<p>The password of every test person is <code>${escapeHtml(CONNECTPAY_SANDBOX_PASSWORD)}</code>, the one-time code <code>${escapeHtml(CONNECTPAY_SANDBOX_OTP)}</code>. After signing in you choose which customer and which permissions to grant.</p>
<ul>${persons}</ul>
</aside>
</div>`,
  );
}

export interface OtpPageView {
  request: AuthorizationRequest;
  pageNonce: string;
  formAction: string;
  person: ConnectPaySandboxPerson;
  error?: string;
}

/** SCA, second factor: the one-time code "sent" to the Person's phone. */
export function renderOtpPage(view: OtpPageView, cspNonce: string): string {
  const { request } = view;
  return renderSandboxPage(
    BRAND,
    'Confirm it is you',
    cspNonce,
    `<div class="wrap">
<main class="card main">
<h1>Confirm it is you</h1>
<p class="lead">Signed in as <strong>${escapeHtml(view.person.displayName)}</strong>. Enter the one-time code we sent to your phone.</p>
${view.error ? `<p class="error" role="alert">${escapeHtml(view.error)}</p>` : ''}
<form method="post" action="${escapeHtml(view.formAction)}">
<input type="hidden" name="page" value="${escapeHtml(view.pageNonce)}">
<label for="otp">One-time code</label>
<input type="text" id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required autofocus>
<div class="actions">
<button type="submit" name="decision" value="verify" class="approve">Confirm</button>
<button type="submit" name="decision" value="deny" class="deny" formnovalidate>Cancel</button>
</div>
${returnNote(request)}
</form>
</main>
<aside class="card side">
<h2>Sandbox</h2>
<p>No SMS is sent. The code of every test person is <code>${escapeHtml(CONNECTPAY_SANDBOX_OTP)}</code>.</p>
</aside>
</div>`,
  );
}

export interface ConsentPageView {
  request: AuthorizationRequest;
  pageNonce: string;
  formAction: string;
  person: ConnectPaySandboxPerson;
  customers: ConnectPaySandboxCustomer[];
  error?: string;
}

export function renderConsentPage(view: ConsentPageView, cspNonce: string): string {
  const { request } = view;
  const client = escapeHtml(request.clientName);
  const choices = view.customers
    .map(
      (c, i) =>
        `<label class="choice"><input type="radio" name="customer" value="${escapeHtml(c.customerId)}"${i === 0 ? ' checked' : ''} required><span>${escapeHtml(c.name)}<small>${c.type === 'BUSINESS' ? 'Business' : 'Private'} customer · ${c.accounts.length} account(s)</small></span></label>`,
    )
    .join('');
  return renderSandboxPage(
    BRAND,
    'Grant access',
    cspNonce,
    `<div class="wrap">
<main class="card main">
<h1>Grant access</h1>
<p class="lead">Signed in as <strong>${escapeHtml(view.person.displayName)}</strong>. Choose the customer whose accounts <strong>${client}</strong> may use. Each customer needs its own consent.</p>
${view.error ? `<p class="error" role="alert">${escapeHtml(view.error)}</p>` : ''}
<form method="post" action="${escapeHtml(view.formAction)}">
<input type="hidden" name="page" value="${escapeHtml(view.pageNonce)}">
<h2>Customer</h2>
${choices}
<h2>Permissions for ${client}</h2>
${scopeChoices(request)}
<div class="actions">
<button type="submit" name="decision" value="approve" class="approve">Approve</button>
<button type="submit" name="decision" value="deny" class="deny" formnovalidate>Deny</button>
</div>
${returnNote(request)}
</form>
</main>
</div>`,
  );
}

export function renderErrorPage(title: string, message: string, cspNonce: string): string {
  return renderSandboxPage(
    BRAND,
    title,
    cspNonce,
    `<div class="wrap"><main class="card main">
<h1>${escapeHtml(title)}</h1>
<p class="error" role="alert">${escapeHtml(message)}</p>
<p class="muted">Go back to the site you came from and start again. If this keeps happening, the site's ConnectPay settings are wrong.</p>
</main></div>`,
  );
}
