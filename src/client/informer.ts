/**
 * Shared informers (client-go's reflector + indexer + shared processor in one): list, then watch from the list's
 * resourceVersion with bookmarks; resume after a disconnect from the last seen resourceVersion (backing off on
 * errors); relist and reconcile the cache on 410 Expired. The cache holds each object once, indexed by
 * namespace and by any custom indexes; handlers run synchronously in event order.
 */
import { isStatusError, StatusError } from "../api/status.js";
import { logger, type Logger } from "../util/log.js";
import { objectKey } from "./keys.js";
import type {
  Client,
  EventHandler,
  Informer,
  InformerFactory,
  InformerOptions,
  KubeObject,
  Lister,
  ObjectKey,
  Resource,
  ResourceClient,
} from "./types.js";
import { sleep } from "./time.js";

export interface InformerFactoryOptions {
  readonly log?: Logger;
  /**
   * Server-side timeout of each watch request. Default: random in [5, 10) minutes, as client-go's reflector;
   * tests shorten it to exercise resuming.
   */
  readonly watchTimeoutSeconds?: number;
  /** Backoff after list/watch failures: from `initialBackoffMs` (0.8 s) doubling to `maxBackoffMs` (30 s). */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

interface IndexState<T> {
  readonly fn: (object: T) => readonly string[];
  /** value → keys of objects indexed under it. */
  readonly values: Map<string, Set<ObjectKey>>;
}

const EMPTY: never[] = [];

function isExpired(error: unknown): boolean {
  return isStatusError(error) && (error.code === 410 || error.status.reason === "Expired");
}

export class SharedInformer<T extends KubeObject> implements Informer<T>, Lister<T> {
  readonly lister: Lister<T> = this;
  private readonly items = new Map<ObjectKey, T>();
  /** namespace → key → object (the same object as in `items`). */
  private readonly byNamespace = new Map<string, Map<ObjectKey, T>>();
  private readonly indexes = new Map<string, IndexState<T>>();
  private readonly handlers: EventHandler<T>[] = [];
  private synced = false;
  private resourceVersion = "";
  private started = false;
  private readonly abort = new AbortController();
  private readonly syncWaiters: Array<() => void> = [];
  private readonly client: ResourceClient<T>;

  constructor(
    client: Client,
    private readonly resource: Resource<T>,
    private readonly options: InformerOptions,
    private readonly factoryOptions: InformerFactoryOptions,
    private readonly log: Logger,
  ) {
    this.client = client.resource(resource);
  }

  // Lister

  get(key: ObjectKey): T | undefined {
    return this.items.get(key);
  }

  list(namespace?: string): T[] {
    if (namespace === undefined || namespace === "") return Array.from(this.items.values());
    const inNamespace = this.byNamespace.get(namespace);
    return inNamespace ? Array.from(inNamespace.values()) : [];
  }

  byIndex(index: string, value: string): T[] {
    const state = this.indexes.get(index);
    if (!state) throw new Error(`index "${index}" does not exist on the ${this.resource.resource} informer`);
    const keys = state.values.get(value);
    if (!keys) return EMPTY;
    const out: T[] = [];
    for (const key of keys) {
      const object = this.items.get(key);
      if (object) out.push(object);
    }
    return out;
  }

  // Informer

  addEventHandler(handler: EventHandler<T>): void {
    this.handlers.push(handler);
    if (this.synced && handler.onAdd) {
      for (const object of this.items.values()) this.call(() => handler.onAdd!(object));
    }
  }

  addIndex(name: string, fn: (object: T) => readonly string[]): void {
    if (this.indexes.has(name)) throw new Error(`index "${name}" already exists`);
    const state: IndexState<T> = { fn, values: new Map() };
    this.indexes.set(name, state);
    for (const [key, object] of this.items) this.indexAdd(state, key, object);
  }

  hasSynced(): boolean {
    return this.synced;
  }

  lastSyncResourceVersion(): string {
    return this.resourceVersion;
  }

