import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { type CallbackJob, MomoSandboxStore, withoutQuery } from './momo-sandbox.store.js';

/** setTimeout's ceiling (about 24.8 days); a later deadline is re-armed when this one fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Makes virtual time happen: turns PENDING transactions final when they are due and sends their
 * callbacks over real HTTP. One unref'ed timer is armed for the next due moment, so a running app sees
 * outcomes and callbacks after the delay; the control API's time/advance settles at once instead.
 * Requests settle what is due before they read state, so a status is never staler than the clock.
 */
@Injectable()
export class MomoSandboxScheduler implements OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private readonly inflight = new Set<AbortController>();
  private destroyed = false;

  constructor(private readonly store: MomoSandboxStore) {}

  /**
   * Finalizes what is due, re-arms the timer and starts the due callbacks. The promise settles, with
   * how many callbacks were sent, when each has been answered, has failed or timed out (never rejects).
   */
  settle(): Promise<number> {
    const jobs = this.store.settleDue();
    this.arm();
    return Promise.all(jobs.map((job) => this.deliver(job))).then(() => jobs.length);
  }

  /** (Re-)arms the timer for the next due moment; call after anything that changes what is due. */
  arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const next = this.store.nextDueAt();
    if (next === undefined || this.destroyed) return;
    const wait = Math.min(Math.max(0, next - this.store.now()), MAX_TIMER_MS);
    this.timer = setTimeout(() => void this.settle(), wait);
    this.timer.unref();
  }

  /** Forgets the timer and abandons callbacks in flight (reset: they must not reach the next test's receiver). */
  abandon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const controller of this.inflight) controller.abort();
    this.inflight.clear();
  }

  onModuleDestroy(): void {
    this.destroyed = true;
    this.abandon();
  }

  /**
   * One attempt, no retry (MOMO_DEFAULT_CALLBACK_POLICY): the status body as JSON, no signature and no
   * auth header (§10). The outcome goes to the journal; a failure is not retried.
   */
  private async deliver(job: CallbackJob): Promise<void> {
    const controller = new AbortController();
    this.inflight.add(controller);
    const { callbackTimeoutMs } = this.store.getSettings();
    let timedOut = false;
    const timeout = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, callbackTimeoutMs);
    timeout.unref();
    const at = new Date(this.store.now()).toISOString();
    const started = performance.now();
    let status: number | null = null;
    let error: string | undefined;
    try {
      const response = await fetch(job.url, {
        method: job.method,
        headers: { 'content-type': 'application/json' },
        body: job.body,
        redirect: 'manual',
        signal: controller.signal,
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
      if (status < 200 || status > 299) error = `the receiver answered ${status}`;
    } catch (cause) {
      error = timedOut ? `no answer within ${callbackTimeoutMs} ms` : controller.signal.aborted ? 'abandoned (reset or shutdown)' : describe(cause);
    } finally {
      clearTimeout(timeout);
      this.inflight.delete(controller);
    }
    if (controller.signal.aborted && !timedOut) return; // abandoned by reset: the journal it belonged to is gone
    this.store.recordRequest({
      at,
      direction: 'out',
      method: job.method,
      path: withoutQuery(job.url),
      operation: 'callback',
      product: job.product,
      referenceId: job.referenceId,
      status,
      ...(error ? { outcome: 'failed' as const, error } : {}),
      ...(job.copies > 1 ? { copy: job.copy } : {}),
      durationMs: Math.round(performance.now() - started),
    });
  }
}

function describe(cause: unknown): string {
  const inner = (cause as { cause?: { code?: string; message?: string } })?.cause;
  return inner?.code ?? inner?.message ?? (cause instanceof Error ? cause.message : 'the request failed');
}
