/**
 * The demo merchant page: plain HTML and one script, using only Gatehouse's public API (with the
 * key the user pastes) and the sandbox webhook inbox as the merchant's webhook endpoint. The script
 * is a separate file so the page runs under the default Content-Security-Policy (no inline script).
 */
export const DEMO_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Gatehouse demo shop</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 1rem 1.5rem; color: #1d2330; }
  h1 { margin: .2rem 0 1rem; } h2 { font-size: 1.05rem; margin: 0 0 .6rem; }
  section { border: 1px solid #d6dbe6; border-radius: 8px; padding: .8rem 1rem; margin-bottom: 1rem; }
  .grid { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
  input, select, button { font: inherit; padding: .3rem .5rem; margin: .15rem 0; }
  button { cursor: pointer; border: 1px solid #4257b2; background: #4257b2; color: #fff; border-radius: 5px; }
  table { border-collapse: collapse; width: 100%; font-size: .9rem; } td, th { border-bottom: 1px solid #eceff5; padding: .25rem .4rem; text-align: left; vertical-align: top; }
  .ok { color: #17803d; } .bad { color: #b3261e; } code { font-size: .85rem; } #message { min-height: 1.4rem; }
</style>
</head>
<body>
<h1>Gatehouse demo shop <small>(sandbox)</small></h1>
<section>
  <h2>1. Your API key</h2>
  <p>Paste the demo key that <code>npm start</code> printed (it is kept in this tab only).</p>
  <input id="key" type="password" size="70" placeholder="gh_test_…" autocomplete="off"> <button id="use-key">Use this key</button>
  <p id="whoami"></p>
</section>
<p id="message" role="status"></p>
<div class="grid">
  <section>
    <h2>2. Connect an account</h2>
    <select id="connect-provider"><option value="paga">Paga</option><option value="connectpay">ConnectPay</option><option value="paysera">Paysera</option></select>
    <input id="psu" value="demo-user" size="14" title="your user's reference">
    <button id="connect">Connect</button>
    <table><thead><tr><th>consent</th><th>provider</th><th>status</th></tr></thead><tbody id="consents"></tbody></table>
  </section>
  <section>
    <h2>3. Take a payment</h2>
    <select id="pay-provider"></select>
    <input id="amount" value="1050" size="7" title="minor units"> <input id="currency" value="EUR" size="4">
    <span id="pay-extra"></span>
    <button id="pay">Pay</button>
    <table><thead><tr><th>reference</th><th>provider</th><th>amount</th><th>status</th></tr></thead><tbody id="payments"></tbody></table>
  </section>
</div>
<section>
  <h2>4. Webhook events at your endpoint</h2>
  <p id="endpoint"></p>
  <table><thead><tr><th>received</th><th>type</th><th>object</th><th>status</th><th>signature</th></tr></thead><tbody id="events"></tbody></table>
</section>
<script src="/demo/app.js"></script>
</body>
</html>`;

export const DEMO_JS = `'use strict';
const $ = (id) => document.getElementById(id);
const store = window.sessionStorage;
const CONSENT_DEFAULTS = {
  paga: { scopes: ['MERCHANT_PAYMENT', 'USER_DETAILS_REQUEST'], userData: ['FIRST_NAME', 'ACCOUNT_BALANCE'] },
  connectpay: { scopes: ['psd2-ais', 'psd2-pis'], userData: [] },
  paysera: { scopes: ['user_info', 'balance'], userData: [] },
};
const CURRENCY = { paga: 'NGN', momo: 'EUR', connectpay: 'EUR', paysera: 'EUR', paco: 'THB' };

function text(node, value) { node.textContent = value == null ? '' : String(value); return node; }
function row(cells) {
  const tr = document.createElement('tr');
  for (const c of cells) { const td = document.createElement('td'); if (c instanceof Node) td.append(c); else text(td, c); tr.append(td); }
  return tr;
}
function say(message, bad) { const m = $('message'); text(m, message); m.className = bad ? 'bad' : 'ok'; }

async function api(method, path, body, idempotencyKey) {
  const headers = { authorization: 'Bearer ' + store.getItem('key') };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw new Error((data && (data.code + ': ' + (data.detail || data.title))) || ('HTTP ' + res.status));
  return data;
}

function b64(bytes) { let s = ''; for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b); return btoa(s); }
async function verify(secret, received) {
  // Standard Webhooks: HMAC-SHA256 over "id.timestamp.body" with the secret's bytes.
  const raw = Uint8Array.from(atob(secret.replace(/^whsec_/, '')), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(received.webhookId + '.' + received.webhookTimestamp + '.' + received.body));
  const expected = 'v1,' + b64(mac);
  return received.webhookSignature.split(' ').includes(expected);
}

async function ensureEndpoint() {
  if (store.getItem('endpointFor') === store.getItem('key')) return;
  const inbox = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  const created = await api('POST', '/v1/webhooks/endpoints', { url: location.origin + '/sandbox/webhook-inbox/' + inbox, description: 'demo page' });
  store.setItem('inbox', inbox);
  store.setItem('secret', created.secret);
  store.setItem('endpointFor', store.getItem('key'));
}

async function refresh() {
  if (!store.getItem('key')) return;
  const [consents, payments, inbox] = await Promise.all([
    api('GET', '/v1/consents?limit=100'),
    api('GET', '/v1/payments?limit=100'),
    fetch('/sandbox/webhook-inbox/' + store.getItem('inbox')).then((r) => r.json()),
  ]);
  $('consents').replaceChildren(...consents.data.slice(-10).reverse().map((c) => row([c.id.slice(0, 8), c.provider, c.status])));
  $('payments').replaceChildren(...payments.data.slice(-10).reverse().map((p) => {
    const status = document.createElement('span');
    text(status, p.status);
    if (p.nextAction) { const a = document.createElement('a'); a.href = p.nextAction.redirectUrl; text(a, ' → pay now'); status.append(a); }
    return row([p.reference, p.provider, p.amount.value + ' ' + p.amount.currency, status]);
  }));
  const rows = [];
  for (const received of inbox.data.slice(-20).reverse()) {
    const event = JSON.parse(received.body);
    const ok = await verify(store.getItem('secret'), received);
    const sig = text(document.createElement('span'), ok ? 'verified' : 'BAD');
    sig.className = ok ? 'ok' : 'bad';
    rows.push(row([received.receivedAt.slice(11, 19), event.type, (event.data.reference || event.data.id || '').toString().slice(0, 18), event.data.status, sig]));
  }
  $('events').replaceChildren(...rows);
  const validConsents = consents.data.filter((c) => c.status === 'valid');
  const select = $('consent-for-pay');
  if (select) {
    const keep = select.value;
    select.replaceChildren(...validConsents.map((c) => { const o = document.createElement('option'); o.value = c.id; text(o, c.provider + ' ' + c.id.slice(0, 8)); return o; }));
    if (keep) select.value = keep;
  }
}

function payExtras() {
  const provider = $('pay-provider').value;
  $('currency').value = CURRENCY[provider] || 'EUR';
  const extra = $('pay-extra');
  extra.replaceChildren();
  if (provider === 'momo') {
    const input = document.createElement('input'); input.id = 'msisdn'; input.value = '256772000001'; input.size = 13; input.title = 'payer wallet number';
    extra.append(input);
  } else if (provider === 'paco') {
    const note = text(document.createElement('span'), ' hosted card page ');
    extra.append(note);
  } else if (provider === 'paysera') {
    extra.append(text(document.createElement('span'), ' the payer accepts on Paysera’s page '));
  } else {
    const select = document.createElement('select'); select.id = 'consent-for-pay'; select.title = 'a valid consent of the payer';
    extra.append(select);
    if (provider === 'connectpay') {
      // The emulator's PSU Jonas (CUS-2001) pays from his main account to a shop account.
      const debtor = document.createElement('input'); debtor.id = 'debtor-iban'; debtor.value = 'LT443990000000010001'; debtor.size = 22; debtor.title = 'debtor IBAN (the payer)';
      const creditor = document.createElement('input'); creditor.id = 'creditor-iban'; creditor.value = 'LT923990000000020001'; creditor.size = 22; creditor.title = 'creditor IBAN (the shop)';
      extra.append(debtor, creditor);
    }
  }
}

async function start() {
  const me = await api('GET', '/v1/merchants/me');
  text($('whoami'), 'Signed in as ' + me.name + '.');
  await ensureEndpoint();
  text($('endpoint'), 'Endpoint: ' + location.origin + '/sandbox/webhook-inbox/' + store.getItem('inbox') + ' (signing secret kept in this tab).');
  const { providers } = await api('GET', '/v1/payments/providers');
  $('pay-provider').replaceChildren(...providers.map((p) => { const o = document.createElement('option'); o.value = p; text(o, p); return o; }));
  if (providers.includes('momo')) $('pay-provider').value = 'momo';
  payExtras();
  await refresh();
}

$('use-key').addEventListener('click', () => {
  store.setItem('key', $('key').value.trim());
  start().then(() => say('Ready.')).catch((e) => say(e.message, true));
});
$('pay-provider').addEventListener('change', payExtras);
$('connect').addEventListener('click', async () => {
  try {
    const provider = $('connect-provider').value;
    const consent = await api('POST', '/v1/consents', { provider, psuReference: $('psu').value, returnUrl: location.origin + '/sandbox/return', ...CONSENT_DEFAULTS[provider] });
    location.assign(consent.authorizationUrl);
  } catch (e) { say(e.message, true); }
});
$('pay').addEventListener('click', async () => {
  const provider = $('pay-provider').value;
  const body = { provider, reference: 'demo-' + Date.now(), amount: { value: Number($('amount').value), currency: $('currency').value }, description: 'Demo order' };
  if (provider === 'momo') body.payer = { msisdn: $('msisdn').value };
  else if (provider === 'paco') body.options = { flow: 'hosted' };
  else if (provider !== 'paysera') body.consentId = $('consent-for-pay').value; // Paysera: the payer accepts on its page

  if (provider === 'connectpay') body.options = { debtorIban: $('debtor-iban').value, creditorName: 'Demo shop', creditorIban: $('creditor-iban').value };
  try {
    const payment = await api('POST', '/v1/payments', body, crypto.randomUUID());
    say('Payment ' + payment.reference + ' is ' + payment.status + '.');
    if (payment.nextAction) location.assign(payment.nextAction.redirectUrl);
    await refresh();
  } catch (e) { say(e.message, true); }
});
if (store.getItem('key')) { $('key').value = store.getItem('key'); start().catch((e) => say(e.message, true)); }
setInterval(() => refresh().catch(() => undefined), 1500);
`;
