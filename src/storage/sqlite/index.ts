/**
 * The embedded datastore: a kine-like revision log in one SQLite file (see README.md in this folder).
 * One process owns the file; everything runs on the main thread with better-sqlite3's synchronous API,
 * which is what makes snapshots and watch hand-over simple: nothing commits while a read runs.
 */
import { StorageError } from "../errors.js";
import type {
  DeleteResult,
  HealthReport,
  KeyValue,
  ListOptions,
  ListResult,
  Store,
  StoreBackend,
  Watch,
  WatchOptions,
} from "../types.js";
import {
  checkKey,
  checkLimit,
  checkPrefix,
  checkRevision,
  checkValue,
  isEncodedJsonValue,
  prefixEnd,
} from "../validation.js";
import { logger, type Logger } from "../../util/log.js";
import { BackgroundCheckpointer } from "./checkpointer.js";
import { Compaction } from "./compaction.js";
import { Reader } from "./reader.js";
import { asStorageError, message, openDatabase, type Db, type PersistedState } from "./schema.js";
import { WatchHub } from "./watch.js";
import { GroupCommitWriter } from "./writer.js";
import { WalSync } from "./wal-sync.js";

export interface SqliteStoreOptions {
  /** The database file; its directory is created if missing. */
  readonly file: string;
  /** Most writes per transaction (default 1000). */
  readonly maxBatch?: number;
  /** Least time between two onProgress calls of one watch (default 100 ms). */
  readonly progressIntervalMs?: number;
  /** Revisions purged per compaction transaction (default 300). */
  readonly compactionStep?: number;
  /** Checkpoint the WAL from a background thread (default true); false: inside commits, as SQLite does. */
  readonly backgroundCheckpoints?: boolean;
}

/** Counters for tests, benchmarks and metrics. */
export interface SqliteStoreStats {
  readonly revision: number;
  readonly compactedRevision: number;
  /** Committed write transactions; with group commit far fewer than `writes`. */
  readonly transactions: number;
  readonly writes: number;
  /** Writes refused by their guard (KeyExists, NotFound, Conflict). */
  readonly rejected: number;
  readonly failedBatches: number;
  readonly largestBatch: number;
  readonly compactionSteps: number;
  readonly rowsCompacted: number;
  readonly watches: number;
  /** WAL checkpoints run on the background thread (the store got busy), not inside commits. */
  readonly backgroundCheckpoints: boolean;
  /** Commits are made durable by an fsync of the WAL off the main thread (wal-sync.ts), not inside COMMIT. */
  readonly walSync: boolean;
}

/** Write transactions after which WAL checkpoints move to a background thread (a busy store, not a test's). */
const BACKGROUND_CHECKPOINTS_AFTER = 2000;

export class SqliteStore implements Store {
  readonly backend: StoreBackend = "sqlite";
  private revision: number;
  private closed = false;
  private closing: Promise<void> | undefined;
  private lastFailure: StorageError | undefined;
  private readonly reader: Reader;
  private readonly writer: GroupCommitWriter;
  private readonly hub: WatchHub;
  private readonly compaction: Compaction;
  private readonly probe;
  private checkpointer: BackgroundCheckpointer | undefined;
  /** The file to checkpoint in the background once writes are frequent enough to be worth a thread. */
  private checkpointsFor: string | undefined;

