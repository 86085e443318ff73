/**
 * Group commit. Writes are queued and run together in one `BEGIN IMMEDIATE … COMMIT` (one fsync for the
 * batch), flushed on the next setImmediate, or on a microtask once the queue is big. Each op's guard is
 * checked inside the transaction against the state its predecessors in the batch left, so racing
 * guarded writes have exactly one winner. A failed guard fails only its op; an SQLite error rolls back and
 * fails the whole batch with `Unavailable`. Promises settle, and watchers hear of the batch, after COMMIT.
 *
 * With a `sync` option the connection commits without fsync (synchronous=NORMAL) and the writer makes each
 * batch durable itself: after COMMIT it asks `sync` to fsync the WAL (off the main thread) and settles the
 * batch only once that is done, which is what synchronous=FULL does inside COMMIT, without blocking the event
 * loop. No other batch commits meanwhile (the queue grows into the next batch), and `syncing` lets readers
 * wait, so nothing reads a committed write before it is durable.
 */
import { StorageError } from "../errors.js";
import type { KeyValue, WatchEvent } from "../types.js";
import { asStorageError, type Db } from "./schema.js";

export type WriteOp =
  | { readonly kind: "create"; readonly key: string; readonly value: Buffer }
  | { readonly kind: "update"; readonly key: string; readonly value: Buffer; readonly expected?: number }
  | { readonly kind: "delete"; readonly key: string; readonly expected?: number };

export interface WriterStats {
  /** Committed write transactions (batches). */
  transactions: number;
  /** Writes that committed (each got a revision). */
  writes: number;
  /** Writes rejected by their guard (KeyExists, NotFound, Conflict). */
  rejected: number;
  /** Batches that failed as a whole (SQLite errors). */
  failedBatches: number;
  largestBatch: number;
}

export interface WriterOptions {
  /** Most ops per transaction; reaching it flushes on a microtask instead of waiting for setImmediate. */
  readonly maxBatch: number;
  /** Called synchronously after each COMMIT with the batch's events in revision order (maybe none). */
  readonly onCommit: (events: readonly WatchEvent[], revision: number) => void;
  /** Called after a batch failed as a whole. */
  readonly onBatchError: (error: StorageError) => void;
  /** Makes the committed WAL durable (fdatasync, off the main thread); absent when COMMIT itself syncs. */
  readonly sync?: (done: (error: Error | null) => void) => void;
}

interface Pending {
  readonly op: WriteOp;
  readonly bytes: number;
  resolve(event: WatchEvent): void;
  reject(error: StorageError): void;
}

type CurrentRow = [id: number, deleted: number, createRevision: number, value: Buffer];

// Keeps one transaction's WAL growth and fsync reasonable even with many large objects queued.
const MAX_BATCH_BYTES = 32 * 1024 * 1024;

export class GroupCommitWriter {
  readonly stats: WriterStats = { transactions: 0, writes: 0, rejected: 0, failedBatches: 0, largestBatch: 0 };
  private queue: Pending[] = [];
  private scheduled: "none" | "immediate" | "microtask" = "none";
  private flushing = false;
  /** The fsync of the last committed batch, while it runs; that batch settles when it is done. */
  private pendingSync: Promise<void> | undefined;

  private readonly begin;
  private readonly commit;
  private readonly rollback;
  private readonly sequence;
  private readonly current;
  private readonly insert;
  private readonly setCurrent;

  constructor(
    private readonly db: Db,
    private readonly options: WriterOptions,
  ) {
    this.begin = db.prepare("BEGIN IMMEDIATE");
    this.commit = db.prepare("COMMIT");
    this.rollback = db.prepare("ROLLBACK");
    this.sequence = db.prepare<[], number>("SELECT seq FROM sqlite_sequence WHERE name = 'kv'").pluck(true);
    this.current = db
      .prepare<[string], CurrentRow>(
        "SELECT c.id, c.deleted, k.create_revision, k.value FROM cur c JOIN kv k ON k.id = c.id WHERE c.name = ?",
      )
      .raw(true);
    this.insert = db.prepare<[number, string, number, number, number, number, Buffer | null]>(
      "INSERT INTO kv (id, name, created, deleted, create_revision, prev_revision, value) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    this.setCurrent = db.prepare<[string, number, number]>(
      "INSERT INTO cur (name, id, deleted) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET id = excluded.id, deleted = excluded.deleted",
    );
  }

