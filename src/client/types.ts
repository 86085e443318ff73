/**
 * The contract every component codes against: a REST client for any resource, shared informers (list + watch
 * caches with indexes), work queues, leader election and event recording. One implementation of each lives in
 * this folder; the scheduler, the controllers and the hollow nodes all use it, and all of it goes through the
 * API server (the one rule in ARCHITECTURE.md).
 */
import type { ObjectMeta, Status } from "kubernetes-types/meta/v1.js";

/** Any Kubernetes object. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

/**
 * Where a resource lives in the API. `T` is the object type (from `kubernetes-types`); see resources.ts for
 * the constants every component uses (`pods`, `deployments`, …).
 */
export interface Resource<T extends KubeObject = KubeObject> {
  /** "" for the core group. */
  readonly group: string;
  readonly version: string;
  /** Lower-case plural, as in the URL. */
  readonly resource: string;
  readonly kind: string;
  readonly namespaced: boolean;
  /** Phantom field carrying `T`; never set. */
  readonly __type?: T;
}

export interface ObjectList<T> {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

export interface ListOptions {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly limit?: number;
  readonly continue?: string;
  readonly resourceVersion?: string;
  readonly resourceVersionMatch?: "Exact" | "NotOlderThan";
}

export interface WatchOptions {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Start after this revision ("" or "0": start with ADDED events for the current state). */
  readonly resourceVersion?: string;
  readonly allowWatchBookmarks?: boolean;
  readonly timeoutSeconds?: number;
  /** Ends the watch. */
  readonly signal?: AbortSignal;
}

export type WatchEvent<T> =
  | { readonly type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK"; readonly object: T }
  | { readonly type: "ERROR"; readonly object: Status };

export interface WriteOptions {
  readonly dryRun?: boolean;
  /** Defaults to the client's user agent name. */
  readonly fieldManager?: string;
  /** A subresource to write instead of the object itself: "status", "scale", "binding", "eviction". */
  readonly subresource?: string;
}

export type PatchType = "json" | "merge" | "strategic" | "apply";

export interface PatchOptions extends WriteOptions {
  /** Server-side apply only. */
  readonly force?: boolean;
}

export interface DeleteOptions {
  readonly propagationPolicy?: "Background" | "Foreground" | "Orphan";
  readonly gracePeriodSeconds?: number;
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  readonly dryRun?: boolean;
}

/**
 * Calls for one resource. Failures reject with a `StatusError` (src/api/status.ts) carrying the server's
 * Status (code, reason, causes); transport failures reject with a `StatusError` of code 503
 * ServiceUnavailable. `namespace` is ignored for cluster-scoped resources.
 */
export interface ResourceClient<T extends KubeObject> {
  get(namespace: string | undefined, name: string): Promise<T>;
  list(namespace: string | undefined, options?: ListOptions): Promise<ObjectList<T>>;
  /** Lists every page (following `continue`) into one list at the first page's resourceVersion. */
  listAll(namespace: string | undefined, options?: ListOptions): Promise<ObjectList<T>>;
  /** A watch stream; ends when the server closes it, on `signal`, or with an ERROR event (e.g. 410 Expired). */
  watch(namespace: string | undefined, options?: WatchOptions): AsyncIterable<WatchEvent<T>>;
  create(object: T, options?: WriteOptions): Promise<T>;
  /** PUT; `object.metadata.resourceVersion` (when set) is the precondition. */
  update(object: T, options?: WriteOptions): Promise<T>;
  /** PUT to the status subresource. */
  updateStatus(object: T, options?: WriteOptions): Promise<T>;
  patch(
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    options?: PatchOptions,
  ): Promise<T>;
  /** POST to a subresource of `name` (pods/binding, pods/eviction): returns the server's answer. */
  createSubresource<B extends KubeObject, R = Status>(
    namespace: string | undefined,
    name: string,
    subresource: string,
    body: B,
    options?: WriteOptions,
  ): Promise<R>;
  /** Resolves with the deleted object (or the object now carrying deletionTimestamp/finalizers). */
  delete(namespace: string | undefined, name: string, options?: DeleteOptions): Promise<T | Status>;
  deleteCollection(namespace: string | undefined, list?: ListOptions, options?: DeleteOptions): Promise<void>;
}

export interface Client {
  resource<T extends KubeObject>(resource: Resource<T>): ResourceClient<T>;
  /** A raw JSON request to any path (discovery: `/api`, `/apis`); rejects with StatusError like the rest. */
  request<R>(method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", path: string, body?: unknown): Promise<R>;
  /** The identity's component name, sent as User-Agent and used as the default field manager. */
  readonly userAgent: string;
  /** Closes keep-alive connections and ends open watches. */
  close(): void;
}

/** "namespace/name", or "name" for cluster-scoped objects (upstream's MetaNamespaceKeyFunc). */
export type ObjectKey = string;

/** Read access to an informer's cache. Objects are shared: never mutate them, copy first (structuredClone). */
export interface Lister<T extends KubeObject> {
  get(key: ObjectKey): T | undefined;
  /** Everything, or everything in one namespace. */
  list(namespace?: string): T[];
  /** Objects an indexer maps to `value` (indexes are added with `Informer.addIndex`). */
  byIndex(index: string, value: string): T[];
}

/** `onDelete` may receive the last known state when the deletion itself was missed during a relist. */
export interface EventHandler<T extends KubeObject> {
  onAdd?(object: T): void;
  onUpdate?(oldObject: T, newObject: T): void;
  onDelete?(object: T): void;
}

/**
 * A shared list + watch cache of one resource (optionally narrowed by namespace/selectors): lists, then watches
 * from the list's resourceVersion, resumes after a disconnect from the last seen resourceVersion, and relists on
 * 410. Handlers added after sync first get `onAdd` for every cached object.
 */
export interface Informer<T extends KubeObject> {
  readonly lister: Lister<T>;
  addEventHandler(handler: EventHandler<T>): void;
  /** Adds an index; `fn` maps an object to the values it is indexed under. Must be added before `start`. */
  addIndex(name: string, fn: (object: T) => readonly string[]): void;
  hasSynced(): boolean;
  /** The resourceVersion of the last list or event applied. */
  lastSyncResourceVersion(): string;
}

export interface InformerOptions {
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

/** One informer per (resource, options), shared by every controller in a process. */
export interface InformerFactory {
  informerFor<T extends KubeObject>(resource: Resource<T>, options?: InformerOptions): Informer<T>;
  /** Starts every informer requested so far (and later ones as they are requested). */
  start(): void;
  /** Resolves when every started informer has synced; rejects when `signal` aborts first. */
  waitForSync(signal?: AbortSignal): Promise<void>;
  stop(): void;
}

export interface EventRecorder {
  /**
   * Records a core/v1 Event about `object`, de-duplicated as upstream's event correlator does: the same
   * (object, type, reason, message) within 10 minutes bumps `count` and `lastTimestamp` on one Event.
   * Never throws; failures are logged and dropped.
   */
  event(object: KubeObject, type: "Normal" | "Warning", reason: string, message: string): void;
}