  private constructor(
    private readonly db: Db,
    state: PersistedState,
    options: SqliteStoreOptions,
    private readonly log: Logger,
    private readonly wal: WalSync | undefined,
  ) {
    this.revision = state.revision;
    this.reader = new Reader(db);
    this.probe = db.prepare("SELECT 1");
    this.writer = new GroupCommitWriter(db, {
      maxBatch: options.maxBatch ?? 1000,
      ...(wal ? { sync: wal.sync } : {}),
      onCommit: (events, revision) => {
        this.revision = revision;
        this.lastFailure = undefined;
        this.hub.publish(events, revision);
        if (this.checkpointsFor !== undefined && this.writer.stats.transactions >= BACKGROUND_CHECKPOINTS_AFTER) {
          this.checkpointer = BackgroundCheckpointer.start(db, this.checkpointsFor, this.log);
          this.checkpointsFor = undefined;
        }
      },
      onBatchError: (error) => {
        this.lastFailure = error;
        this.log.error({ err: error.cause ?? error }, "sqlite write transaction failed");
      },
    });
    this.hub = new WatchHub(
      {
        revision: () => this.revision,
        compactedRevision: () => this.compaction.revision,
        history: (lo, hi, from, to, limit) => this.reader.history(lo, hi, from, to, limit),
      },
      {
        progressIntervalMs: options.progressIntervalMs ?? 100,
        replayPage: 500,
        replaySpan: 5000,
        onCallbackError: (err: unknown) => this.log.warn({ err }, "watch callback threw"),
      },
    );
    this.compaction = new Compaction(
      db,
      state,
      options.compactionStep ?? 300,
      () => this.closed,
      (err: unknown) => this.log.warn({ err }, "sqlite space reclaim after compaction failed"),
    );
  }

  static async open(options: SqliteStoreOptions): Promise<SqliteStore> {
    if (typeof options?.file !== "string" || options.file === "") {
      throw new StorageError("Unavailable", "the SQLite datastore needs a file name");
    }
    const { db, state } = openDatabase(options.file);
    const log = logger("storage.sqlite");
    const store = new SqliteStore(db, state, options, log, WalSync.open(db, options.file, log));
    store.checkpointsFor = options.backgroundCheckpoints === false ? undefined : options.file;
    if (store.compaction.unfinished) {
      // A compaction was interrupted (crash); finish purging in the background.
      store.compaction.resume().catch((err: unknown) => {
        if (!(err instanceof StorageError && err.code === "Closed")) store.log.warn({ err }, "resuming compaction");
      });
    }
    return store;
  }

  async create(key: string, value: Uint8Array): Promise<KeyValue> {
    this.assertOpen();
    checkKey(key);
    const event = await this.writer.submit({ kind: "create", key, value: copyValue(value, key) });
    return event.kv;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.assertOpen();
    checkKey(key);
    await this.durable();
    return this.read("get", () => this.reader.get(key));
  }

  async update(key: string, value: Uint8Array, expectedRevision?: number): Promise<KeyValue> {
    this.assertOpen();
    checkKey(key);
    const bytes = copyValue(value, key);
    const expected = expectedRevision === undefined ? undefined : checkRevision(expectedRevision, "expectedRevision");
    const event = await this.writer.submit({ kind: "update", key, value: bytes, expected });
    return event.kv;
  }

  async delete(key: string, expectedRevision?: number): Promise<DeleteResult> {
    this.assertOpen();
    checkKey(key);
    const expected = expectedRevision === undefined ? undefined : checkRevision(expectedRevision, "expectedRevision");
    const event = await this.writer.submit({ kind: "delete", key, expected });
    return { revision: event.kv.modRevision, prev: event.prev! };
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    this.assertOpen();
    checkPrefix(prefix);
    const limit = checkLimit(options.limit);
    const requested = checkRevision(options.revision ?? 0);
    const after: unknown = options.after;
    if (after !== undefined && (typeof after !== "string" || !after.startsWith(prefix))) {
      throw new StorageError("InvalidKey", `continue key ${JSON.stringify(after)} is not under ${prefix}`, {
        key: typeof after === "string" ? after : undefined,
      });
    }
    if (after !== undefined && after !== prefix) checkKey(after);
    await this.durable();
    const revision = requested === 0 ? this.revision : requested;
    this.checkReadable(revision);
    const page = this.read("list", () =>
      this.reader.list({
        lo: after ?? prefix,
        hi: prefixEnd(prefix),
        limit,
        revision,
        current: revision === this.revision,
      }),
    );
    return { ...page, revision };
  }

