/**
 * One Store watch = one etcd Watch stream (one gRPC call on the shared channel) with start_revision =
 * the next revision not yet delivered. `next` only moves forward, past delivered events or a progress
 * notification, and events below it are dropped, so a reconnect resumes exactly where delivery stopped:
 * nothing skipped, nothing repeated. Why not etcd3's Watcher: see README.md.
 */
import type { Logger } from "../../util/log.js";
import { StorageError } from "../errors.js";
import type { Watch, WatchEvent, WatchOptions } from "../types.js";
import { prefixEnd } from "../validation.js";
import { readCompactState } from "./compaction.js";
import type { Connection } from "./connection.js";
import type { GrpcStream } from "./grpc.js";
import type { OwnWrites } from "./own-writes.js";
import { WATCH } from "./proto.js";
import { toStorageError } from "./grpc-errors.js";
import { bytes, toNumber, toWatchEvent, type WatchResponse } from "./wire.js";

export interface WatchContext {
  readonly conn: Connection;
  /** Lost the stream and could not get it back for this long → onError(Unavailable). */
  readonly unavailableAfterMs: number;
  readonly log: Logger;
  /** Values this store is writing: an event carrying one of them delivers the writer's Buffer. */
  readonly ownWrites?: OwnWrites;
  /** Called once when the watch ends, for whatever reason. */
  readonly ended: (watch: EtcdWatch) => void;
}

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 1000;

export class EtcdWatch implements Watch {
  /** Every change below this revision has been delivered: the start_revision of the next etcd watch. */
  private next: number;
  /** fromRevision 0 and not yet connected. */
  private fromNow: boolean;
  private stream: GrpcStream | undefined;
  private timer: NodeJS.Timeout | undefined;
  private done = false;
  /** When the stream was lost (or first tried), while it is not (re)established. */
  private downSince: number | undefined;
  private retryMs = FIRST_RETRY_MS;

  constructor(
    private readonly ctx: WatchContext,
    private readonly options: WatchOptions,
  ) {
    // "From now on": every write issued after this call gets a revision above the highest one this
    // connection has seen, so starting there misses none of them (a Range issued now could answer a
    // revision that already includes such a write). It may replay writes from other clients made since.
    this.fromNow = options.fromRevision === 0;
    this.next = (this.fromNow ? ctx.conn.seenRevision : options.fromRevision) + 1;
    this.schedule(0);
  }

  close(): void {
    this.finish();
  }

  /** End the watch and tell its owner why. */
  fail(error: StorageError): void {
    if (this.done) return;
    this.finish();
    try {
      this.options.onError(error);
    } catch (thrown) {
      this.ctx.log.error({ err: thrown, prefix: this.options.prefix }, "watch onError threw");
    }
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    this.drop();
    this.ctx.ended(this);
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connect().catch((error: unknown) => this.fail(toStorageError(error)));
    }, delayMs);
  }

  private async connect(): Promise<void> {
    if (this.done) return;
    let state;
    try {
      // A connectivity check that also tells the recorded compaction point.
      state = await readCompactState(this.ctx.conn, { timeoutMs: Math.max(this.ctx.unavailableAfterMs, 1000) });
    } catch (error) {
      return this.lost(toStorageError(error));
    }
    if (this.done) return;
    if (this.fromNow) this.next = Math.max(this.next, state.compacted + 1); // the seen revision may be old
    this.fromNow = false;
    // etcd itself only refuses start revisions below its compaction point R, but it drops tombstones at R:
    // the contract says history at or below R may be gone, so resuming needs next-1 >= R.
    if (this.next - 1 < state.compacted) return this.fail(compacted(state.compacted, this.next - 1));

    const stream = this.ctx.conn.watchStream();
    this.stream = stream;
    stream.on("message", (bytes: Buffer) => {
      if (this.stream !== stream) return;
      let res: WatchResponse;
      try {
        res = WATCH.decode(bytes);
      } catch (error) {
        return this.lost(new StorageError("Unavailable", `undecodable WatchResponse from etcd: ${String(error)}`));
      }
      this.receive(res);
    });
    stream.on("error", (error: unknown) => {
      if (this.stream === stream) this.lost(toStorageError(error));
    });
    stream.on("end", () => {
      if (this.stream === stream) this.lost(new StorageError("Unavailable", "etcd ended the watch stream"));
    });
    stream.write(
      WATCH.encode({
        create_request: {
          key: bytes(this.options.prefix),
          range_end: bytes(prefixEnd(this.options.prefix)),
          start_revision: this.next,
          progress_notify: true,
          prev_kv: true,
        },
      }),
    );
  }

  /** The stream broke or could not be opened: retry with backoff until `unavailableAfterMs` has passed. */
  private lost(error: StorageError): void {
    if (this.done) return;
    this.drop();
    if (error.code !== "Unavailable") return this.fail(error); // e.g. Closed
    const now = Date.now();
    this.downSince ??= now;
    const left = this.ctx.unavailableAfterMs - (now - this.downSince);
    if (left <= 0) {
      const message = `watch on ${this.options.prefix} could not reach etcd for ${now - this.downSince} ms: ${error.message}`;
      return this.fail(new StorageError("Unavailable", message, { cause: error }));
    }
    this.ctx.log.debug({ prefix: this.options.prefix, next: this.next, err: error }, "etcd watch lost, resuming");
    this.schedule(Math.min(this.retryMs, left));
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }

  private drop(): void {
    const stream = this.stream;
    this.stream = undefined;
    stream?.cancel(); // its 'error' (CANCELLED) is ignored: it is no longer this.stream
  }

  private receive(res: WatchResponse): void {
    try {
      this.handle(res);
    } catch (error) {
      this.fail(toStorageError(error));
    }
  }

  private handle(res: WatchResponse): void {
    this.ctx.conn.observe(res.header);
    const compactRevision = toNumber(res.compact_revision);
    if (compactRevision > 0) return this.fail(compacted(compactRevision, this.next - 1));
    if (res.canceled) {
      return this.lost(new StorageError("Unavailable", `etcd canceled the watch: ${res.cancel_reason || "no reason"}`));
    }
    if (res.created) {
      this.downSince = undefined;
      this.retryMs = FIRST_RETRY_MS;
      return;
    }
    if (res.events.length === 0) return this.progress(toNumber(res.header?.revision));

    const events: WatchEvent[] = [];
    let last = 0;
    for (const wire of res.events) {
      const revision = toNumber(wire.kv.mod_revision);
      if (revision < this.next) continue; // delivered before a reconnect
      const event = toWatchEvent(wire, this.ctx.ownWrites);
      if (!event) return this.fail(compacted(revision, this.next - 1)); // its prev was compacted away
      events.push(event);
      last = revision;
    }
    if (events.length === 0) return;
    this.next = last + 1;
    try {
      this.options.onEvents(events);
    } catch (thrown) {
      this.ctx.log.error({ err: thrown, prefix: this.options.prefix }, "watch onEvents threw");
    }
  }

  /**
   * An empty response is a progress notification: etcd sends it only to a watcher that has been sent
   * every event up to the header revision, and on the same ordered stream.
   */
  private progress(revision: number): void {
    if (revision < this.next) return;
    this.next = revision + 1;
    try {
      this.options.onProgress?.(revision);
    } catch (thrown) {
      this.ctx.log.error({ err: thrown, prefix: this.options.prefix }, "watch onProgress threw");
    }
  }
}

function compacted(compactedRevision: number, from: number): StorageError {
  return new StorageError(
    "Compacted",
    `cannot watch from revision ${from}: history up to revision ${compactedRevision} has been compacted`,
    { revision: compactedRevision },
  );
}
