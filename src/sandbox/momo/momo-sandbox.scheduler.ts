import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { SandboxDeliveries } from '../sandbox-deliveries.js';
import { SandboxDueTimer } from '../sandbox-due-timer.js';
import { type CallbackJob, MomoSandboxStore, withoutQuery } from './momo-sandbox.store.js';

/**
 * Makes virtual time happen: turns PENDING transactions final when they are due and sends their
 * callbacks over real HTTP. One unref'ed timer is armed for the next due moment, so a running app sees
 * outcomes and callbacks after the delay; the control API's time/advance settles at once instead.
 * Requests settle what is due before they read state, so a status is never staler than the clock.
 */
@Injectable()
export class MomoSandboxScheduler implements OnModuleDestroy {
  private readonly dueTimer = new SandboxDueTimer(() => this.store.now(), () => void this.settle());
  private readonly deliveries = new SandboxDeliveries(() => this.store.now());

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
    this.dueTimer.arm(this.store.nextDueAt());
  }

  /** Forgets the timer and abandons callbacks in flight (reset: they must not reach the next test's receiver). */
  abandon(): void {
    this.dueTimer.clear();
    this.deliveries.abandon();
  }

  onModuleDestroy(): void {
    this.dueTimer.stop();
    this.abandon();
  }

  /**
   * One attempt, no retry (MOMO_DEFAULT_CALLBACK_POLICY): the status body as JSON, no signature and no
   * auth header (§10). The outcome goes to the journal; a failure is not retried.
   */
  private async deliver(job: CallbackJob): Promise<void> {
    const { callbackTimeoutMs } = this.store.getSettings();
    const sent = await this.deliveries.attempt({ url: job.url, method: job.method, contentType: 'application/json', body: job.body, timeoutMs: callbackTimeoutMs });
    if (!sent) return; // abandoned by reset: the journal it belonged to is gone
    this.store.recordRequest({
      at: sent.at,
      direction: 'out',
      method: job.method,
      path: withoutQuery(job.url),
      operation: 'callback',
      product: job.product,
      referenceId: job.referenceId,
      status: sent.status,
      ...(sent.error ? { outcome: 'failed' as const, error: sent.error } : {}),
      ...(job.copies > 1 ? { copy: job.copy } : {}),
      durationMs: sent.durationMs,
    });
  }
}
