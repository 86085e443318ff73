/**
 * The watch cache of one resource prefix, like upstream's cacher (staging/src/k8s.io/apiserver/pkg/storage/
 * cacher): ONE datastore watch keeps the current objects and a bounded window of recent events in memory.
 * LIST with resourceVersion "0" (or "" once caught up) and every WATCH are served from here; each event
 * memoizes its serialized forms so N watchers cost one encode per format.
 */
import type { KeyValue, Store, Watch, WatchEvent } from "../../storage/types.js";
import { StorageError } from "../../storage/errors.js";
import { expired, type StatusError } from "../../api/status.js";
import type { Logger } from "../../util/log.js";
import type { StoredObject } from "../object.js";

export type CacheEventType = "ADDED" | "MODIFIED" | "DELETED";

export interface CacheEvent {
  readonly type: CacheEventType;
  readonly revision: number;
  readonly key: string;
  /** The new object; for DELETED the last state, with resourceVersion = the delete's revision. */
  readonly object: StoredObject;
  /** The object before this change (MODIFIED, DELETED). */
  readonly prev?: StoredObject;
  /** Serialized forms by (format, variant), filled by the first watcher that needs each one. */
  readonly encoded: Map<string, Buffer>;
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
  readonly log: Logger;
  /** Events kept for watches that resume from an older resourceVersion (default 4096). */
  readonly capacity?: number;
}

interface Entry {
  readonly key: string;
  readonly object: StoredObject;
  /** Serialized ADDED lines for watches that start from the current state (shared like event lines). */
  readonly encoded: Map<string, Buffer>;
}

const LIST_PAGE = 10_000;

export class Cacher {
  private readonly objects = new Map<string, Entry>();
  private events: CacheEvent[] = [];
  /** Watches from a revision at or above this one can be served from `events`. */
  private windowStart = 0;
  private current = 0;
  private readonly watchers = new Set<CacheWatcher>();
  private readonly waiters = new Set<() => void>();
  private storeWatch: Watch | undefined;
  private stopped = false;
  private readonly capacity: number;
  private readonly started: Promise<void>;

  constructor(private readonly options: CacherOptions) {
    this.capacity = options.capacity ?? 4096;
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

  /** List everything at one revision, then watch from it. */
  private async load(): Promise<void> {
    const { store, prefix, decode } = this.options;
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
    for (const kv of items) this.objects.set(kv.key, { key: kv.key, object: decode(kv), encoded: new Map() });
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
    for (const ev of events) {
      let object: StoredObject;
      try {
        object = this.options.decode(ev.kv);
      } catch (err) {
        this.options.log.error({ err, key: ev.kv.key }, "watch cache: undecodable value skipped");
        continue;
      }
      const prev = this.objects.get(ev.kv.key)?.object;
      const type: CacheEventType = ev.type === "create" ? "ADDED" : ev.type === "update" ? "MODIFIED" : "DELETED";
      if (type === "DELETED") this.objects.delete(ev.kv.key);
      else this.objects.set(ev.kv.key, { key: ev.kv.key, object, encoded: new Map() });
      const event: CacheEvent = {
        type,
        revision: ev.kv.modRevision,
        key: ev.kv.key,
        object,
        ...(prev ? { prev } : {}),
        encoded: new Map(),
      };
      this.events.push(event);
      this.current = Math.max(this.current, event.revision);
      for (const w of this.watchers) w.onEvent(event);
    }
    if (this.events.length > this.capacity) {
      const drop = this.events.length - this.capacity;
      this.windowStart = this.events[drop - 1]!.revision;
      this.events = this.events.slice(drop);
    }
    this.wake();
  }

  private progress(revision: number): void {
    if (revision <= this.current) return;
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
    for (const w of [...this.watchers]) w.onTerminate(status);
    this.watchers.clear();
    this.storeWatch = undefined;
    void this.startWithRetry().catch(() => undefined);
  }

  /** Objects under `prefix` (the whole resource or one namespace), in key order, at `revision`. */
  list(prefix: string, keep: (object: StoredObject) => boolean): { items: StoredObject[]; revision: number } {
    const keys: string[] = [];
    for (const key of this.objects.keys()) if (key.startsWith(prefix)) keys.push(key);
    keys.sort();
    const items: StoredObject[] = [];
    for (const key of keys) {
      const object = this.objects.get(key)!.object;
      if (keep(object)) items.push(object);
    }
    return { items, revision: this.current };
  }

  get(key: string): StoredObject | undefined {
    return this.objects.get(key)?.object;
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
   * 410 Expired StatusError when the window no longer holds that revision. Delivery is synchronous, so a
   * watcher registered here misses nothing between replay and live events.
   */
  watch(fromRevision: number, watcher: CacheWatcher): { stop(): void } {
    if (fromRevision === 0) {
      const keys = [...this.objects.keys()].sort();
      for (const key of keys) {
        const entry = this.objects.get(key)!;
        watcher.onEvent({
          type: "ADDED",
          revision: Number(entry.object.metadata.resourceVersion ?? 0),
          key,
          object: entry.object,
          encoded: entry.encoded,
        });
      }
    } else {
      if (fromRevision < this.windowStart) {
        throw expired(`too old resource version: ${fromRevision} (${this.windowStart})`);
      }
      for (const event of this.events) if (event.revision > fromRevision) watcher.onEvent(event);
    }
    this.watchers.add(watcher);
    return { stop: () => void this.watchers.delete(watcher) };
  }

  stop(): void {
    this.stopped = true;
    this.storeWatch?.close();
    this.watchers.clear();
    this.wake();
  }
}
