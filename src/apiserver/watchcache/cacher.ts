/**
 * The watch cache of one resource prefix, like upstream's cacher (staging/src/k8s.io/apiserver/pkg/storage/
 * cacher): ONE datastore watch keeps the current objects and a bounded window of recent events in memory.
 * LIST with resourceVersion "0" (or "" once caught up) and every WATCH are served from here; each event
 * memoizes its serialized forms while it is fanned out, so N watchers cost one encode per format.
 *
 * Objects are kept compact (a `CachedObject`): their JSON as served (off-heap bytes, written as is into LIST
 * and watch answers) plus what selectors need (labels and the resource's selectable fields, computed once
 * at insert). Decoded objects are made on demand and kept in a small LRU; they are shared, never mutate them.
 */
import { jsonOf } from "../encoded.js";
import type { KeyValue, Store, Watch, WatchEvent } from "../../storage/types.js";
import { StorageError } from "../../storage/errors.js";
import { expired, type StatusError } from "../../api/status.js";
import { selectableFields, type SelectableResource } from "../../api/selectors/index.js";
import type { Logger } from "../../util/log.js";
import type { StoredObject } from "../object.js";

export type CacheEventType = "ADDED" | "MODIFIED" | "DELETED";

/** One object as the cache holds it: its JSON (storage version, resourceVersion set) and selector attributes. */
export class CachedObject {
  constructor(
    readonly key: string,
    /** `JSON.stringify(object)`: the exact bytes a JSON answer carries for it. Read-only. */
    readonly json: Buffer,
    /** Its resourceVersion. */
    readonly revision: number,
    /** metadata.labels (undefined when absent). */
    readonly labels: Readonly<Record<string, string>> | undefined,
    /** Names of its selectable fields (one array shared by every object with the same set). */
    private readonly fieldNames: readonly string[],
    private readonly fieldValues: readonly string[],
  ) {}

  /** One selectable field of the cache's resource (metadata.name, metadata.namespace, …); undefined if unset. */
  field(name: string): string | undefined {
    const i = this.fieldNames.indexOf(name);
    return i < 0 ? undefined : this.fieldValues[i];
  }

  /** The selectable field set of the cache's resource, for field selectors (built on each call). */
  get fields(): Record<string, string> {
    const fields: Record<string, string> = {};
    this.fieldNames.forEach((name, i) => (fields[name] = this.fieldValues[i]!));
    return fields;
  }
}

/** Decodes cached objects (memoized in a small LRU); decoded objects are shared, never mutate them. */
interface Decoder {
  object(item: CachedObject): StoredObject;
}

export class CacheEvent {
  private lines: Map<string, Buffer> | undefined;

  constructor(
    readonly type: CacheEventType,
    readonly revision: number,
    readonly key: string,
    /** The new object; for DELETED the last state, with resourceVersion = the delete's revision. */
    readonly item: CachedObject,
    /** The object before this change (MODIFIED, DELETED). */
    readonly prevItem: CachedObject | undefined,
    private readonly decoder: Decoder,
  ) {}

  /** `item` decoded (shared: never mutate it). */
  get object(): StoredObject {
    return this.decoder.object(this.item);
  }

  /** `prevItem` decoded (shared: never mutate it). */
  get prev(): StoredObject | undefined {
    return this.prevItem && this.decoder.object(this.prevItem);
  }

  /** A serialized form by (format, variant), built by the first watcher that needs it during the fan-out. */
  line(key: string, build: () => Buffer): Buffer {
    let line = this.lines?.get(key);
    if (!line) {
      line = build();
      (this.lines ??= new Map()).set(key, line);
    }
    return line;
  }

  /** Drops the memoized lines (after the live fan-out; replays rebuild them). */
  release(): void {
    this.lines = undefined;
  }
}

