import { escapeHtml } from '../sandbox-page.js';
import { PACO_STATES, PACO_TEST_CARDS } from './paco-sandbox.constants.js';
import { formatDecimal } from './paco-sandbox.money.js';
import type { PacoOrder } from './paco-sandbox.store.js';

/*
 * The hosted payment page (prePaymentUi's paymentPageURL) and the 3-D Secure challenge page: plain
 * HTML forms, no JavaScript, no external assets. Every dynamic value goes through escapeHtml. They
 * are sent with sendSandboxPage (its CSP: the style by nonce, no script, and no form-action, so the
 * redirect chain after paying may end at the merchant's own origin).
 */

function layout(cspNonce: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · 2C2P PACO (sandbox)</title>
<style nonce="${escapeHtml(cspNonce)}">body{font-family:system-ui,sans-serif;max-width:30rem;margin:2rem auto;padding:0 1rem;color:#222}
label{display:block;margin:.6rem 0 .2rem}input{width:100%;padding:.4rem;box-sizing:border-box}
button{margin:1rem .5rem 0 0;padding:.5rem 1rem}.error{color:#b00020}.muted{color:#666;font-size:.9em}
table{border-collapse:collapse;font-size:.85em}td{padding:.1rem .6rem .1rem 0}</style></head>
<body><p class="muted">2C2P PACO sandbox: no real card is charged.</p>${body}</body></html>`;
}

function summary(order: PacoOrder): string {
  const amount = `${formatDecimal(order.amount.minor, order.amount.decimalPlaces)} ${order.amount.currency}`;
  return `<h1>Pay ${escapeHtml(amount)}</h1><p>${escapeHtml(order.productDescription)}<br><span class="muted">Order ${escapeHtml(order.orderNo)}</span></p>`;
}

export function renderCardForm(cspNonce: string, order: PacoOrder, action: string, error?: string): string {
  const cards = PACO_TEST_CARDS.map((c) => `<tr><td><code>${c.number}</code></td><td>${escapeHtml(c.label)}</td></tr>`).join('');
  return layout(
    cspNonce,
    'Card payment',
    `${summary(order)}${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}">
<label for="cardNumber">Card number</label><input id="cardNumber" name="cardNumber" inputmode="numeric" autocomplete="off" required>
<label for="cardExpiryMMYY">Expiry (MMYY)</label><input id="cardExpiryMMYY" name="cardExpiryMMYY" inputmode="numeric" required>
<label for="cvvCode">CVV</label><input id="cvvCode" name="cvvCode" inputmode="numeric" autocomplete="off" required>
<label for="payerName">Name on card</label><input id="payerName" name="payerName">
<button type="submit" name="action" value="pay">Pay</button><button type="submit" name="action" value="cancel" formnovalidate>Cancel</button>
</form><h2>Test cards</h2><p class="muted">Any future expiry (MMYY) and any 3-digit CVV.</p><table>${cards}</table>`,
  );
}

export function renderChallenge(cspNonce: string, order: PacoOrder, action: string): string {
  return layout(
    cspNonce,
    '3-D Secure',
    `${summary(order)}<h2>3-D Secure authentication</h2><p>Card ending ${escapeHtml(order.cardLast4 ?? '')}: confirm this payment with your bank.</p>
<form method="post" action="${escapeHtml(action)}"><button type="submit" name="action" value="authenticate">Authenticate</button><button type="submit" name="action" value="fail">Fail authentication</button></form>`,
  );
}

export function renderMessage(cspNonce: string, title: string, message: string, order?: PacoOrder): string {
  const state = order ? `<p class="muted">Status ${PACO_STATES[order.state].status}/${PACO_STATES[order.state].step}</p>` : '';
  return layout(cspNonce, title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>${state}`);
}
