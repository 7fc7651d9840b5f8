/** setTimeout's ceiling (about 24.8 days); a later deadline is re-armed when this one fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * One unref'ed timer for an emulator's next due moment on its virtual clock, so a running app sees
 * things turn final after their delay while time/advance can settle at once instead.
 */
export class SandboxDueTimer {
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly now: () => number,
    private readonly fire: () => void,
  ) {}

  /** (Re-)arms for `dueAt` (virtual ms); nothing is due when it is undefined. */
  arm(dueAt: number | undefined): void {
    this.clear();
    if (dueAt === undefined || this.stopped) return;
    this.timer = setTimeout(this.fire, Math.min(Math.max(0, dueAt - this.now()), MAX_TIMER_MS));
    this.timer.unref();
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** For module destroy: clears and never arms again. */
  stop(): void {
    this.stopped = true;
    this.clear();
  }
}
