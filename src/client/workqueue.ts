/**
 * A work queue with client-go's semantics (util/workqueue): a key queued many times is processed once, a key is
 * never processed by two workers at once, and a key added while being processed is queued again after `done`.
 * Delayed adds (`addAfter`) and per-key exponential backoff (`addRateLimited`) are built in; `runWorkers` runs
 * a reconcile function over the queue until a signal aborts.
 */
import type { Logger } from "../util/log.js";
import { isStatusError } from "../api/status.js";

export interface WorkQueueOptions {
  /** First backoff of `addRateLimited` (default 5 ms); doubles per failure of the same key. */
  readonly baseDelayMs?: number;
  /** Backoff cap (default 1000 s). */
  readonly maxDelayMs?: number;
}

export class WorkQueue<K = string> {
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  /** FIFO of keys ready to be handed out; `head` is the next index (compacted as it grows). */
  private queue: K[] = [];
  private head = 0;
  /** Keys that need processing (queued, or added again while being processed). */
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly waiters: Array<(key: K | undefined) => void> = [];
  private readonly delayed = new Map<K, { readonly at: number; readonly timer: NodeJS.Timeout }>();
  private readonly failures = new Map<K, number>();
  private shuttingDown = false;

  constructor(options: WorkQueueOptions = {}) {
    this.baseDelayMs = options.baseDelayMs ?? 5;
    this.maxDelayMs = options.maxDelayMs ?? 1_000_000;
  }

  /** Marks `key` as needing processing. */
  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.push(key);
  }

  /** Adds `key` after `delayMs`; a key already waiting keeps the earlier of the two times. */
  addAfter(key: K, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) return this.add(key);
    const at = Date.now() + delayMs;
    const waiting = this.delayed.get(key);
    if (waiting) {
      if (waiting.at <= at) return;
      clearTimeout(waiting.timer);
    }
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, delayMs);
    this.delayed.set(key, { at, timer });
  }

  /** Adds `key` after its backoff: base × 2^failures, capped. */
  addRateLimited(key: K): void {
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    const delay = Math.min(this.baseDelayMs * 2 ** failures, this.maxDelayMs);
    this.addAfter(key, delay);
  }

  /** Clears `key`'s backoff (call after a successful sync). */
  forget(key: K): void {
    this.failures.delete(key);
  }

  numRequeues(key: K): number {
    return this.failures.get(key) ?? 0;
  }

  /** The next key to process; resolves with undefined once the queue is shut down. Call `done(key)` after. */
  get(): Promise<K | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    if (this.head < this.queue.length) return Promise.resolve(this.take());
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Ends processing of `key`; if it was added meanwhile, it is queued again. */
  done(key: K): void {
    this.processing.delete(key);
    if (this.dirty.has(key) && !this.shuttingDown) this.push(key);
  }

  /** Keys waiting to be handed out. */
  len(): number {
    return this.queue.length - this.head;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Stops the queue: new adds are ignored, pending and future `get()` calls resolve with undefined. */
  shutDown(): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    this.queue = [];
    this.head = 0;
    this.dirty.clear();
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }

  private push(key: K): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      this.dirty.delete(key);
      this.processing.add(key);
      waiter(key);
      return;
    }
    this.queue.push(key);
  }

  private take(): K {
    const key = this.queue[this.head]!;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }
}

export interface RunWorkersOptions {
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** Names the queue in logs (e.g. "deployment"). */
  readonly name: string;
}

/**
 * Runs `workers` loops over `queue`: each takes a key, awaits `reconcile(key)`, then `forget`s it on success or
 * re-adds it with backoff on failure. Shuts the queue down when `signal` aborts; resolves once every worker
 * finished its current key.
 */
export async function runWorkers<K>(
  queue: WorkQueue<K>,
  workers: number,
  reconcile: (key: K) => Promise<void>,
  options: RunWorkersOptions,
): Promise<void> {
  const { signal, log, name } = options;
  const stop = (): void => queue.shutDown();
  if (signal.aborted) stop();
  else signal.addEventListener("abort", stop, { once: true });
  const worker = async (): Promise<void> => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        await reconcile(key);
        queue.forget(key);
      } catch (error) {
        const conflict = isStatusError(error) && error.code === 409;
        const fields = { queue: name, key, requeues: queue.numRequeues(key), err: error };
        if (conflict) log.debug(fields, "sync conflicted; requeuing");
        else log.info(fields, "error syncing; requeuing");
        queue.addRateLimited(key);
      } finally {
        queue.done(key);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, workers) }, worker));
  } finally {
    signal.removeEventListener("abort", stop);
  }
}
