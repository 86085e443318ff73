/**
 * Giving memory back after a burst. Under load V8 grows its heap for the garbage in flight; once the load is
 * gone the pages stay committed (a burst of 10,000 pod creates leaves ~75 MiB of empty heap behind). When
 * the event loop has been idle for a second and the heap holds much more than it uses, a few full
 * collections shrink it back. Nothing runs while the process is busy.
 */
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { performance, type EventLoopUtilization } from "node:perf_hooks";
import { runInNewContext } from "node:vm";

let gcFunction: (() => void) | undefined | null = null;

/**
 * A full garbage collection now; false when this V8 offers none. Uses `global.gc` when node runs with
 * --expose-gc; otherwise turns the flag on at runtime and takes `gc` from a fresh context (V8 only installs it
 * on contexts created after the flag is set).
 */
export function collectGarbage(): boolean {
  if (gcFunction === null) {
    gcFunction = typeof globalThis.gc === "function" ? globalThis.gc : undefined;
    if (gcFunction === undefined) {
      try {
        setFlagsFromString("--expose-gc");
        const fn: unknown = runInNewContext("typeof gc === 'function' ? gc : undefined");
        if (typeof fn === "function") gcFunction = () => void (fn as () => unknown)();
      } catch {
        gcFunction = undefined;
      }
    }
  }
  gcFunction?.();
  return gcFunction !== undefined;
}

export interface IdleReclaimOptions {
  /** How often to look (default 1 s). */
  readonly intervalMs?: number;
  /** Event-loop utilization below which an interval counts as idle (default 5%). */
  readonly idleBelow?: number;
  /** Committed but unused heap worth reclaiming (default 48 MiB: what a burst leaves, not everyday churn). */
  readonly minSlackBytes?: number;
  /** Collections per idle period at most (default 3: V8 shrinks its heap over a few of them). */
  readonly maxPerIdlePeriod?: number;
}

/** Starts the idle reclaimer; returns its stop function. Its timer never keeps the process alive. */
export function startIdleHeapReclaim(options: IdleReclaimOptions = {}): () => void {
  const idleBelow = options.idleBelow ?? 0.05;
  const minSlack = options.minSlackBytes ?? 48 * 1024 * 1024;
  const maxRuns = options.maxPerIdlePeriod ?? 3;
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  let runs = 0;
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(now, last).utilization >= idleBelow;
    last = now;
    if (busy) {
      runs = 0;
      return;
    }
    if (runs >= maxRuns) return;
    const heap = getHeapStatistics();
    if (heap.total_heap_size - heap.used_heap_size < minSlack) return;
    runs++;
    if (!collectGarbage()) clearInterval(timer);
    // The collection itself made this interval busy: measure the next one from here.
    last = performance.eventLoopUtilization();
  }, options.intervalMs ?? 1000);
  timer.unref();
  return () => clearInterval(timer);
}
