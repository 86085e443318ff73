/**
 * Giving memory back after a burst. Under load V8 grows its heap for the garbage in flight; once the load is
 * gone the pages stay committed (a burst of 10,000 pod creates leaves ~75 MiB of empty heap behind). When
 * the event loop has been idle for a second and the heap has grown well beyond its size after the last
 * reclaim, a few full collections shrink it back. Nothing runs while the process is busy.
 */
import { availableParallelism } from "node:os";
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

/**
 * Young-generation collections (scavenges) on the collecting thread alone, on machines with at most two cores.
 * V8 scavenges in parallel with helper threads by default. Where the API server, the scheduler and the
 * controller manager already keep both cores busy, the helpers only compete with them for the cores: on two
 * cores, bench:scheduler (20,000 pods) measured 1,022 pods/s on average without them against 957 with them.
 * Process-wide (every thread's isolate), read by V8 at each scavenge; true when it was applied. (The young
 * generation's size can only be set on the command line: bin/skiff.js's first line does it.)
 */
export function tuneGarbageCollection(cores: number = availableParallelism()): boolean {
  if (cores > 2) return false;
  setFlagsFromString("--no-parallel-scavenge");
  return true;
}

export interface IdleReclaimOptions {
  /** How often to look (default 1 s). */
  readonly intervalMs?: number;
  /** Event-loop utilization below which an interval counts as idle (default 5%). */
  readonly idleBelow?: number;
  /**
   * Growth of the committed heap (since the last reclaim, or the start) worth reclaiming (default 32 MiB: what a
   * burst leaves behind, not everyday churn). Counted on the committed size because, right after a burst, the
   * heap's "used" size still includes the uncollected garbage.
   */
  readonly minGrowthBytes?: number;
  /** Collections per idle period at most (default 3: V8 shrinks its heap over a few of them). */
  readonly maxPerIdlePeriod?: number;
}

/** Starts the idle reclaimer; returns its stop function. Its timer never keeps the process alive. */
export function startIdleHeapReclaim(options: IdleReclaimOptions = {}): () => void {
  const idleBelow = options.idleBelow ?? 0.05;
  const minGrowth = options.minGrowthBytes ?? 32 * 1024 * 1024;
  const maxRuns = options.maxPerIdlePeriod ?? 3;
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  let baseline = getHeapStatistics().total_heap_size;
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
    if (runs === 0 && getHeapStatistics().total_heap_size < baseline + minGrowth) return;
    runs++;
    if (!collectGarbage()) clearInterval(timer);
    baseline = getHeapStatistics().total_heap_size;
    // The collection itself made this interval busy: measure the next one from here.
    last = performance.eventLoopUtilization();
  }, options.intervalMs ?? 1000);
  timer.unref();
  return () => clearInterval(timer);
}