export interface CacheWatcher {
  onEvent(event: CacheEvent): void;
  /** Everything up to `revision` has been delivered (for bookmarks). */
  onProgress(revision: number): void;
  /** The cache lost its datastore watch; the watcher must end (clients re-list). */
  onTerminate(error: StatusError): void;
}

export interface CacherOptions {
  readonly store: Store;
  readonly prefix: string;
  readonly decode: (kv: KeyValue) => StoredObject;
  /** Whose selectable fields `CachedObject.fields` holds (default: only metadata.name and metadata.namespace). */
  readonly resource?: SelectableResource;
  readonly log: Logger;
  /** Events kept for watches that resume from an older resourceVersion (default 4096). */
  readonly capacity?: number;
  /** Decoded objects kept (default 128). */
  readonly decodedCapacity?: number;
}

const LIST_PAGE = 10_000;

/**
 * The string's UTF-8 in a Buffer of its own: `Buffer.from` slices small strings out of a shared 8 KiB pool,
 * and one long-lived slice keeps the whole slab (mostly other requests' garbage) alive.
 */
function unpooled(text: string): Buffer {
  const buffer = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  buffer.write(text);
  return buffer;
}
const NO_RESOURCE: SelectableResource = { group: "", resource: "" };

export class Cacher implements Decoder {
  private readonly objects = new Map<string, CachedObject>();
  /** Decoded objects, least recently used first. */
  private readonly decoded = new Map<CachedObject, StoredObject>();
  /** Selectable field name lists, shared by the objects that have the same set. */
  private readonly fieldShapes = new Map<string, readonly string[]>();
  private events: CacheEvent[] = [];
  /** Watches from a revision at or above this one can be served from `events`. */
  private windowStart = 0;
  private current = 0;
  private readonly watchers = new Set<CacheWatcher>();
  /**
   * Events applied to the cache but not yet fanned out. The fan-out runs in a later turn of the event loop
   * (setImmediate), so the answers to the writes that caused them go out first, as upstream's cacher
   * dispatches events apart from the write path; anything that depends on the order (a new watcher, progress,
   * the end of the datastore watch) delivers them first.
   */
  private pending: CacheEvent[] = [];
  private readonly waiters = new Set<() => void>();
  private storeWatch: Watch | undefined;
  private stopped = false;
  private readonly capacity: number;
  private readonly decodedCapacity: number;
  private readonly started: Promise<void>;
  /** The resource whose selectable fields the cached objects carry. */
  readonly resource: SelectableResource;

  constructor(private readonly options: CacherOptions) {
    this.capacity = options.capacity ?? 4096;
    this.decodedCapacity = Math.max(1, options.decodedCapacity ?? 128);
    this.resource = options.resource ?? NO_RESOURCE;
    this.started = this.startWithRetry();
    this.started.catch(() => undefined);
  }

  /** Resolves once the cache holds a complete snapshot. */
  ready(): Promise<void> {
    return this.started;
  }

  get revision(): number {
    return this.current;
  }

  /** The newest revision every watcher has been given: what a bookmark may claim (pending events are not). */
  get deliveredRevision(): number {
    return this.pending.length > 0 ? this.pending[0]!.revision - 1 : this.current;
  }

  get watcherCount(): number {
    return this.watchers.size;
  }

