/** One outgoing callback or notification, as an emulator sends it. */
export interface DeliveryRequest {
  url: string;
  method: string;
  contentType: string;
  /** The body, or what makes it (PACO seals it first: a failure there is a failed attempt). */
  body: string | (() => Promise<string>);
  timeoutMs: number;
}

/** How one attempt went, for the emulator's journal. */
export interface DeliveryAttempt {
  /** When it started, on the emulator's (virtual) clock. */
  at: string;
  /** The receiver's status; null when it never answered. */
  status: number | null;
  /** Why it failed (no answer in time, a non-2xx status, a network error); absent on a 2xx. */
  error?: string;
  durationMs: number;
}

/**
 * The emulators' outgoing requests: one attempt each, no retry, no redirect followed, with a time
 * limit, plus delayed sends. Everything is unref'ed and `abandon()` (reset, shutdown) stops it all,
 * so nothing reaches the next test's receiver. What to send and when (modes, copies) and what to
 * journal stay with each emulator: their providers differ there.
 */
export class SandboxDeliveries {
  private readonly inflight = new Set<AbortController>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly now: () => number) {}

  /**
   * Sends once. Resolves (never rejects) when the receiver has answered, failed or timed out;
   * with undefined when `abandon()` took it, as the journal it belonged to is gone.
   */
  async attempt(request: DeliveryRequest): Promise<DeliveryAttempt | undefined> {
    const controller = new AbortController();
    this.inflight.add(controller);
    let timedOut = false;
    const timeout = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, request.timeoutMs);
    timeout.unref();
    const at = new Date(this.now()).toISOString();
    const started = performance.now();
    let status: number | null = null;
    let error: string | undefined;
    try {
      const response = await fetch(request.url, {
        method: request.method,
        headers: { 'content-type': request.contentType },
        body: typeof request.body === 'string' ? request.body : await request.body(),
        redirect: 'manual',
        signal: controller.signal,
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
      if (status < 200 || status > 299) error = `the receiver answered ${status}`;
    } catch (cause) {
      error = timedOut ? `no answer within ${request.timeoutMs} ms` : describeFailure(cause);
    } finally {
      clearTimeout(timeout);
    }
    if (!this.inflight.delete(controller)) return undefined; // abandon() took it
    return { at, status, ...(error ? { error } : {}), durationMs: Math.round(performance.now() - started) };
  }

  /** Runs `send` after `ms` unless abandoned first. */
  later(ms: number, send: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      send();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  /** Clears the delayed sends and aborts those in flight. */
  abandon(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const controller of this.inflight) controller.abort();
    this.inflight.clear();
  }
}

/** undici hides the reason (ECONNREFUSED, …) in `cause`. */
function describeFailure(cause: unknown): string {
  const inner = (cause as { cause?: { code?: string; message?: string } })?.cause;
  return inner?.code ?? inner?.message ?? (cause instanceof Error ? cause.message : 'the request failed');
}
