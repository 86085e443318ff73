/**
 * The datastore contract every component above storage relies on (see src/storage/README.md).
 *
 * It is etcd's MVCC model: one global, strictly increasing revision per write; every key carries the
 * revision that created it and the one that last modified it; history is kept until compacted; a watch
 * replays history from any retained revision and then follows live changes, in order, exactly once.
 */
import type { StorageError } from "./errors.js";

/**
 * One stored key at one revision. `value` is the JSON object exactly as written; the same Buffer may be
 * handed to every watcher, so treat it as read-only.
 */
export interface KeyValue {
  readonly key: string;
  readonly value: Buffer;
  /** Revision of the write that created this key (unchanged by updates). */
  readonly createRevision: number;
  /** Revision of the write that produced this value; becomes `metadata.resourceVersion`. */
  readonly modRevision: number;
}

export type WatchEventType = "create" | "update" | "delete";

export interface WatchEvent {
  readonly type: WatchEventType;
  /**
   * create/update: the new value. delete: the deleted key with `modRevision` = the revision of the delete
   * and `value` = the last value it had (so a DELETED watch event can carry the final object), and
   * `createRevision` = that of the deleted value.
   */
  readonly kv: KeyValue;
  /** The value before this change: present on update and delete, absent on create. */
  readonly prev?: KeyValue;
}

export interface ListOptions {
  /**
   * Start strictly after this key (a continue token's position): a valid key under the listed prefix, or
   * the prefix itself; anything else is `InvalidKey`.
   */
  readonly after?: string;
  /** At most this many items; 0 or absent means no limit. */
  readonly limit?: number;
  /**
   * Snapshot revision; 0 or absent means the current one. Older than the compacted revision →
   * `Compacted`; newer than the current one → `FutureRevision`.
   */
  readonly revision?: number;
}

export interface ListResult {
  /** Items in byte order of their keys, as they were at `revision`. */
  readonly items: KeyValue[];
  /** The revision this snapshot was read at; pass it back (with `after`) for the next page. */
  readonly revision: number;
  /** True when keys remain after the last returned item. */
  readonly more: boolean;
  /** Keys in the listed range (after `after`) at `revision`, including the returned ones. */
  readonly count: number;
}

export interface WatchOptions {
  /** A key prefix ending in "/", e.g. "/registry/pods/" or "/registry/pods/default/". */
  readonly prefix: string;
  /**
   * Deliver every change with a revision strictly greater than this one. 0 means "from now on" (changes
   * after the watch is established), so no watch replays from the very first revision.
   */
  readonly fromRevision: number;
  /** Receives changes in revision order, in batches. Must not throw (errors thrown are logged and ignored). */
  onEvents(events: readonly WatchEvent[]): void;
  /**
   * Optional: every change under the prefix up to `revision` has been delivered. Backends call it when
   * the store's revision moves on without changes under this prefix (used for watch bookmarks).
   */
  onProgress?(revision: number): void;
  /** The watch has ended and will deliver nothing more (e.g. `Compacted`, `Closed`, `Unavailable`). */
  onError(error: StorageError): void;
}

export interface Watch {
  /** Stop delivering; idempotent. `onError` is not called for a watch closed by its owner. */
  close(): void;
}

export interface DeleteResult {
  /** Revision of the delete. */
  readonly revision: number;
  /** The value that was deleted. */
  readonly prev: KeyValue;
}

export interface HealthReport {
  readonly healthy: boolean;
  readonly backend: StoreBackend;
  /** Current revision, when the store could be asked. */
  readonly revision?: number;
  /** What is wrong, when unhealthy. */
  readonly message?: string;
}

export type StoreBackend = "sqlite" | "etcd";

/**
 * A revisioned key-value store with watch. Every method rejects with a `StorageError` (never a bare
 * Error) so the API server can turn it into a Kubernetes Status.
 */
export interface Store {
  readonly backend: StoreBackend;
  /** Create `key` if it does not exist; `KeyExists` otherwise. */
  create(key: string, value: Uint8Array): Promise<KeyValue>;
  /** The current value of `key`, or undefined. */
  get(key: string): Promise<KeyValue | undefined>;
  /**
   * Replace the value of an existing key (`NotFound` otherwise). With `expectedRevision`, only when the
   * key's modRevision equals it; otherwise `Conflict`, carrying the current value in `error.current`.
   * `expectedRevision` 0 is a real condition (it never matches); pass `undefined` for no condition.
   * A missing key is `NotFound` whether guarded or not.
   */
  update(key: string, value: Uint8Array, expectedRevision?: number): Promise<KeyValue>;
  /**
   * Delete an existing key, guarded like `update`. A missing key is `NotFound` with or without a guard (so
   * the losers of a race of guarded deletes see `NotFound`).
   */
  delete(key: string, expectedRevision?: number): Promise<DeleteResult>;
  /** A consistent snapshot of the keys under `prefix` at one revision, paged with `after`/`limit`. */
  list(prefix: string, options?: ListOptions): Promise<ListResult>;
  /** Number of keys under `prefix` now. */
  count(prefix: string): Promise<number>;
  /**
   * Follow every change under a prefix from a revision on; see `WatchOptions`. Invalid arguments (prefix,
   * revision) throw a `StorageError` synchronously; everything else (`Compacted`, `Closed`, `Unavailable`)
   * arrives through `onError`, never synchronously from `watch()` itself.
   */
  watch(options: WatchOptions): Watch;
  /** The revision of the latest write (0 for an empty store). */
  currentRevision(): Promise<number>;
  /** History at or below this revision may be gone; 0 when never compacted. */
  compactedRevision(): Promise<number>;
  /**
   * Drop history older than `revision`: afterwards reads and watches from a revision below it fail with
   * `Compacted`, while the value each key had at `revision` stays. Compacting at or below the compacted
   * revision does nothing; a revision above the current one is `FutureRevision`. Never stalls writers.
   */
  compact(revision: number): Promise<void>;
  /** Whether the store can serve; after `close()` it rejects with `Closed` like every other call. */
  health(): Promise<HealthReport>;
  /** Stop accepting calls, end all watches (with `Closed`), release files and connections. Idempotent. */
  close(): Promise<void>;
}
