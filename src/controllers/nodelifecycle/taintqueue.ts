/**
 * A zone's NoExecute tainting queue (upstream scheduler.RateLimitedTimedQueue): nodes waiting to be tainted,
 * first in first out, drained no faster than a token bucket allows (--node-eviction-rate, 0.1/s, burst 1), so a
 * zone that loses many nodes at once does not evict everything at once. The rate is swapped when the zone's
 * disruption state changes (0 stops tainting).
 */
export const EVICTION_RATE_LIMITER_BURST = 1;

export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    readonly qps: number,
    readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.#tokens = burst;
    this.#last = now();
  }

  tryAccept(): boolean {
    if (this.qps <= 0) return false;
    const now = this.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) / 1000) * this.qps);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

interface Entry {
  readonly uid: string;
  processAt: number;
}

export class RateLimitedTimedQueue {
  readonly #entries = new Map<string, Entry>();
  #limiter: TokenBucket;

  constructor(
    qps: number,
    private readonly now: () => number = Date.now,
  ) {
    this.#limiter = new TokenBucket(qps, EVICTION_RATE_LIMITER_BURST, now);
  }

  /** Queues `name`; false when it is already queued. */
  add(name: string, uid: string): boolean {
    if (this.#entries.has(name)) return false;
    this.#entries.set(name, { uid, processAt: this.now() });
    return true;
  }

  /** Removes `name`; true when it was queued. */
  remove(name: string): boolean {
    return this.#entries.delete(name);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Replaces the rate (a new bucket, as upstream SwapLimiter). */
  swapLimiter(qps: number): void {
    if (qps === this.#limiter.qps) return;
    this.#limiter = new TokenBucket(qps, EVICTION_RATE_LIMITER_BURST, this.now);
  }

  /**
   * Processes due entries in order while the limiter allows; `fn` answers done (remove) or a delay after
   * which to retry.
   */
  async try(fn: (name: string, uid: string) => Promise<{ done: boolean; retryAfterMs?: number }>): Promise<void> {
    for (const [name, entry] of [...this.#entries]) {
      if (entry.processAt > this.now()) continue;
      if (!this.#limiter.tryAccept()) return;
      const { done, retryAfterMs = 0 } = await fn(name, entry.uid);
      if (done) this.#entries.delete(name);
      else entry.processAt = this.now() + retryAfterMs;
    }
  }
}
