/**
 * Guards against acting on a stale cache (upstream EndpointSliceTracker): after writing slices of a Service
 * the controller remembers what it wrote, and a sync of that Service waits (by failing and being retried)
 * until the informer has seen those writes, so it never creates the same slices twice.
 */
import type { EndpointSlice } from "kubernetes-types/discovery/v1.js";

const DELETED = "deleted";

function revision(slice: EndpointSlice | undefined): bigint {
  const rv = slice?.metadata?.resourceVersion;
  return rv && /^\d+$/.test(rv) ? BigInt(rv) : -1n;
}

export class SliceTracker {
  /** service key → slice name → resourceVersion we wrote, or "deleted". */
  readonly #expected = new Map<string, Map<string, string>>();

  written(serviceKey: string, slice: EndpointSlice): void {
    this.#entry(serviceKey).set(slice.metadata!.name!, slice.metadata?.resourceVersion ?? "0");
  }

  deleted(serviceKey: string, slice: EndpointSlice): void {
    this.#entry(serviceKey).set(slice.metadata!.name!, DELETED);
  }

  /** The informer saw `name` deleted: whatever we expected of it is settled. */
  observedDeletion(serviceKey: string, name: string): void {
    this.#expected.get(serviceKey)?.delete(name);
  }

  /** True when the cache (`get` by slice name) has caught up with every write made for `serviceKey`. */
  caughtUp(serviceKey: string, get: (name: string) => EndpointSlice | undefined): boolean {
    const expected = this.#expected.get(serviceKey);
    if (!expected) return true;
    for (const [name, rv] of expected) {
      const cached = get(name);
      const seen = rv === DELETED ? !cached : !!cached && revision(cached) >= BigInt(rv);
      if (!seen) return false;
      expected.delete(name);
    }
    this.#expected.delete(serviceKey);
    return true;
  }

  forget(serviceKey: string): void {
    this.#expected.delete(serviceKey);
  }

  #entry(serviceKey: string): Map<string, string> {
    let entry = this.#expected.get(serviceKey);
    if (!entry) this.#expected.set(serviceKey, (entry = new Map()));
    return entry;
  }
}
