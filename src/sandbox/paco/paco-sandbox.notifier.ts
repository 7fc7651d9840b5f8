import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { PACO_NOTIFICATION_TIMEOUT_MS } from './paco-sandbox.constants.js';
import { PacoSandboxJose } from './paco-sandbox.jose.js';
import { PacoSandboxStore, type PacoOrder } from './paco-sandbox.store.js';
import { apiResponse, envelope, orderView } from './paco-sandbox.wire.js';

/** setTimeout's ceiling (about 24.8 days); a later deadline is re-armed when this one fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Backend notifications (B.6): when a payment reaches a final state, PACO POSTs a JOSE token of the
 * response's shape to `backendURL`. Also runs the pending-payment timeouts on the virtual clock. All
 * timers are unref'ed and cleared on reset and module destroy; deliveries in flight are aborted.
 */
@Injectable()
export class PacoSandboxNotifier implements OnModuleDestroy {
  private readonly logger = new Logger(PacoSandboxNotifier.name);
  private timer?: NodeJS.Timeout;
  private readonly delayed = new Set<NodeJS.Timeout>();
  private readonly inflight = new Set<AbortController>();
  private readonly pending = new Set<Promise<void>>();
  private destroyed = false;

  constructor(
    private readonly store: PacoSandboxStore,
    private readonly jose: PacoSandboxJose,
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
    if (policy.mode === 'delay') {
      const timer = setTimeout(() => {
        this.delayed.delete(timer);
        void this.track(this.deliver(url, body, order.orderNo));
      }, policy.delayMs);
      timer.unref();
      this.delayed.add(timer);
      return Promise.resolve();
    }
    const copies = policy.mode === 'duplicate' ? policy.times : 1;
    const sends = Array.from({ length: copies }, (_, i) => this.deliver(url, body, order.orderNo, copies > 1 ? i + 1 : undefined));
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
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const next = this.store.nextDueAt();
    if (next === undefined || this.destroyed) return;
    this.timer = setTimeout(() => void this.settle(), Math.min(Math.max(0, next - this.store.now()), MAX_TIMER_MS));
    this.timer.unref();
  }

  /** Forgets timers and aborts deliveries in flight (reset: they must not reach the next test's receiver). */
  abandon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const timer of this.delayed) clearTimeout(timer);
    this.delayed.clear();
    for (const controller of this.inflight) controller.abort();
    this.inflight.clear();
  }

  onModuleDestroy(): void {
    this.destroyed = true;
    this.abandon();
  }

  private track(promise: Promise<void>): Promise<void> {
    this.pending.add(promise);
    return promise.finally(() => this.pending.delete(promise));
  }

  /** One attempt, no retry: `application/jose`, the sealed envelope. The outcome goes to the journal. */
  private async deliver(url: string, body: unknown, orderNo: string, copy?: number): Promise<void> {
    const controller = new AbortController();
    this.inflight.add(controller);
    let timedOut = false;
    const timeout = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, PACO_NOTIFICATION_TIMEOUT_MS);
    timeout.unref();
    const at = new Date(this.store.now()).toISOString();
    const started = performance.now();
    let status: number | null = null;
    let error: string | undefined;
    try {
      const token = await this.jose.sealResponse(body);
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/jose; charset=utf-8' },
        body: token,
        redirect: 'manual',
        signal: controller.signal,
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
      if (status < 200 || status > 299) error = `the receiver answered ${status}`;
    } catch (cause) {
      error = timedOut ? `no answer within ${PACO_NOTIFICATION_TIMEOUT_MS} ms` : controller.signal.aborted ? 'abandoned' : describe(cause);
    } finally {
      clearTimeout(timeout);
      this.inflight.delete(controller);
    }
    if (controller.signal.aborted && !timedOut) return; // abandoned by reset: its journal is gone
    if (error) this.logger.debug(`PACO notification for ${orderNo} failed: ${error}`);
    this.store.record({
      at,
      direction: 'out',
      method: 'POST',
      path: withoutQuery(url),
      operation: 'notification',
      status,
      orderNo,
      ...(error ? { outcome: 'failed' as const, error } : {}),
      ...(copy !== undefined ? { copy } : {}),
      durationMs: Math.round(performance.now() - started),
    });
  }
}

/** URLs in the journal lose their query (it may carry merchant secrets). */
export function withoutQuery(url: string): string {
  return url.split(/[?#]/, 1)[0]!;
}

function describe(cause: unknown): string {
  const inner = (cause as { cause?: { code?: string; message?: string } })?.cause;
  return inner?.code ?? inner?.message ?? (cause instanceof Error ? cause.message : 'the request failed');
}
