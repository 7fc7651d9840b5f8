import { systemClock, type EpochClock } from './crypto-logger.js';

/**
 * Remembers message identifiers (PACO requestMessageID/jti, Paysera MAC nonces) for as long as the
 * message could still be accepted, so a captured message cannot be played again. Implementations
 * must make `claim` atomic: of two concurrent calls with one key, exactly one may win. A Postgres
 * implementation can do that with `INSERT ... ON CONFLICT DO NOTHING` on the key.
 */
export interface ReplayStore {
  /**
   * Records `key` until `expiresAt` (Unix seconds). Resolves `true` when this call recorded it
   * (first sighting), `false` when the key was already recorded and has not expired.
   */
  claim(key: string, expiresAt: number): Promise<boolean>;
}

/** DI token for the application's ReplayStore (in-memory until the Postgres one exists). */
export const REPLAY_STORE = Symbol('REPLAY_STORE');

export interface InMemoryReplayStoreOptions {
  clock?: EpochClock;
  /** Upper bound on remembered keys; beyond it the oldest entries are dropped first. */
  maxEntries?: number;
}

/** Single-process ReplayStore. Atomic because `claim` does its check-and-set synchronously. */
export class InMemoryReplayStore implements ReplayStore {
  private readonly entries = new Map<string, number>();
  private readonly clock: EpochClock;
  private readonly maxEntries: number;

  constructor(options: InMemoryReplayStoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.maxEntries = options.maxEntries ?? 100_000;
  }

  get size(): number {
    return this.entries.size;
  }

  claim(key: string, expiresAt: number): Promise<boolean> {
    const now = this.clock();
    const existing = this.entries.get(key);
    if (existing !== undefined && existing > now) return Promise.resolve(false);
    if (existing !== undefined) this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.evict(now);
    this.entries.set(key, expiresAt);
    return Promise.resolve(true);
  }

  private evict(now: number): void {
    for (const [key, expiry] of this.entries) if (expiry <= now) this.entries.delete(key);
    // Still full: drop the oldest insertions (Map keeps insertion order) rather than grow forever.
    for (const key of this.entries.keys()) {
      if (this.entries.size < this.maxEntries) break;
      this.entries.delete(key);
    }
  }
}
