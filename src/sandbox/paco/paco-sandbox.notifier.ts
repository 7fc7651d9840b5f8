import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { SandboxDeliveries } from '../sandbox-deliveries.js';
import { SandboxDueTimer } from '../sandbox-due-timer.js';
import { PACO_NOTIFICATION_TIMEOUT_MS } from './paco-sandbox.constants.js';
import { PacoSandboxJose } from './paco-sandbox.jose.js';
import { PacoSandboxMerchants } from './paco-sandbox.merchants.js';
import { PacoSandboxStore, type PacoOrder } from './paco-sandbox.store.js';
import { apiResponse, envelope, orderView } from './paco-sandbox.wire.js';

/**
 * Backend notifications (B.6): when a payment reaches a final state, PACO POSTs a JOSE token of the
 * response's shape to `backendURL`. Also runs the pending-payment timeouts on the virtual clock. All
 * timers are unref'ed and cleared on reset and module destroy; deliveries in flight are aborted.
 */
@Injectable()
export class PacoSandboxNotifier implements OnModuleDestroy {
  private readonly logger = new Logger(PacoSandboxNotifier.name);
  private readonly dueTimer = new SandboxDueTimer(() => this.store.now(), () => void this.settle());
  private readonly deliveries = new SandboxDeliveries(() => this.store.now());
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly store: PacoSandboxStore,
    private readonly jose: PacoSandboxJose,
    private readonly merchants: PacoSandboxMerchants,
  ) {}

  /**
   * Sends (per the notification mode) the notification of an order that just turned final. The promise
   * settles when every copy sent now has been answered or failed (a delayed copy is not awaited).
   */
  notify(order: PacoOrder): Promise<void> {
    const url = order.urls.backendURL;
    if (!url) return Promise.resolve();
    const policy = this.store.getPolicy();
    const path = withoutQuery(url);
    if (policy.mode === 'drop') {
      this.store.record({ at: new Date(this.store.now()).toISOString(), direction: 'out', method: 'POST', path, operation: 'notification', status: null, orderNo: order.orderNo, outcome: 'skipped', error: 'dropped by the notification mode' });
      return Promise.resolve();
    }
    // The body is built now: a delayed copy reports the state at the time of the event, as a queue would.
    const body = envelope({ paymentResult: orderView(order) }, apiResponse(order.lastCode, null, this.store.now(), performance.now()));
    const token = order.merchantToken;
    if (policy.mode === 'delay') {
      this.deliveries.later(policy.delayMs, () => void this.track(this.deliver(url, body, order.orderNo, token)));
      return Promise.resolve();
    }
    const copies = policy.mode === 'duplicate' ? policy.times : 1;
    const sends = Array.from({ length: copies }, (_, i) => this.deliver(url, body, order.orderNo, token, copies > 1 ? i + 1 : undefined));
    return this.track(Promise.all(sends).then(() => undefined));
  }

  /** Every delivery still under way (tests and time/advance wait for them). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** Pending payments past their acquirer timeout turn failed and are notified; re-arms the timer. */
  async settle(): Promise<number> {
    const due = this.store.dueOrders();
    for (const order of due) {
      order.dueAt = undefined;
      this.store.transition(order, 'failed', 'ACQUIRER_TIMEOUT');
    }
    this.arm();
    await Promise.all(due.map((order) => this.notify(order)));
    return due.length;
  }

  arm(): void {
    this.dueTimer.arm(this.store.nextDueAt());
  }

  /** Forgets timers and aborts deliveries in flight (reset: they must not reach the next test's receiver). */
  abandon(): void {
    this.dueTimer.clear();
    this.deliveries.abandon();
  }

  onModuleDestroy(): void {
    this.dueTimer.stop();
    this.abandon();
  }

  private track(promise: Promise<void>): Promise<void> {
    this.pending.add(promise);
    return promise.finally(() => this.pending.delete(promise));
  }

  /**
   * One attempt, no retry: `application/jose`, the sealed envelope, to the merchant's keys as
   * registered now (a re-registration rotates them); plain JSON for a merchant registered without
   * JOSE. The outcome goes to the journal.
   */
  private async deliver(url: string, body: unknown, orderNo: string, token: string, copy?: number): Promise<void> {
    const merchant = this.merchants.byToken(token);
    const plain = merchant?.plainJson === true;
    const sent = await this.deliveries.attempt({
      url,
      method: 'POST',
      contentType: plain ? 'application/json; charset=utf-8' : 'application/jose; charset=utf-8',
      body: () => {
        if (!merchant) return Promise.reject(new Error('merchant no longer registered'));
        return plain ? Promise.resolve(JSON.stringify(body)) : this.jose.sealResponse(body, merchant);
      },
      timeoutMs: PACO_NOTIFICATION_TIMEOUT_MS,
    });
    if (!sent) return; // abandoned by reset: its journal is gone
    if (sent.error) this.logger.debug(`PACO notification for ${orderNo} failed: ${sent.error}`);
    this.store.record({
      at: sent.at,
      direction: 'out',
      method: 'POST',
      path: withoutQuery(url),
      operation: 'notification',
      status: sent.status,
      orderNo,
      ...(sent.error ? { outcome: 'failed' as const, error: sent.error } : {}),
      ...(copy !== undefined ? { copy } : {}),
      durationMs: sent.durationMs,
    });
  }
}

/** URLs in the journal lose their query (it may carry merchant secrets). */
export function withoutQuery(url: string): string {
  return url.split(/[?#]/, 1)[0]!;
}