  /** Queue one write; resolves with its event once committed. */
  submit(op: WriteOp): Promise<WatchEvent> {
    return new Promise<WatchEvent>((resolve, reject) => {
      const bytes = op.kind === "delete" ? 0 : op.value.byteLength;
      this.queue.push({ op, bytes, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once the last committed batch is durable and settled; undefined when none is waiting for fsync. */
  get syncing(): Promise<void> | undefined {
    return this.pendingSync;
  }

  /** Commit everything queued (used by close). */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.pendingSync) {
      if (this.pendingSync) await this.pendingSync;
      else if (this.flushing) await new Promise((resolve) => setImmediate(resolve));
      else this.flush();
    }
  }

  private schedule(): void {
    if (this.queue.length >= this.options.maxBatch && this.scheduled !== "microtask") {
      // A microtask never runs inside another synchronous flush, so batches stay in order.
      this.scheduled = "microtask";
      queueMicrotask(() => this.flush());
    } else if (this.scheduled === "none") {
      this.scheduled = "immediate";
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.scheduled = "none";
    if (this.flushing || this.pendingSync || this.queue.length === 0) return;
    this.flushing = true;
    try {
      const batch = this.take();
      this.runBatch(batch);
    } finally {
      this.flushing = false;
      if (this.queue.length > 0) this.schedule();
    }
  }

  private take(): Pending[] {
    let n = 0;
    let bytes = 0;
    while (n < this.queue.length && n < this.options.maxBatch) {
      bytes += this.queue[n]!.bytes;
      if (n > 0 && bytes > MAX_BATCH_BYTES) break;
      n++;
    }
    return this.queue.splice(0, n);
  }

  private runBatch(batch: Pending[]): void {
    const outcomes: (WatchEvent | StorageError)[] = [];
    let revision = 0;
    try {
      this.begin.run();
      try {
        revision = this.sequence.get() ?? 0;
        for (const p of batch) {
          const outcome = this.apply(p.op, revision + 1);
          if (!(outcome instanceof StorageError)) revision++;
          outcomes.push(outcome);
        }
        this.commit.run();
      } catch (error) {
        try {
          if (this.db.inTransaction) this.rollback.run();
        } catch {
          // SQLite may have rolled back by itself; the batch fails either way
        }
        throw error;
      }
    } catch (error) {
      this.stats.failedBatches++;
      const failure = asStorageError(error, "write transaction");
      for (const p of batch) p.reject(failure);
      this.options.onBatchError(failure);
      return;
    }

    this.stats.transactions++;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
    const sync = this.options.sync;
    if (!sync) {
      this.settle(batch, outcomes, revision, undefined);
      return;
    }
    this.pendingSync = new Promise<void>((synced) => {
      sync((error) => {
        this.pendingSync = undefined;
        const failure =
          error === null
            ? undefined
            : new StorageError(
                "Unavailable",
                `the write was committed but could not be synced to disk (${error.message}); it may not survive a power loss`,
                { cause: error },
              );
        this.settle(batch, outcomes, revision, failure);
        if (failure) this.options.onBatchError(failure);
        synced(); // readers waiting on `syncing` go before the next batch (scheduled below) commits
        if (this.queue.length > 0) this.schedule();
      });
    });
  }

  /** Settles a committed batch's promises (or fails them all with `failure`) and publishes its events. */
  private settle(
    batch: readonly Pending[],
    outcomes: readonly (WatchEvent | StorageError)[],
    revision: number,
    failure: StorageError | undefined,
  ): void {
    const events: WatchEvent[] = [];
    batch.forEach((p, i) => {
      const outcome = outcomes[i]!;
      if (outcome instanceof StorageError) {
        this.stats.rejected++;
        p.reject(outcome);
      } else {
        this.stats.writes++;
        events.push(outcome);
        if (failure) p.reject(failure);
        else p.resolve(outcome);
      }
    });
    // Promise callbacks run after this synchronous fan-out, so a watcher has an event before its writer
    // continues. A batch whose fsync failed is still in the database: watchers must hear of it.
    this.options.onCommit(events, revision);
  }

  /** Check the op's guard and write its row; a guard failure writes nothing. */
  private apply(op: WriteOp, id: number): WatchEvent | StorageError {
    const row = this.current.get(op.key);
    const live = row !== undefined && row[1] === 0 ? row : undefined;
    const current: KeyValue | undefined = live && {
      key: op.key,
      value: live[3],
      createRevision: live[2],
      modRevision: live[0],
    };
    if (op.kind === "create") {
      if (current) return new StorageError("KeyExists", `${op.key} already exists`, { key: op.key });
      this.insert.run(id, op.key, 1, 0, id, 0, op.value);
      this.setCurrent.run(op.key, id, 0);
      return { type: "create", kv: { key: op.key, value: op.value, createRevision: id, modRevision: id } };
    }
    if (!current) return new StorageError("NotFound", `${op.key} not found`, { key: op.key });
    if (op.expected !== undefined && op.expected !== current.modRevision) {
      return new StorageError(
        "Conflict",
        `${op.key} is at revision ${current.modRevision}, not the expected ${op.expected}`,
        { key: op.key, current },
      );
    }
    if (op.kind === "update") {
      this.insert.run(id, op.key, 0, 0, current.createRevision, current.modRevision, op.value);
      this.setCurrent.run(op.key, id, 0);
      const kv = { key: op.key, value: op.value, createRevision: current.createRevision, modRevision: id };
      return { type: "update", kv, prev: current };
    }
    this.insert.run(id, op.key, 0, 1, current.createRevision, current.modRevision, null);
    this.setCurrent.run(op.key, id, 1);
    const kv = { key: op.key, value: current.value, createRevision: current.createRevision, modRevision: id };
    return { type: "delete", kv, prev: current };
  }
}