  private async startWithRetry(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await this.load();
        return;
      } catch (error) {
        if (error instanceof StorageError && error.code === "Closed") throw error;
        this.options.log.warn(
          { err: error, prefix: this.options.prefix },
          "watch cache: initial list failed; retrying",
        );
        await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
      }
    }
  }

  /** A datastore value as a compact cached object (the decoded form goes to the LRU). */
  private compact(kv: KeyValue): CachedObject {
    const object = this.options.decode(kv);
    const labels = object.metadata.labels; // as is: selectors see exactly what they saw on the object
    const fields = selectableFields(this.resource, object);
    const names = Object.keys(fields);
    const shape = names.join("\n");
    let shared = this.fieldShapes.get(shape);
    if (!shared) this.fieldShapes.set(shape, (shared = names));
    const item = new CachedObject(
      kv.key,
      unpooled(jsonOf(object)),
      Number(object.metadata.resourceVersion ?? 0),
      labels as Readonly<Record<string, string>> | undefined,
      shared,
      Object.values(fields),
    );
    this.remember(item, object);
    return item;
  }

  private remember(item: CachedObject, object: StoredObject): void {
    this.decoded.set(item, object);
    if (this.decoded.size > this.decodedCapacity) {
      this.decoded.delete(this.decoded.keys().next().value as CachedObject);
    }
  }

  /** A cached object decoded (from the LRU, else parsed and remembered). Shared: never mutate it. */
  object(item: CachedObject): StoredObject {
    let object = this.decoded.get(item);
    if (object) {
      this.decoded.delete(item);
      this.decoded.set(item, object);
      return object;
    }
    object = JSON.parse(item.json.toString("utf8")) as StoredObject;
    this.remember(item, object);
    return object;
  }

  /**
   * Cached objects decoded: through the LRU when they all fit in it (small resources stay decoded, e.g. the
   * PriorityClasses admission lists on every pod create), else without disturbing it. Shared: never mutate.
   */
  decodeAll(items: readonly CachedObject[]): StoredObject[] {
    if (items.length <= this.decodedCapacity) return items.map((item) => this.object(item));
    return items.map((item) => this.decoded.get(item) ?? (JSON.parse(item.json.toString("utf8")) as StoredObject));
  }

  /** List everything at one revision, then watch from it. */
  private async load(): Promise<void> {
    const { store, prefix } = this.options;
    const first = await store.list(prefix, { limit: LIST_PAGE });
    const revision = first.revision;
    const items = [...first.items];
    let more = first.more;
    while (more) {
      const page = await store.list(prefix, { limit: LIST_PAGE, revision, after: items[items.length - 1]!.key });
      items.push(...page.items);
      more = page.more;
    }
    this.objects.clear();
    this.decoded.clear();
    for (const kv of items) this.objects.set(kv.key, this.compact(kv));
    this.events = [];
    this.windowStart = revision;
    this.setRevision(revision);
    if (this.stopped) return;
    this.storeWatch = store.watch({
      prefix,
      fromRevision: revision,
      onEvents: (events) => this.apply(events),
      onProgress: (rev) => this.progress(rev),
      onError: (error) => this.lost(error),
    });
  }

  private apply(events: readonly WatchEvent[]): void {
    // A fan-out is scheduled whenever events wait; one made earlier may find them gone (a watch() flushed them).
    if (this.pending.length === 0 && events.length > 0) setImmediate(() => this.fanOut());
    for (const ev of events) {
      let item: CachedObject;
      try {
        item = this.compact(ev.kv);
      } catch (err) {
        this.options.log.error({ err, key: ev.kv.key }, "watch cache: undecodable value skipped");
        continue;
      }
      const prev = this.objects.get(ev.kv.key);
      const type: CacheEventType = ev.type === "create" ? "ADDED" : ev.type === "update" ? "MODIFIED" : "DELETED";
      if (type === "DELETED") this.objects.delete(ev.kv.key);
      else this.objects.set(ev.kv.key, item);
      const event = new CacheEvent(type, ev.kv.modRevision, ev.kv.key, item, prev, this);
      this.events.push(event);
      this.current = Math.max(this.current, event.revision);
      this.pending.push(event);
    }
    // Trimmed a quarter of the capacity at a time, not on every batch: each trim copies the window.
    if (this.events.length > this.capacity + (this.capacity >> 2)) {
      const drop = this.events.length - this.capacity;
      this.windowStart = this.events[drop - 1]!.revision;
      this.events = this.events.slice(drop);
    }
    this.wake();
  }

  /** Delivers the pending events to every watcher, in order. */
  private fanOut(): void {
    while (this.pending.length > 0) {
      const events = this.pending;
      this.pending = [];
      for (const event of events) {
        for (const w of this.watchers) w.onEvent(event);
        event.release();
      }
    }
  }

  private progress(revision: number): void {
    if (revision <= this.current) return;
    this.fanOut();
    this.setRevision(revision);
    for (const w of this.watchers) w.onProgress(revision);
  }

  private setRevision(revision: number): void {
    this.current = revision;
    this.wake();
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  /** The datastore watch ended (compaction, restart): end every watcher and rebuild. */
  private lost(error: StorageError): void {
    if (this.stopped) return;
    this.options.log.warn(
      { err: error, prefix: this.options.prefix },
      "watch cache: datastore watch ended; re-listing",
    );
    const status = expired(`The resourceVersion for the provided watch is too old.`);
    this.fanOut();
    for (const w of [...this.watchers]) w.onTerminate(status);
    this.watchers.clear();
    this.storeWatch = undefined;
    void this.startWithRetry().catch(() => undefined);
  }

  /** Cached objects under `prefix` (the whole resource or one namespace), in key order, at `revision`. */
  listCached(prefix: string, keep: (item: CachedObject) => boolean): { items: CachedObject[]; revision: number } {
    const keys: string[] = [];
    for (const key of this.objects.keys()) if (key.startsWith(prefix)) keys.push(key);
    keys.sort();
    const items: CachedObject[] = [];
    for (const key of keys) {
      const item = this.objects.get(key)!;
      if (keep(item)) items.push(item);
    }
    return { items, revision: this.current };
  }

  /** Objects under `prefix`, decoded, in key order, at `revision`. Shared: never mutate them. */
  list(prefix: string, keep: (object: StoredObject) => boolean): { items: StoredObject[]; revision: number } {
    const { items: cached, revision } = this.listCached(prefix, () => true);
    return { items: this.decodeAll(cached).filter(keep), revision };
  }

  getCached(key: string): CachedObject | undefined {
    return this.objects.get(key);
  }

  /** The object at `key`, decoded. Shared: never mutate it. */
  get(key: string): StoredObject | undefined {
    const item = this.objects.get(key);
    return item && this.object(item);
  }

  /** Wait until the cache has seen `revision` (true) or `timeoutMs` passed (false). */
  async waitFor(revision: number, timeoutMs: number): Promise<boolean> {
    await this.started;
    if (this.current >= revision) return true;
    return new Promise((resolve) => {
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(ok);
      };
      const check = (): void => {
        if (this.current >= revision) done(true);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.waiters.add(check);
    });
  }

  /**
   * Start delivering events after `fromRevision` (0: synthetic ADDED for the current state first). Throws a
   * 410 Expired StatusError when the window no longer holds that revision. The replay is synchronous and
   * pending events are fanned out before it, so a watcher registered here misses nothing between replay and
   * live events and gets nothing twice.
   */
  watch(fromRevision: number, watcher: CacheWatcher): { stop(): void } {
    // The existing watchers get the pending events first; the new one then finds everything delivered.
    this.fanOut();
    if (fromRevision === 0) {
      const keys = [...this.objects.keys()].sort();
      for (const key of keys) {
        const item = this.objects.get(key)!;
        watcher.onEvent(new CacheEvent("ADDED", item.revision, key, item, undefined, this));
      }
    } else {
      if (fromRevision < this.windowStart) {
        throw expired(`too old resource version: ${fromRevision} (${this.windowStart})`);
      }
      for (const event of this.events) {
        if (event.revision <= fromRevision) continue;
        watcher.onEvent(event);
        event.release();
      }
    }
    this.watchers.add(watcher);
    return { stop: () => void this.watchers.delete(watcher) };
  }

  stop(): void {
    this.stopped = true;
    this.pending = [];
    this.storeWatch?.close();
    this.watchers.clear();
    this.wake();
  }
}
