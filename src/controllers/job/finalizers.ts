/**
 * Pods whose job-tracking finalizer the controller asked to remove, per Job key (upstream tracking_utils.go
 * uidTrackingExpectations). The API server answers the removal before the pod informer has the updated pod, so
 * until the informer shows the finalizer gone (or the pod deleted) a sync must not take such a pod for a newly
 * finished one: its Job's status may already count it.
 */
const NONE: ReadonlySet<string> = new Set();

export class FinalizerExpectations {
  readonly #byJob = new Map<string, Set<string>>();

  /** The controller is about to remove the finalizer of these pods (by uid) of Job `jobKey`. */
  expectRemovals(jobKey: string, uids: Iterable<string>): void {
    let pending = this.#byJob.get(jobKey);
    if (!pending) this.#byJob.set(jobKey, (pending = new Set()));
    for (const uid of uids) pending.add(uid);
  }

  /** The informer saw the pod without the finalizer, or deleted; or the removal failed and will not be seen. */
  removalObserved(jobKey: string, uid: string): void {
    const pending = this.#byJob.get(jobKey);
    if (!pending?.delete(uid)) return;
    if (pending.size === 0) this.#byJob.delete(jobKey);
  }

  /** Uids of the pods of `jobKey` whose finalizer removal has not been observed yet. */
  expected(jobKey: string): ReadonlySet<string> {
    return this.#byJob.get(jobKey) ?? NONE;
  }
}
