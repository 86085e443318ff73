/**
 * The etcd backend: the Store contract over etcd's v3 gRPC API (see README.md for how each call maps to
 * etcd requests). Arguments are validated before any I/O; every failure is a StorageError.
 */
import { logger } from "../../util/log.js";
import { StorageError } from "../errors.js";
import type {
  DeleteResult,
  HealthReport,
  KeyValue,
  ListOptions,
  ListResult,
  Store,
  Watch,
  WatchOptions,
} from "../types.js";
import { checkKey, checkLimit, checkPrefix, checkRevision, checkValue } from "../validation.js";
import { compact, readCompactState } from "./compaction.js";
import { closedError, Connection } from "./connection.js";
import { toStorageError } from "./grpc-errors.js";
import { countKeys, getKey, listKeys } from "./reads.js";
import { OwnWrites } from "./own-writes.js";
import { EtcdWatch } from "./watch.js";
import { storeRevision } from "./wire.js";
import { createKey, deleteKey, updateKey } from "./writes.js";

export interface EtcdStoreOptions {
  /** http://host:port or https://host:port (https uses the system's CAs). */
  readonly endpoints: string[];
  /** How long `open` waits for etcd to answer; default 5 s. */
  readonly dialTimeoutMs?: number;
  /** Deadline of each request; default 15 s. */
  readonly requestTimeoutMs?: number;
  /** Deadline of `health()`; default 2 s. */
  readonly healthTimeoutMs?: number;
  /** A watch that cannot get its stream back for this long ends with `Unavailable`; default 10 s. */
  readonly watchUnavailableAfterMs?: number;
}

const DEFAULTS = {
  dialTimeoutMs: 5000,
  requestTimeoutMs: 15_000,
  healthTimeoutMs: 2000,
  watchUnavailableAfterMs: 10_000,
};
type Settings = typeof DEFAULTS;

export class EtcdStore implements Store {
  readonly backend = "etcd" as const;
  private readonly watches = new Set<EtcdWatch>();
  private readonly log = logger("storage-etcd");
  /** Values being written, so their watch events carry the writer's own Buffers. */
  private readonly ownWrites = new OwnWrites();
  private closed = false;

  private constructor(
    private readonly conn: Connection,
    private readonly settings: Settings,
  ) {}

  /** Connects and checks that etcd answers (a linearizable read), or rejects with `Unavailable`. */
  static async open(options: EtcdStoreOptions): Promise<EtcdStore> {
    const settings: Settings = { ...DEFAULTS };
    for (const name of Object.keys(DEFAULTS) as (keyof Settings)[]) settings[name] = options[name] ?? DEFAULTS[name];
    const conn = new Connection(options.endpoints, settings.requestTimeoutMs);
    try {
      await readCompactState(conn, { waitForReady: true, timeoutMs: settings.dialTimeoutMs });
    } catch (error) {
      conn.close();
      const cause = toStorageError(error);
      const message = `cannot reach etcd at ${options.endpoints.join(",")}: ${cause.message}`;
      throw new StorageError("Unavailable", message, { cause });
    }
    return new EtcdStore(conn, settings);
  }

  async create(key: string, value: Uint8Array): Promise<KeyValue> {
    this.live();
    checkKey(key);
    const bytes = checkValue(value, key);
    return this.writing(key, bytes, createKey(this.conn, key, bytes));
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.live();
    return getKey(this.conn, checkKey(key));
  }

  async update(key: string, value: Uint8Array, expectedRevision?: number): Promise<KeyValue> {
    this.live();
    checkKey(key);
    const bytes = checkValue(value, key);
    const expected = expectedRevision === undefined ? undefined : checkRevision(expectedRevision, "expectedRevision");
    return this.writing(key, bytes, updateKey(this.conn, key, bytes, expected));
  }

  async delete(key: string, expectedRevision?: number): Promise<DeleteResult> {
    this.live();
    checkKey(key);
    const expected = expectedRevision === undefined ? undefined : checkRevision(expectedRevision, "expectedRevision");
    return deleteKey(this.conn, key, expected);
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    this.live();
    checkPrefix(prefix);
    const after = options.after === undefined ? undefined : checkAfter(options.after, prefix);
    const limit = checkLimit(options.limit);
    const revision = checkRevision(options.revision ?? 0);
    try {
      return await listKeys(this.conn, prefix, after, limit, revision);
    } catch (error) {
      throw await this.withRevision(toStorageError(error), revision);
    }
  }

  async count(prefix: string): Promise<number> {
    this.live();
    return countKeys(this.conn, checkPrefix(prefix));
  }

  /** Invalid options throw at once; everything later (including `Closed`) arrives through `onError`. */
  watch(options: WatchOptions): Watch {
    checkPrefix(options.prefix);
    checkRevision(options.fromRevision, "fromRevision");
    const watch = new EtcdWatch(
      {
        conn: this.conn,
        unavailableAfterMs: this.settings.watchUnavailableAfterMs,
        log: this.log,
        ownWrites: this.ownWrites,
        ended: (w) => this.watches.delete(w),
      },
      options,
    );
    this.watches.add(watch);
    return watch;
  }

  async currentRevision(): Promise<number> {
    this.live();
    return storeRevision((await readCompactState(this.conn)).current);
  }

  async compactedRevision(): Promise<number> {
    this.live();
    return (await readCompactState(this.conn)).compacted;
  }

  async compact(revision: number): Promise<void> {
    this.live();
    return compact(this.conn, checkRevision(revision));
  }

  async health(): Promise<HealthReport> {
    this.live();
    try {
      const state = await readCompactState(this.conn, { timeoutMs: this.settings.healthTimeoutMs });
      return { healthy: true, backend: "etcd", revision: storeRevision(state.current) };
    } catch (error) {
      if (this.closed) throw closedError(error);
      const message = `etcd at ${this.conn.target}: ${toStorageError(error).message}`;
      return { healthy: false, backend: "etcd", message };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const watch of [...this.watches]) watch.fail(closedError());
    this.conn.close();
  }

  /** A write of `value` to `key` in flight: its watch event may reuse `value` (see OwnWrites). */
  private async writing(key: string, value: Buffer, write: Promise<KeyValue>): Promise<KeyValue> {
    this.ownWrites.remember(key, value);
    try {
      return await write;
    } catch (error) {
      this.ownWrites.forget(key, value);
      throw error;
    }
  }

  private live(): void {
    if (this.closed) throw closedError();
  }

  /** etcd's Compacted/FutureRevision errors do not say which revision; ask, so callers can tell. */
  private async withRevision(error: StorageError, requested: number): Promise<StorageError> {
    if (error.code !== "Compacted" && error.code !== "FutureRevision") return error;
    let state;
    try {
      state = await readCompactState(this.conn);
    } catch {
      return error;
    }
    if (error.code === "FutureRevision") {
      const current = storeRevision(state.current);
      return new StorageError("FutureRevision", `revision ${requested} is newer than the current revision ${current}`, {
        revision: current,
        cause: error,
      });
    }
    // etcd refused `requested`, so its compaction point is above it even if the recorded one lags.
    const compacted = Math.max(state.compacted, requested + 1);
    return new StorageError("Compacted", `revision ${requested} has been compacted (up to ${compacted})`, {
      revision: compacted,
      cause: error,
    });
  }
}

/** A continue position must be a key inside the listed prefix. */
function checkAfter(after: unknown, prefix: string): string {
  const key = checkKey(after);
  if (!key.startsWith(prefix)) {
    throw new StorageError("InvalidKey", `continue key ${key} is outside the listed prefix ${prefix}`, { key });
  }
  return key;
}