  /** Resolves once synced; rejects when `signal` aborts first. */
  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason ?? new Error("aborted"));
      const onAbort = (): void => reject(signal!.reason ?? new Error("aborted"));
      signal?.addEventListener("abort", onAbort, { once: true });
      this.syncWaiters.push(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      });
    });
  }

  start(): void {
    if (this.started || this.abort.signal.aborted) return;
    this.started = true;
    void this.run(this.abort.signal);
  }

  isStarted(): boolean {
    return this.started;
  }

  stop(): void {
    this.abort.abort();
  }

  // The reflector loop

  private async run(signal: AbortSignal): Promise<void> {
    const initialBackoff = this.factoryOptions.initialBackoffMs ?? 800;
    const maxBackoff = this.factoryOptions.maxBackoffMs ?? 30_000;
    let backoff = initialBackoff;
    let needList = true;
    const namespace = this.resource.namespaced ? this.options.namespace || undefined : undefined;
    while (!signal.aborted) {
      try {
        if (needList) {
          const list = await this.client.listAll(namespace, {
            labelSelector: this.options.labelSelector,
            fieldSelector: this.options.fieldSelector,
          });
          if (signal.aborted) return;
          this.replace(list.items, list.metadata.resourceVersion ?? "");
          needList = false;
          backoff = initialBackoff;
        }
        const timeoutSeconds = this.factoryOptions.watchTimeoutSeconds ?? Math.floor(300 * (1 + Math.random()));
        const events = this.client.watch(namespace, {
          labelSelector: this.options.labelSelector,
          fieldSelector: this.options.fieldSelector,
          resourceVersion: this.resourceVersion,
          allowWatchBookmarks: true,
          timeoutSeconds,
          signal,
        });
        for await (const event of events) {
          backoff = initialBackoff;
          switch (event.type) {
            case "ADDED":
            case "MODIFIED":
              this.upsert(event.object);
              break;
            case "DELETED":
              this.remove(event.object);
              break;
            case "BOOKMARK":
              this.resourceVersion = event.object.metadata?.resourceVersion ?? this.resourceVersion;
              break;
            case "ERROR":
              throw new StatusError({
                ...event.object,
                code: event.object.code ?? 500,
                reason: (event.object.reason ?? "InternalError") as StatusError["status"]["reason"],
              });
          }
        }
        // The server ended the watch (timeout): resume from the last resourceVersion at once.
      } catch (error) {
        if (signal.aborted) return;
        if (isExpired(error)) {
          this.log.info(
            { resource: this.resource.resource, resourceVersion: this.resourceVersion },
            "watch expired; relisting",
          );
          needList = true;
          continue;
        }
        this.log.info(
          { resource: this.resource.resource, err: error, retryInMs: backoff },
          needList ? "list failed" : "watch failed",
        );
        await sleep(backoff * (0.5 + Math.random()), signal);
        backoff = Math.min(backoff * 2, maxBackoff);
      }
    }
  }

  /** Applies a full list: adds new objects, updates those whose resourceVersion changed, removes vanished ones. */
  private replace(objects: T[], resourceVersion: string): void {
    const seen = new Set<ObjectKey>();
    for (const object of objects) {
      const key = objectKey(object);
      seen.add(key);
      const old = this.items.get(key);
      if (old && old.metadata?.resourceVersion === object.metadata?.resourceVersion) continue;
      this.store(key, object, old);
      if (old) this.notifyUpdate(old, object);
      else this.notifyAdd(object);
    }
    if (this.items.size > seen.size) {
      for (const [key, old] of this.items) {
        if (seen.has(key)) continue;
        this.unstore(key, old);
        this.notifyDelete(old);
      }
    }
    this.resourceVersion = resourceVersion;
    if (!this.synced) {
      this.synced = true;
      for (const waiter of this.syncWaiters.splice(0)) waiter();
    }
  }

  private upsert(object: T): void {
    const key = objectKey(object);
    const old = this.items.get(key);
    this.store(key, object, old);
    this.resourceVersion = object.metadata?.resourceVersion ?? this.resourceVersion;
    if (old) this.notifyUpdate(old, object);
    else this.notifyAdd(object);
  }

  private remove(object: T): void {
    const key = objectKey(object);
    const old = this.items.get(key);
    this.resourceVersion = object.metadata?.resourceVersion ?? this.resourceVersion;
    if (!old) return;
    this.unstore(key, old);
    this.notifyDelete(object);
  }

  private store(key: ObjectKey, object: T, old: T | undefined): void {
    this.items.set(key, object);
    const namespace = object.metadata?.namespace ?? "";
    let inNamespace = this.byNamespace.get(namespace);
    if (!inNamespace) this.byNamespace.set(namespace, (inNamespace = new Map()));
    inNamespace.set(key, object);
    if (this.indexes.size === 0) return;
    for (const state of this.indexes.values()) {
      if (old) this.indexRemove(state, key, old);
      this.indexAdd(state, key, object);
    }
  }

  private unstore(key: ObjectKey, old: T): void {
    this.items.delete(key);
    const namespace = old.metadata?.namespace ?? "";
    const inNamespace = this.byNamespace.get(namespace);
    if (inNamespace) {
      inNamespace.delete(key);
      if (inNamespace.size === 0) this.byNamespace.delete(namespace);
    }
    for (const state of this.indexes.values()) this.indexRemove(state, key, old);
  }

  private indexAdd(state: IndexState<T>, key: ObjectKey, object: T): void {
    for (const value of this.indexValues(state, object)) {
      let keys = state.values.get(value);
      if (!keys) state.values.set(value, (keys = new Set()));
      keys.add(key);
    }
  }

  private indexRemove(state: IndexState<T>, key: ObjectKey, object: T): void {
    for (const value of this.indexValues(state, object)) {
      const keys = state.values.get(value);
      if (!keys) continue;
      keys.delete(key);
      if (keys.size === 0) state.values.delete(value);
    }
  }

  private indexValues(state: IndexState<T>, object: T): readonly string[] {
    try {
      return state.fn(object);
    } catch (error) {
      this.log.error({ resource: this.resource.resource, err: error }, "index function failed");
      return EMPTY;
    }
  }

  private notifyAdd(object: T): void {
    for (const handler of this.handlers) if (handler.onAdd) this.call(() => handler.onAdd!(object));
  }

  private notifyUpdate(old: T, object: T): void {
    for (const handler of this.handlers) if (handler.onUpdate) this.call(() => handler.onUpdate!(old, object));
  }

  private notifyDelete(object: T): void {
    for (const handler of this.handlers) if (handler.onDelete) this.call(() => handler.onDelete!(object));
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.log.error({ resource: this.resource.resource, err: error }, "event handler failed");
    }
  }
}