  async count(prefix: string): Promise<number> {
    this.assertOpen();
    checkPrefix(prefix);
    await this.durable();
    return this.read("count", () => this.reader.count(prefix, prefixEnd(prefix)));
  }

  watch(options: WatchOptions): Watch {
    if (!this.closed) return this.hub.add(options);
    let cancelled = false;
    setImmediate(() => {
      if (cancelled) return;
      try {
        options.onError(new StorageError("Closed", "the SQLite store is closed"));
      } catch (err) {
        this.log.warn({ err }, "watch callback threw");
      }
    });
    return { close: () => void (cancelled = true) };
  }

  async currentRevision(): Promise<number> {
    this.assertOpen();
    return this.revision;
  }

  async compactedRevision(): Promise<number> {
    this.assertOpen();
    return this.compaction.revision;
  }

  async compact(revision: number): Promise<void> {
    this.assertOpen();
    checkRevision(revision);
    if (revision > this.revision) {
      throw new StorageError("FutureRevision", `cannot compact at ${revision}: the store is at ${this.revision}`, {
        revision: this.revision,
      });
    }
    try {
      await this.compaction.compact(revision);
    } catch (error) {
      throw asStorageError(error, "compaction");
    }
  }

  async health(): Promise<HealthReport> {
    this.assertOpen();
    try {
      this.probe.get();
    } catch (error) {
      return { healthy: false, backend: this.backend, message: `sqlite does not answer: ${message(error)}` };
    }
    if (this.lastFailure) {
      return { healthy: false, backend: this.backend, revision: this.revision, message: this.lastFailure.message };
    }
    return { healthy: true, backend: this.backend, revision: this.revision };
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  stats(): SqliteStoreStats {
    const w = this.writer.stats;
    const c = this.compaction.stats;
    return {
      revision: this.revision,
      compactedRevision: this.compaction.revision,
      transactions: w.transactions,
      writes: w.writes,
      rejected: w.rejected,
      failedBatches: w.failedBatches,
      largestBatch: w.largestBatch,
      compactionSteps: c.steps,
      rowsCompacted: c.rowsRemoved,
      watches: this.hub.size,
      backgroundCheckpoints: this.checkpointer !== undefined,
      walSync: this.wal !== undefined,
    };
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    this.checkpointsFor = undefined;
    await this.writer.drain(); // writes accepted before close still commit (or fail) normally
    this.hub.failAll(new StorageError("Closed", "the SQLite store is closed"));
    await this.compaction.idle();
    await this.checkpointer?.stop();
    try {
      this.db.close();
    } catch (err) {
      this.log.warn({ err }, "closing the SQLite database");
    }
    this.wal?.close();
  }

  /**
   * Waits while the last committed batch is being fsynced: reads see only durable, acknowledged writes (and a
   * revision that matches what they read), as with etcd.
   */
  private async durable(): Promise<void> {
    const pending = this.writer.syncing;
    if (pending) await pending;
  }

  private read<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw asStorageError(error, what);
    }
  }

  private checkReadable(revision: number): void {
    if (revision < this.compaction.revision) {
      throw new StorageError("Compacted", `revision ${revision} has been compacted`, {
        revision: this.compaction.revision,
      });
    }
    if (revision > this.revision) {
      throw new StorageError("FutureRevision", `revision ${revision} is newer than the store's ${this.revision}`, {
        revision: this.revision,
      });
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new StorageError("Closed", "the SQLite store is closed");
  }
}

/**
 * Validate and copy, so a caller reusing its buffer cannot change what was stored or delivered (a buffer from
 * encodeJsonValue is never changed: it is kept as it is).
 */
function copyValue(value: Uint8Array, key: string): Buffer {
  const bytes = checkValue(value, key);
  return isEncodedJsonValue(value) ? bytes : Buffer.from(bytes);
}
