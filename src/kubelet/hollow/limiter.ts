/**
 * A client-side write limiter (a token bucket like client-go's flowcontrol): `take()` resolves when the caller
 * may send one more request. Every hollow node in a process shares one, so thousands of nodes cannot flood the
 * API server. Waiters are served in order by a single timer.
 */
export class WriteLimiter {
  readonly #perSecond: number;
  readonly #burst: number;
  #tokens: number;
  #last = Date.now();
  readonly #waiters: Array<() => void> = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(perSecond: number, burst = Math.max(1, Math.ceil(perSecond / 10))) {
    if (!(perSecond > 0)) throw new RangeError("the write limit must be positive");
    this.#perSecond = perSecond;
    this.#burst = burst;
    this.#tokens = burst;
  }

  /** Resolves when one write may go out. */
  take(): Promise<void> {
    this.#refill();
    if (this.#waiters.length === 0 && this.#tokens >= 1) {
      this.#tokens -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.#waiters.push(resolve);
      this.#schedule();
    });
  }

  /** How many callers are waiting. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /** Releases every waiter at once (shutdown). */
  drain(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const resolve of this.#waiters.splice(0)) resolve();
  }

  #refill(): void {
    const now = Date.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) / 1000) * this.#perSecond);
    this.#last = now;
  }

  #schedule(): void {
    if (this.#timer) return;
    const wait = Math.max(1, Math.ceil(((1 - this.#tokens) / this.#perSecond) * 1000));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#refill();
      while (this.#waiters.length > 0 && this.#tokens >= 1) {
        this.#tokens -= 1;
        this.#waiters.shift()!();
      }
      if (this.#waiters.length > 0) this.#schedule();
    }, wait);
  }
}