class SharedInformerFactory implements InformerFactory {
  private readonly informers = new Map<string, SharedInformer<KubeObject>>();
  private started = false;
  private stopped = false;
  private readonly log: Logger;

  constructor(
    private readonly client: Client,
    private readonly options: InformerFactoryOptions,
  ) {
    this.log = options.log ?? logger("informer");
  }

  informerFor<T extends KubeObject>(resource: Resource<T>, options: InformerOptions = {}): Informer<T> {
    const namespace = resource.namespaced ? (options.namespace ?? "") : "";
    const key = `${resource.group}/${resource.version}/${resource.resource}|${namespace}|${options.labelSelector ?? ""}|${options.fieldSelector ?? ""}`;
    let informer = this.informers.get(key) as SharedInformer<T> | undefined;
    if (!informer) {
      informer = new SharedInformer<T>(
        this.client,
        resource,
        { namespace, labelSelector: options.labelSelector, fieldSelector: options.fieldSelector },
        this.options,
        this.log,
      );
      this.informers.set(key, informer as unknown as SharedInformer<KubeObject>);
      if (this.started && !this.stopped) informer.start();
    }
    return informer;
  }

  start(): void {
    if (this.stopped) return;
    this.started = true;
    for (const informer of this.informers.values()) informer.start();
  }

  async waitForSync(signal?: AbortSignal): Promise<void> {
    const started = [...this.informers.values()].filter((informer) => informer.isStarted());
    await Promise.all(started.map((informer) => informer.waitForSync(signal)));
  }

  stop(): void {
    this.stopped = true;
    for (const informer of this.informers.values()) informer.stop();
  }
}

/** One shared informer per (resource, namespace, selectors); `start()` starts those requested so far and later. */
export function createInformerFactory(client: Client, options: InformerFactoryOptions = {}): InformerFactory {
  return new SharedInformerFactory(client, options);
}
