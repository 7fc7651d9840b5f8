import { Injectable } from '@nestjs/common';
import { PAYSERA_SANDBOX_PATH } from '../sandbox-accounts.js';
import type { ConfirmPageView } from './paysera-sandbox.page.js';
import { PayseraSandboxStore, type Transaction } from './paysera-sandbox.store.js';
import { PayseraSandboxApi } from './paysera-sandbox-api.service.js';
import { parseForm } from './paysera-sandbox-oauth.service.js';

export type ConfirmOutcome =
  | { kind: 'page'; view: ConfirmPageView }
  | { kind: 'message'; status: number; title: string; message: string }
  | { kind: 'redirect'; location: string };

/**
 * The transaction confirmation page, `{auth}/wallet/confirm/{transaction_key}` (A.1): the payer logs
 * in and accepts (the funds are reserved, or confirmed at once with auto_confirm) or declines
 * (rejected). Then the browser goes to the transaction's redirect_uri, when it has one.
 * [ASSUMPTION] Paysera adds nothing to that redirect; the client reads the status itself.
 */
@Injectable()
export class PayseraSandboxConfirmation {
  constructor(
    private readonly store: PayseraSandboxStore,
    private readonly api: PayseraSandboxApi,
  ) {}

  show(key: string): ConfirmOutcome {
    const transaction = this.store.findTransaction(key);
    if (!transaction) return { kind: 'message', status: 404, title: 'Unknown transaction', message: 'This payment link is not valid.' };
    return this.open(transaction) ?? this.page(transaction);
  }

  submit(key: string, raw: Buffer): ConfirmOutcome {
    const transaction = this.store.findTransaction(key);
    if (!transaction) return { kind: 'message', status: 404, title: 'Unknown transaction', message: 'This payment link is not valid.' };
    const form = parseForm(raw);
    if (!form.nonce || !this.store.takeConfirmPage(form.nonce, key)) {
      return { kind: 'message', status: 400, title: 'This page has expired', message: 'This confirmation page has expired or was already used.' };
    }
    const closed = this.open(transaction);
    if (closed) return closed;
    if (form.decision === 'deny') {
      this.api.reject(transaction);
      return this.done(transaction, 'Payment declined', 'You declined the payment. Nothing was charged.');
    }
    if (form.decision !== 'approve') return this.page(transaction, { error: 'Choose Pay or Decline.' });
    const email = (form.email ?? '').slice(0, 200);
    const user = this.store.authenticateUser(email, form.password ?? '');
    if (!user) return this.page(transaction, { error: 'The email or password is incorrect.', email });
    const reply = this.api.reserveFrom(transaction, user);
    if (reply.status !== 200) {
      const description = (reply.body as { error_description?: string }).error_description ?? 'The payment could not be accepted.';
      return this.page(transaction, { error: description, email });
    }
    return this.done(transaction, 'Payment accepted', `The payment was ${transaction.status}.`);
  }

  /** A page only for a transaction still waiting for its payer. */
  private open(t: Transaction): ConfirmOutcome | undefined {
    if (t.status !== 'new') return { kind: 'message', status: 409, title: 'Nothing to confirm', message: `This payment is already ${t.status}.` };
    if (t.expiresAtMs <= this.store.now()) return { kind: 'message', status: 410, title: 'Payment expired', message: 'This payment can no longer be accepted.' };
    return undefined;
  }

  private page(t: Transaction, extra: { error?: string; email?: string } = {}): ConfirmOutcome {
    const client = this.store.findClient(t.clientId)!;
    const descriptions = t.paymentIds.map((id) => this.store.findPayment(id)?.description ?? '');
    return {
      kind: 'page',
      view: {
        clientName: client.name,
        amountCents: t.amountCents,
        currency: t.currency,
        descriptions,
        nonce: this.store.createConfirmPage(t.key),
        formAction: `${PAYSERA_SANDBOX_PATH}/wallet/confirm/${encodeURIComponent(t.key)}`,
        users: this.store.listUsers(),
        ...extra,
      },
    };
  }

  private done(t: Transaction, title: string, message: string): ConfirmOutcome {
    return t.redirectUri ? { kind: 'redirect', location: t.redirectUri } : { kind: 'message', status: 200, title, message };
  }
}
