/**
 * Periodic compaction with a retained window, shared by every backend (kube-apiserver does the same for
 * etcd every 5 minutes). Each tick records the current revision; history older than the newest recorded
 * revision that is at least `windowMs` old is compacted away, so a watcher can always resume from any
 * revision seen within the window.
 */
import type { Store } from "./types.js";
import { isStorageError } from "./errors.js";

export interface CompactorOptions {
  /** How much history to keep. Kubernetes keeps 5 minutes. */
  readonly windowMs?: number;
  /** How often to look; defaults to a fifth of the window. */
  readonly intervalMs?: number;
  readonly onError?: (error: unknown) => void;
  readonly now?: () => number;
}

export interface Compactor {
  /** Record a sample and compact if a sample has aged past the window; resolves when done. */
  tick(): Promise<void>;
  stop(): void;
}

export function startCompactor(store: Store, options: CompactorOptions = {}): Compactor {
  const windowMs = options.windowMs ?? 5 * 60_000;
  const intervalMs = options.intervalMs ?? Math.max(1000, Math.floor(windowMs / 5));
  const now = options.now ?? Date.now;
  const samples: { at: number; revision: number }[] = [];
  let running: Promise<void> | undefined;

  const tick = async (): Promise<void> => {
    const at = now();
    samples.push({ at, revision: await store.currentRevision() });
    let target = 0;
    while (samples.length > 0 && at - samples[0]!.at >= windowMs) target = samples.shift()!.revision;
    if (target > 0) await store.compact(target);
  };

  const run = (): void => {
    if (running) return;
    running = tick()
      .catch((error: unknown) => {
        if (!isStorageError(error, "Closed")) options.onError?.(error);
      })
      .finally(() => (running = undefined));
  };
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return {
    tick: async () => {
      await running;
      await tick();
    },
    stop: () => clearInterval(timer),
  };
}
