/**
 * Per-(DaemonSet, node) backoff for deleting failed daemon pods (upstream flowcontrol.Backoff, 1 s doubling
 * to 15 min): stops the controller fighting a kubelet that keeps rejecting its pod.
 */
export class FailedPodBackoff {
  readonly #entries = new Map<string, { delayMs: number; lastUpdate: number }>();

  constructor(
    private readonly initialMs = 1_000,
    private readonly maxMs = 15 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** IsInBackOffSinceUpdate: the last failure on `key` is more recent than its current delay. */
  inBackoff(key: string): boolean {
    const entry = this.#entries.get(key);
    return !!entry && this.now() - entry.lastUpdate < entry.delayMs;
  }

  /** The current delay of `key` (0 when none). */
  delayMs(key: string): number {
    return this.#entries.get(key)?.delayMs ?? 0;
  }

  /** Next: records a failure, doubling the delay (reset after 2× max without failures). */
  next(key: string): void {
    const now = this.now();
    const entry = this.#entries.get(key);
    if (!entry || now - entry.lastUpdate > 2 * this.maxMs) {
      this.#entries.set(key, { delayMs: this.initialMs, lastUpdate: now });
    } else {
      entry.delayMs = Math.min(entry.delayMs * 2, this.maxMs);
      entry.lastUpdate = now;
    }
  }
}
