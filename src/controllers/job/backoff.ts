/**
 * Pod recreation backoff (upstream backoff_utils.go): after failures the next pod waits base × 2^(failures−1),
 * capped, counted from the last failure; a success resets the count. One record per Job, kept in memory.
 */
import { DEFAULT_POD_FAILURE_BACKOFF_MS, MAX_POD_FAILURE_BACKOFF_MS } from "./constants.js";

export interface BackoffRecord {
  /** Failed pods finished after the last succeeded one. */
  failuresAfterLastSuccess: number;
  /** When the last failed pod finished (ms since epoch). */
  lastFailureTime: number;
}

export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  baseMs: DEFAULT_POD_FAILURE_BACKOFF_MS,
  maxMs: MAX_POD_FAILURE_BACKOFF_MS,
};

/** The delay before the next pod may be created after `failures` consecutive failures. */
export function backoffDelayMs(failures: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  if (failures <= 0) return 0;
  // 2^(failures-1) overflows quickly: cap the exponent well above the point where maxMs is reached.
  const exponent = Math.min(failures - 1, 40);
  return Math.min(policy.baseMs * 2 ** exponent, policy.maxMs);
}

/** Milliseconds still to wait at `now` before creating pods (0 when none). */
export function remainingBackoffMs(
  record: BackoffRecord | undefined,
  now: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number {
  if (!record || record.failuresAfterLastSuccess === 0) return 0;
  const until = record.lastFailureTime + backoffDelayMs(record.failuresAfterLastSuccess, policy);
  return Math.max(0, until - now);
}

/** Per-Job backoff records, updated with pods as they are first counted as finished. */
export class BackoffStore {
  readonly #records = new Map<string, BackoffRecord>();

  get(key: string): BackoffRecord | undefined {
    return this.#records.get(key);
  }

  /** Applies newly finished pods: successes reset, failures count (finish times in ms). */
  update(key: string, succeededAt: readonly number[], failedAt: readonly number[]): void {
    const record = this.#records.get(key) ?? { failuresAfterLastSuccess: 0, lastFailureTime: 0 };
    const lastSuccess = succeededAt.length > 0 ? Math.max(...succeededAt) : undefined;
    const failuresAfter = lastSuccess === undefined ? failedAt : failedAt.filter((t) => t > lastSuccess);
    if (lastSuccess !== undefined) record.failuresAfterLastSuccess = 0;
    record.failuresAfterLastSuccess += failuresAfter.length;
    if (failuresAfter.length > 0) record.lastFailureTime = Math.max(record.lastFailureTime, ...failuresAfter);
    this.#records.set(key, record);
  }

  delete(key: string): void {
    this.#records.delete(key);
  }
}
