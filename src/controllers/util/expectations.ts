/**
 * Controller expectations (upstream ControllerExpectations): after a controller asks for N creations or
 * deletions it must not act on the same owner again until its informer has observed them (or a timeout passed),
 * or it would create twice. `satisfied(key)` says whether a sync may act. `UidTrackingExpectations` adds
 * per-pod deletion tracking on top, for controllers that may observe one deletion twice.
 */
const EXPECTATIONS_TIMEOUT_MS = 5 * 60_000;

interface Expectation {
  adds: number;
  dels: number;
  setAt: number;
}

export class Expectations {
  readonly #byKey = new Map<string, Expectation>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Records that the controller of `key` is about to create `adds` and delete `dels` objects. */
  expect(key: string, adds: number, dels: number): void {
    this.#byKey.set(key, { adds, dels, setAt: this.now() });
  }

  /** The informer saw one creation for `key` (or a creation failed and will never be seen). */
  creationObserved(key: string): void {
    const e = this.#byKey.get(key);
    if (e) e.adds--;
  }

  /** The informer saw one deletion for `key` (or a deletion failed). */
  deletionObserved(key: string): void {
    const e = this.#byKey.get(key);
    if (e) e.dels--;
  }

  /** True when nothing is outstanding for `key`, nothing was ever expected, or the expectation expired. */
  satisfied(key: string): boolean {
    const e = this.#byKey.get(key);
    if (!e) return true;
    return (e.adds <= 0 && e.dels <= 0) || this.now() - e.setAt > EXPECTATIONS_TIMEOUT_MS;
  }

  /** Forget `key` (its owner was deleted). */
  delete(key: string): void {
    this.#byKey.delete(key);
  }
}

/**
 * Expectations tracking deletions by pod key (upstream UIDTrackingControllerExpectations): a pod seen first
 * with a deletionTimestamp and later deleted counts once, so a sync never acts before every deletion it asked
 * for has been observed.
 */
export class UidTrackingExpectations {
  readonly #counts: Expectations;
  readonly #pendingDeletes = new Map<string, Set<string>>();

  constructor(now: () => number = Date.now) {
    this.#counts = new Expectations(now);
  }

  expectCreations(key: string, adds: number): void {
    this.#counts.expect(key, adds, 0);
  }

  expectDeletions(key: string, podKeys: readonly string[]): void {
    this.#pendingDeletes.set(key, new Set(podKeys));
    this.#counts.expect(key, 0, podKeys.length);
  }

  creationObserved(key: string): void {
    this.#counts.creationObserved(key);
  }

  /** A deletion of `podKey` was observed (or failed): counted once per expected pod. */
  deletionObserved(key: string, podKey: string): void {
    const pending = this.#pendingDeletes.get(key);
    if (!pending?.delete(podKey)) return;
    this.#counts.deletionObserved(key);
  }

  satisfied(key: string): boolean {
    return this.#counts.satisfied(key);
  }

  delete(key: string): void {
    this.#counts.delete(key);
    this.#pendingDeletes.delete(key);
  }
}
